import { ENV } from '../topology/access';

/** What a handler needs to start on Lambda, as its stack sets it (every declared variable); the values only have to be well formed. */
export const HANDLER_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  [ENV.ordersTable]: 'dofs-bench-orders',
  [ENV.failedOrdersTable]: 'dofs-bench-failed_orders',
  [ENV.orderQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/000000000000/dofs-bench-order_queue',
  [ENV.stateMachineArn]: 'arn:aws:states:us-east-1:000000000000:stateMachine:dofs-bench-order-workflow',
  [ENV.failureThreshold]: '1.0',
  [ENV.environment]: 'bench',

};
