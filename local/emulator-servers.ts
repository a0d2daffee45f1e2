/**
 * The emulators' HTTP servers, started in the calling thread: the emulator worker's (for the runtime),
 * the integration tests' global setup's and the benchmark floor's. Nothing starts on import.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { DataDir, Emulator } from './emulators';

/** An emulator in this thread, with the HTTP server it answers on. */
export interface EmulatorServer extends Emulator {
  readonly server: Server;
}

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
