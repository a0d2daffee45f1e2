/**
 * The emulators' thread: dynalite and fauxqs serve from here, so that on a machine with two or more
 * cores they don't share one event loop with the gateway, the workflow and the handlers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerMessage, WorkerRequest } from './emulator-protocol';
import { interposeAuthorization, LocalAuthorizer } from './authorizer';
import { startDynamoDb, startSqs } from './emulator-servers';
import type { DataDir } from './emulators';
import { FaultInjector, interposeFaults } from './faults';
import { logDenial } from './runtime-log';
import { RequestCounter } from './stats';

const port = parentPort!;
const counter = new RequestCounter();
const faults = new FaultInjector();
const dynamo = await startDynamoDb((workerData as { dataDir: DataDir }).dataDir);
const sqs = await startSqs((workerData as { dataDir: DataDir }).dataDir);
counter.watch('dynamodb', dynamo.endpoint);
counter.watch('sqs', sqs.endpoint);
interposeFaults(dynamo.server, 'dynamodb', faults, (operation) => counter.uncount('dynamodb', operation));
interposeFaults(sqs.server, 'sqs', faults, (operation) => counter.uncount('sqs', operation));
// IAM comes first, as on AWS: a denied request never reaches the service (nor an outage).
const authorizer = new LocalAuthorizer((workerData as { account: string }).account);
// A denied request is not billed: it is taken back from the counts, like a fault's refusal.
interposeAuthorization(dynamo.server, authorizer, (denial, operation) => (counter.uncount('dynamodb', operation), logDenial(denial)));
interposeAuthorization(sqs.server, authorizer, (denial, operation) => (counter.uncount('sqs', operation), logDenial(denial)));

const send = (message: WorkerMessage) => port.postMessage(message);
async function handle(request: WorkerRequest): Promise<void> {
  if (request.type === 'counts') return send({ type: 'counts', counts: counter.snapshot(), denials: authorizer.denials() });
  if (request.type === 'roles') {
    authorizer.setRoles(request.roles);
    return send({ type: 'roles' });
  }
  if (request.type === 'faults') {
    if (request.clear) faults.clear();
    if (request.add) faults.add(request.add);
    return send({ type: 'faults', faults: faults.list() });
  }
  await Promise.all([dynamo.close(), sqs.close()]);
  counter.close();
  send({ type: 'stopped' });
  port.close();
}
// A rejection (an emulator that fails to close) stays unhandled on purpose: it ends this thread,
// which the host sees as the worker's 'error'.
port.on('message', (request: WorkerRequest) => void handle(request));
send({ type: 'ready', dynamodb: dynamo.endpoint, sqs: sqs.endpoint });
