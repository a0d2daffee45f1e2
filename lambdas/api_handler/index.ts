import { ENV } from '../../topology/access';
import { readEnv } from '../../topology/env';
import { createDocumentClient } from '../shared/clients/dynamodb';
import { createSfnClient } from '../shared/clients/sfn';
import { createLogger } from '../shared/logger';
import { createMetrics } from '../shared/metrics';
import { OrderRepository } from '../shared/order-repository';
import { createApiHandler } from './handler';
import { StepFunctionsOrderWorkflow } from './workflow-client';

const { stateMachineArn, ordersTable, environment } = readEnv(process.env, (env) => ({
  stateMachineArn: env.arn(ENV.stateMachineArn),
  ordersTable: env.required(ENV.ordersTable),
  environment: env.required(ENV.environment),
}));

const logger = createLogger('api_handler');
export const handler = createApiHandler({
  workflow: new StepFunctionsOrderWorkflow(createSfnClient(), stateMachineArn),
  orders: new OrderRepository(createDocumentClient(), ordersTable),
  logger,
  metrics: createMetrics(environment, logger),
});
