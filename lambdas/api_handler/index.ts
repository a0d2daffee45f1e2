import { createDocumentClient } from '../shared/clients/dynamodb';
import { createSfnClient } from '../shared/clients/sfn';
import { ENV, requireArn, requireEnv } from '../shared/config';
import { createLogger } from '../shared/logger';
import { OrderRepository } from '../shared/order-repository';
import { createApiHandler } from './handler';
import { StepFunctionsOrderWorkflow } from './workflow-client';

const stateMachineArn = requireArn(process.env, ENV.stateMachineArn);
const ordersTable = requireEnv(process.env, ENV.ordersTable);

export const handler = createApiHandler({
  workflow: new StepFunctionsOrderWorkflow(createSfnClient(), stateMachineArn),
  orders: new OrderRepository(createDocumentClient(), ordersTable),
  logger: createLogger('api_handler'),
});
