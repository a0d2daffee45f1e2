/** The one function the runtime uses from fs-native-extensions (the package ships no types). */
declare module 'fs-native-extensions' {
  /** An exclusive lock on the whole file; false when another open file description holds one. */
  export function tryLock(fd: number, offset?: number, length?: number, options?: { shared?: boolean }): boolean;
}
