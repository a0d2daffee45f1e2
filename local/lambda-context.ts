import type { Context } from 'aws-lambda';

export interface LambdaContextOptions {
  readonly functionName: string;
  readonly functionArn: string;
  readonly memoryMb: number;
  readonly requestId: string;
  readonly logStreamName: string;
  /** Milliseconds until the invocation's timeout. */
  readonly remainingMs: () => number;
}

/**
 * The context object Lambda passes a Node.js handler with each invocation
 * (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html). The handlers are async, so the
 * callback-style completion methods only throw.
 */
export function createLambdaContext(options: LambdaContextOptions): Context {
  const { functionName, functionArn, memoryMb, requestId, logStreamName, remainingMs } = options;
  const notSupported = () => {
    throw new Error('callback-style completion is not supported');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName,
    getRemainingTimeInMillis: remainingMs,
    done: notSupported,
    fail: notSupported,
    succeed: notSupported,
  };
}
