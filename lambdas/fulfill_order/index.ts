import { ENV } from '../../topology/access';
import { readEnv } from '../../topology/env';
import { systemClock } from '../shared/clock';
import { createDocumentClient } from '../shared/clients/dynamodb';
import { createLogger } from '../shared/logger';
import { OrderRepository } from '../shared/order-repository';
import { createFulfillOrderHandler } from './handler';

const { ordersTable, failureThreshold } = readEnv(process.env, (env) => ({
  ordersTable: env.required(ENV.ordersTable),
  failureThreshold: env.failureThreshold(ENV.failureThreshold),
}));

export const handler = createFulfillOrderHandler({
  orders: new OrderRepository(createDocumentClient(), ordersTable),
  failureThreshold,
  clock: systemClock,
  logger: createLogger('fulfill_order'),
});
