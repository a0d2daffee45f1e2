import { systemClock } from '../shared/clock';
import { createDocumentClient } from '../shared/clients/dynamodb';
import { ENV, readFailureThreshold, requireEnv } from '../shared/config';
import { createLogger } from '../shared/logger';
import { OrderRepository } from '../shared/order-repository';
import { createFulfillOrderHandler } from './handler';

const ordersTable = requireEnv(process.env, ENV.ordersTable);
const failureThreshold = readFailureThreshold(process.env);

export const handler = createFulfillOrderHandler({
  orders: new OrderRepository(createDocumentClient(), ordersTable),
  failureThreshold,
  clock: systemClock,
  logger: createLogger('fulfill_order'),
});
