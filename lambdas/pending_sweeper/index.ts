import { ENV } from '../../topology/access';
import { readEnv } from '../../topology/env';
import { PENDING_REDRIVE_AFTER_SECONDS } from '../../topology/recovery';
import { systemClock } from '../shared/clock';
import { createDocumentClient } from '../shared/clients/dynamodb';
import { createSqsClient } from '../shared/clients/sqs';
import { createLogger } from '../shared/logger';
import { createMetrics } from '../shared/metrics';
import { FailedOrderRepository, OrderRepository } from '../shared/order-repository';
import { createPendingSweeperHandler } from './handler';

const { ordersTable, failedOrdersTable, orderQueueUrl, redriveAfterSeconds, environment } = readEnv(process.env, (env) => ({
  ordersTable: env.required(ENV.ordersTable),
  failedOrdersTable: env.required(ENV.failedOrdersTable),
  orderQueueUrl: env.httpUrl(ENV.orderQueueUrl),
  redriveAfterSeconds: env.seconds(ENV.pendingRedriveAfterSeconds, PENDING_REDRIVE_AFTER_SECONDS),
  environment: env.required(ENV.environment),
}));

const documents = createDocumentClient();
const logger = createLogger('pending_sweeper');
export const handler = createPendingSweeperHandler({
  orders: new OrderRepository(documents, ordersTable),
  failedOrders: new FailedOrderRepository(documents, failedOrdersTable),
  sqs: createSqsClient(),
  orderQueueUrl,
  redriveAfterSeconds,
  clock: systemClock,
  logger,
  metrics: createMetrics(environment, logger),
});
