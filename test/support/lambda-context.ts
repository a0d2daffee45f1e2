import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

/** The context Lambda passes a function's handler with each invocation: a fresh request id each time. */
export function lambdaContext(functionName: string, awsRequestId: string = randomUUID()): Context {
  const notSupported = () => {
    throw new Error('callback-style completion is not supported');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '128',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/01/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 10_000,
    done: notSupported,
    fail: notSupported,
    succeed: notSupported,
  };
}
