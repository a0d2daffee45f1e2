import { ENV } from '../../topology/access';
import { readEnv } from '../../topology/env';
import { systemClock } from '../shared/clock';
import { createDocumentClient } from '../shared/clients/dynamodb';
import { createLogger } from '../shared/logger';
import { OrderRepository } from '../shared/order-repository';
import { createOrderStorageHandler } from './handler';

const { ordersTable } = readEnv(process.env, (env) => ({ ordersTable: env.required(ENV.ordersTable) }));

export const handler = createOrderStorageHandler({
  orders: new OrderRepository(createDocumentClient(), ordersTable),
  clock: systemClock,
  logger: createLogger('order_storage'),
});
