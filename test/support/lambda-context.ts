import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { createLambdaContext } from '../../local/lambda-context';

/** The context Lambda passes a function's handler with each invocation, as the local runtime builds it: a fresh request id each time. */
export function lambdaContext(functionName: string, awsRequestId: string = randomUUID()): Context {
  return createLambdaContext({
    functionName,
    functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryMb: 128,
    requestId: awsRequestId,
    logStreamName: '2026/01/01/[$LATEST]0123456789abcdef',
    remainingMs: () => 10_000,
  });
}
