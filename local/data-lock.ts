import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly pid: number | undefined) {
    super(
      `the data directory ${dataDir} is in use by another DOFS runtime${pid ? ` (pid ${pid})` : ''}: stop it, or set DOFS_DATA_DIR to another directory`,
    );
    this.name = 'DataDirInUseError';
  }
}

function holderOf(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    // Windows' mandatory lock also keeps the holder's file from being read.
    return undefined;
  }
}

/** A dying holder's files close within milliseconds; a newcomer waits this long before giving up. */
const WAIT_FOR_DYING_HOLDER_MS = 2000;

type TryLock = (fd: number) => boolean;

/** The native addon, loaded only when a data directory is locked (an in-memory runtime never needs it). */
async function loadTryLock(): Promise<TryLock> {
  const addon = (await import('fs-native-extensions')) as { tryLock?: TryLock; default?: { tryLock: TryLock } };
  const tryLock = addon.tryLock ?? addon.default!.tryLock;
  return (fd) => {
    try {
      return tryLock(fd);
    } catch (error) {
      // Windows reports a held lock as EBUSY or EACCES rather than false.
      if (['EBUSY', 'EACCES', 'EAGAIN'].includes((error as NodeJS.ErrnoException).code ?? '')) return false;
      throw error;
    }
  };
}

/**
 * One runtime per data directory, held by an exclusive lock on `runtime.lock` that the kernel releases
 * the moment its holder's files close: on exit, on a crash, on SIGKILL (before the process is even
 * reaped). fs-native-extensions takes an open-file-description lock (fcntl F_OFD_SETLK) on Linux and a
 * flock on macOS, so a second lock from the same process is refused too. The pid written into the file
 * only names the holder in the error; it decides nothing.
 *
 * The file is never deleted: unlinking a lock file lets a newcomer lock a fresh inode while another
 * process still holds the old one.
 */
export async function lockDataDir(dataDir: string): Promise<() => void> {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'runtime.lock');
  const fd = openSync(path, 'a+');
  const tryLock = await loadTryLock();
  const deadline = Date.now() + WAIT_FOR_DYING_HOLDER_MS;
  while (!tryLock(fd)) {
    if (Date.now() >= deadline) {
      closeSync(fd);
      throw new DataDirInUseError(dataDir, holderOf(path));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  ftruncateSync(fd, 0);
  writeSync(fd, String(process.pid));
  let released = false;
  return () => {
    if (released) return;
    released = true;
    // Closing the descriptor releases the lock.
    closeSync(fd);
  };
}
