import { ENV } from '../../topology/access';
import { readEnv } from '../../topology/env';
import { systemClock } from '../shared/clock';
import { createDocumentClient } from '../shared/clients/dynamodb';
import { createLogger } from '../shared/logger';
import { FailedOrderRepository, OrderRepository } from '../shared/order-repository';
import { createDlqHandler } from './handler';

const { ordersTable, failedOrdersTable } = readEnv(process.env, (env) => ({
  ordersTable: env.required(ENV.ordersTable),
  failedOrdersTable: env.required(ENV.failedOrdersTable),
}));
const db = createDocumentClient();

export const handler = createDlqHandler({
  orders: new OrderRepository(db, ordersTable),
  failedOrders: new FailedOrderRepository(db, failedOrdersTable),
  clock: systemClock,
  logger: createLogger('dlq_handler'),
});
