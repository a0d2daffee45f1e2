import { systemClock } from '../shared/clock';
import { createDocumentClient } from '../shared/clients/dynamodb';
import { ENV, requireEnv } from '../shared/config';
import { createLogger } from '../shared/logger';
import { FailedOrderRepository, OrderRepository } from '../shared/order-repository';
import { createDlqHandler } from './handler';

const ordersTable = requireEnv(process.env, ENV.ordersTable);
const failedOrdersTable = requireEnv(process.env, ENV.failedOrdersTable);
const db = createDocumentClient();

export const handler = createDlqHandler({
  orders: new OrderRepository(db, ordersTable),
  failedOrders: new FailedOrderRepository(db, failedOrdersTable),
  clock: systemClock,
  logger: createLogger('dlq_handler'),
});
