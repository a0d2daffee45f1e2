/**
 * The runtime's side of the emulator thread. It knows the worker only by its file and the messages of
 * emulator-protocol.ts: the worker starts the emulators when it loads, so importing a value from it
 * would start them in this thread.
 */
import { Worker } from 'node:worker_threads';
import type { WorkerMessage, WorkerRequest } from './emulator-protocol';
import type { RoleGrant } from './authorizer';
import type { ActiveFault, FaultSpec } from './faults';
import { LOCAL_ACCOUNT } from './names';
import type { RequestCounts } from './stats';

/**
 * The AWS emulators behind the local runtime and the integration tests: DynamoDB through dynalite
 * (LevelDB on disk, or in memory) and SQS through fauxqs (SQLite on disk, or in memory).
 */
export interface Emulator {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** `null` keeps everything in memory. */
export type DataDir = string | null;

export interface EmulatorCounts {
  readonly requests: RequestCounts;
  readonly denials: Record<string, number>;
}

export interface EmulatorThread {
  readonly dynamodb: Emulator;
  readonly sqs: Emulator;
  /** Requests the emulators served so far, by service and operation, and those refused as IAM would, by role and action. */
  counts(): Promise<EmulatorCounts>;
  /** The roles whose requests are authorized (any other credentials are the operator's). */
  setRoles(roles: RoleGrant[]): Promise<void>;
  /** Adds a fault, or clears them all, and answers the faults now active. */
  faults(change?: { add?: FaultSpec; clear?: boolean }): Promise<ActiveFault[]>;
  close(): Promise<void>;
}

/** Starts both emulators in a worker thread running `workerFile` (the built local/emulator-worker). */
export async function startEmulatorThread(workerFile: string, dataDir: DataDir, onFailure: (error: unknown) => void, account = LOCAL_ACCOUNT): Promise<EmulatorThread> {
  const worker = new Worker(workerFile, { workerData: { dataDir, account } });
  // Replies come back in the order the requests went out.
  const waiting: ((message: WorkerMessage) => void)[] = [];
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the emulator thread exited with code ${code}`)));
  });
  failed.catch(() => undefined);
  const ready = await Promise.race([
    new Promise<WorkerMessage>((resolve) => worker.once('message', resolve)),
    failed,
  ]);
  worker.on('message', (message: WorkerMessage) => waiting.shift()?.(message));
  // Without its emulators the runtime can only fail requests: a thread that dies is reported to onFailure.
  let closing: Promise<void> | undefined;
  worker.on('error', onFailure);
  worker.on('exit', (code) => {
    if (!closing) onFailure(new Error(`the emulator thread exited with code ${code}`));
  });
  const ask = (request: WorkerRequest) =>
    Promise.race([new Promise<WorkerMessage>((resolve) => {
      waiting.push(resolve);
      worker.postMessage(request);
    }), failed]);
  if (ready.type !== 'ready') throw new Error(`unexpected message from the emulator thread: ${ready.type}`);
  const close = () => (closing ??= ask({ type: 'stop' }).then(() => undefined, () => undefined).then(() => worker.terminate()).then(() => undefined));
  return {
    dynamodb: { endpoint: ready.dynamodb, close },
    sqs: { endpoint: ready.sqs, close },
    counts: async () => {
      const reply = await ask({ type: 'counts' });
      return reply.type === 'counts' ? { requests: reply.counts, denials: reply.denials } : { requests: {}, denials: {} };
    },
    setRoles: async (roles) => {
      await ask({ type: 'roles', roles });
    },
    faults: async (change = {}) => {
      const reply = await ask({ type: 'faults', ...change });
      return reply.type === 'faults' ? reply.faults : [];
    },
    close,
  };
}
