import { ENV } from '../../topology/access';
import { readEnv } from '../../topology/env';
import { systemClock } from '../shared/clock';
import { createDocumentClient } from '../shared/clients/dynamodb';
import { createLogger } from '../shared/logger';
import { createMetrics } from '../shared/metrics';
import { OrderRepository } from '../shared/order-repository';
import { createFulfillOrderHandler } from './handler';

const { ordersTable, failureThreshold, environment } = readEnv(process.env, (env) => ({
  ordersTable: env.required(ENV.ordersTable),
  failureThreshold: env.failureThreshold(ENV.failureThreshold),
  environment: env.required(ENV.environment),
}));

const logger = createLogger('fulfill_order');
export const handler = createFulfillOrderHandler({
  orders: new OrderRepository(createDocumentClient(), ordersTable),
  failureThreshold,
  clock: systemClock,
  logger,
  metrics: createMetrics(environment, logger),
});
