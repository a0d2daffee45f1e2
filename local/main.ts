/**
 * `npm start`: the whole DOFS pipeline on this machine, with no AWS account, Docker or JVM.
 * Prints one ready line; Ctrl-C stops it cleanly; a startup problem is one line on stderr.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../topology/env';
import { readSettings } from './config';
import { lockDataDir } from './data-lock';
import { startEmulatorThread } from './emulators';
import type { FunctionInitError } from './lambda-host';
import type { Runtime } from './runtime';

const here = dirname(fileURLToPath(import.meta.url));
const bundleDir = join(here, '..', 'lambdas');
const emulatorWorker = join(here, 'emulator-worker.mjs');

function explain(error: unknown, port: number): string {
  const { code, name, message } = error as NodeJS.ErrnoException;
  if (code === 'EADDRINUSE') return `port ${port} is already in use: stop what holds it or choose another, e.g. PORT=${port + 1} npm start`;
  if (code === 'EACCES') return `not allowed to listen on port ${port}: choose a port above 1023 with PORT`;
  if (name === 'ConfigurationError' || name === 'DataDirInUseError') return message;
  // A setting a function reads (FAILURE_THRESHOLD) is named as the function names it.
  if (name === 'FunctionInitError' && (error as FunctionInitError).initError.name === 'ConfigurationError') return (error as FunctionInitError).initError.message;
  return `could not start: ${message}`;
}

// After start-up, an error escaping a handler or an emulator is a bug: say so in one line and stop.
function exitOnUnexpected(error: unknown): void {
  const { message, stack } = error as Error;
  process.stderr.write(`dofs: unexpected error: ${message}${process.env.DOFS_DEBUG ? `\n${stack}` : ' (set DOFS_DEBUG=1 for the stack)'}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  process.on('uncaughtException', exitOnUnexpected);
  process.on('unhandledRejection', exitOnUnexpected);
  let settings;
  try {
    settings = readSettings(process.env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    process.stderr.write(`dofs: ${error.message}\n`);
    process.exit(1);
  }
  let runtime: Runtime;
  try {
    const releaseDataDir = settings.dataDir ? await lockDataDir(settings.dataDir) : undefined;
    // The emulator thread boots on another core while this one loads the runtime, its SDK clients and
    // the workflow interpreter (a chunk of their own, imported only now).
    const emulators = startEmulatorThread(emulatorWorker, settings.dataDir, exitOnUnexpected);
    emulators.catch(() => undefined);
    const { startRuntime } = await import('./runtime');
    runtime = await startRuntime({ ...settings, bundleDir, emulators, ...(releaseDataDir ? { releaseDataDir } : {}) });
  } catch (error) {
    process.stderr.write(`dofs: ${explain(error, settings.port)}\n`);
    process.exit(1);
  }

  const data = settings.dataDir ?? 'in memory';
  const redriven = runtime.redriven > 0 ? `, ${runtime.redriven} pending orders re-sent` : '';
  const revoked = settings.revoke.length > 0 ? `, revoked: ${settings.revoke.map((r) => `${r.role} ${r.action}`).join(', ')}` : '';
  process.stdout.write(
    `DOFS local runtime ready on ${runtime.url} (data: ${data}, FAILURE_THRESHOLD=${settings.failureThreshold ?? 'default'}${redriven}${revoked}); console ${runtime.url}/, command line npx dofs --help\n`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`DOFS local runtime stopping (${signal})\n`);
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

void main();
