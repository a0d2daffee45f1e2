import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tryLock } from 'fs-native-extensions';

export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly pid: number | undefined) {
    super(
      `the data directory ${dataDir} is in use by another DOFS runtime${pid ? ` (pid ${pid})` : ''}: stop it, or set DOFS_DATA_DIR to another directory`,
    );
    this.name = 'DataDirInUseError';
  }
}

function holderOf(path: string): number | undefined {
  const pid = Number(readFileSync(path, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
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
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'runtime.lock');
  const fd = openSync(path, 'a+');
  if (!tryLock(fd)) {
    closeSync(fd);
    throw new DataDirInUseError(dataDir, holderOf(path));
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
