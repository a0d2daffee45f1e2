import { PENDING_REDRIVE_AFTER_SECONDS } from '../../topology/recovery';
import { systemClock } from '../shared/clock';
import { createDocumentClient } from '../shared/clients/dynamodb';
import { createSqsClient } from '../shared/clients/sqs';
import { ENV, readSeconds, requireEnv, requireUrl } from '../shared/config';
import { createLogger } from '../shared/logger';
import { FailedOrderRepository, OrderRepository } from '../shared/order-repository';
import { createPendingSweeperHandler } from './handler';

const ordersTable = requireEnv(process.env, ENV.ordersTable);
const failedOrdersTable = requireEnv(process.env, ENV.failedOrdersTable);
const orderQueueUrl = requireUrl(process.env, ENV.orderQueueUrl);
const redriveAfterSeconds = readSeconds(process.env, ENV.pendingRedriveAfterSeconds, PENDING_REDRIVE_AFTER_SECONDS);

const documents = createDocumentClient();
export const handler = createPendingSweeperHandler({
  orders: new OrderRepository(documents, ordersTable),
  failedOrders: new FailedOrderRepository(documents, failedOrdersTable),
  sqs: createSqsClient(),
  orderQueueUrl,
  redriveAfterSeconds,
  clock: systemClock,
  logger: createLogger('pending_sweeper'),
});
