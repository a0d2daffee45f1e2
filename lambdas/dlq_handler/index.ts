import { ENV } from '../../topology/access';
import { readEnv } from '../../topology/env';
import { systemClock } from '../shared/clock';
import { createDocumentClient } from '../shared/clients/dynamodb';
import { createLogger } from '../shared/logger';
import { createMetrics } from '../shared/metrics';
import { FailedOrderRepository, OrderRepository } from '../shared/order-repository';
import { createDlqHandler } from './handler';

const { ordersTable, failedOrdersTable, environment } = readEnv(process.env, (env) => ({
  ordersTable: env.required(ENV.ordersTable),
  failedOrdersTable: env.required(ENV.failedOrdersTable),
  environment: env.required(ENV.environment),
}));
const db = createDocumentClient();

const logger = createLogger('dlq_handler');
export const handler = createDlqHandler({
  orders: new OrderRepository(db, ordersTable),
  failedOrders: new FailedOrderRepository(db, failedOrdersTable),
  clock: systemClock,
  logger,
  metrics: createMetrics(environment, logger),
});
