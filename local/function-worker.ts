/**
 * One Lambda function's isolate: its worker thread imports the function's bundle (the artifact that
 * deploys) with only that function's environment, as a Lambda execution environment does, and runs
 * the invocations its host posts. Nothing here is shared with another function.
 */
import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { FunctionWorkerData, InvocationReply, InvocationRequest, SerializedError } from './function-protocol';
import { createLambdaContext } from './lambda-context';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const port = parentPort!;
const { bundle, functionName, functionArn, memoryMb } = workerData as FunctionWorkerData;

function serialize(error: unknown): SerializedError {
  const { name = 'Error', message = String(error), stack = '' } = (error ?? {}) as Error;
  return { name, message, stack };
}

let handler: Handler;
try {
  ({ handler } = (await import(pathToFileURL(bundle).href)) as { handler: Handler });
  port.postMessage({ type: 'ready' } satisfies InvocationReply);
} catch (error) {
  // Lambda's init phase failed: the host reports it and never invokes this environment.
  port.postMessage({ type: 'init-error', error: serialize(error) } satisfies InvocationReply);
}

async function invoke({ id, event, deadline }: InvocationRequest): Promise<void> {
  try {
    const context = createLambdaContext({
      functionName,
      functionArn,
      memoryMb,
      requestId: randomUUID(),
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? 'local',
      remainingMs: () => Math.max(0, deadline - Date.now()),
    });
    const result = await handler(event, context);
    port.postMessage({ type: 'result', id, result } satisfies InvocationReply);
  } catch (error) {
    port.postMessage({ type: 'error', id, error: serialize(error) } satisfies InvocationReply);
  }
}
// invoke() answers every request itself, the handler's failures included: nothing waits for it.
port.on('message', (request: InvocationRequest) => void invoke(request));
