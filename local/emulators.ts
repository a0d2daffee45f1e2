import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WorkerMessage, WorkerRequest } from './emulator-protocol';
import type { RoleGrant } from './authorizer';
import type { ActiveFault, FaultSpec } from './faults';
import type { RequestCounts } from './stats';

/**
 * The AWS emulators behind the local runtime and the integration tests: DynamoDB through dynalite
 * (LevelDB on disk, or in memory) and SQS through fauxqs (SQLite on disk, or in memory).
 */
export interface Emulator {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** An emulator in this thread, with the HTTP server it answers on. */
export interface EmulatorServer extends Emulator {
  readonly server: Server;
}

/** `null` keeps everything in memory. */
export type DataDir = string | null;

export async function startDynamoDb(dataDir: DataDir): Promise<EmulatorServer> {
  const { default: dynalite } = await import('dynalite');
  const path = dataDir ? join(dataDir, 'dynamodb') : undefined;
  if (path) mkdirSync(path, { recursive: true });
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function startSqs(dataDir: DataDir): Promise<EmulatorServer> {
  // A native import: fauxqs is an ES module, and the test harness loads this file as CommonJS.
  const { startFauxqs } = await import('fauxqs');
  const path = dataDir ? join(dataDir, 'sqs') : undefined;
  if (path) mkdirSync(path, { recursive: true });
  // fauxqs listens on every interface unless told otherwise (listenHost is in our patch: docs/emulators.md).
  const server = await startFauxqs({ port: 0, listenHost: '127.0.0.1', logger: false, ...(path ? { dataDir: path } : {}) });
  if (!server.httpServer) {
    await server.stop();
    throw new Error('fauxqs is not patched (npm install applies patches/ unless scripts are off): run `npx patch-package`');
  }
  return { endpoint: `http://127.0.0.1:${server.port}`, server: server.httpServer, close: () => server.stop() };
}

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
export async function startEmulatorThread(workerFile: string, dataDir: DataDir, onFailure: (error: unknown) => void, account = '000000000000'): Promise<EmulatorThread> {
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
