import { systemClock } from '../shared/clock';
import { createDocumentClient } from '../shared/clients/dynamodb';
import { ENV, requireEnv } from '../shared/config';
import { createLogger } from '../shared/logger';
import { OrderRepository } from '../shared/order-repository';
import { createOrderStorageHandler } from './handler';

const ordersTable = requireEnv(process.env, ENV.ordersTable);

export const handler = createOrderStorageHandler({
  orders: new OrderRepository(createDocumentClient(), ordersTable),
  clock: systemClock,
  logger: createLogger('order_storage'),
});
