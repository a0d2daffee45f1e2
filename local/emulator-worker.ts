/**
 * The emulators' thread: dynalite and fauxqs serve from here, so that on a machine with two or more
 * cores they don't share one event loop with the gateway, the workflow and the handlers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startDynamoDb, startSqs, type DataDir } from './emulators';
import { RequestCounter } from './stats';

export type WorkerRequest = { type: 'counts' } | { type: 'stop' };
export type WorkerMessage =
  | { type: 'ready'; dynamodb: string; sqs: string }
  | { type: 'counts'; counts: ReturnType<RequestCounter['snapshot']> }
  | { type: 'stopped' };

const port = parentPort!;
const counter = new RequestCounter();
const dynamo = await startDynamoDb((workerData as { dataDir: DataDir }).dataDir);
const sqs = await startSqs((workerData as { dataDir: DataDir }).dataDir);
counter.watch('dynamodb', dynamo.endpoint);
counter.watch('sqs', sqs.endpoint);

const send = (message: WorkerMessage) => port.postMessage(message);
port.on('message', async (request: WorkerRequest) => {
  if (request.type === 'counts') return send({ type: 'counts', counts: counter.snapshot() });
  await Promise.all([dynamo.close(), sqs.close()]);
  counter.close();
  send({ type: 'stopped' });
  port.close();
});
send({ type: 'ready', dynamodb: dynamo.endpoint, sqs: sqs.endpoint });
