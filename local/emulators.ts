import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

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

export async function startDynamoDb(dataDir: DataDir): Promise<Emulator> {
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function startSqs(dataDir: DataDir): Promise<Emulator> {
  // A native import: fauxqs is an ES module, and the test harness loads this file as CommonJS.
  const { startFauxqs } = await import('fauxqs');
  const path = dataDir ? join(dataDir, 'sqs') : undefined;
  if (path) mkdirSync(path, { recursive: true });
  const server = await startFauxqs({ port: 0, logger: false, ...(path ? { dataDir: path } : {}) });
  return { endpoint: `http://127.0.0.1:${server.port}`, close: () => server.stop() };
}
