/**
 * The messages between the runtime and a function's worker thread. Types only: the worker module
 * imports the function's bundle when it loads, so nothing may import a value from it.
 */
export interface FunctionWorkerData {
  /** The bundle's entry (dist/lambdas/<key>/index.mjs). */
  readonly bundle: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly memoryMb: number;
}

export interface InvocationRequest {
  readonly id: number;
  readonly event: unknown;
  /** When the function times out (epoch ms), for the context's getRemainingTimeInMillis. */
  readonly deadline: number;
}

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string;
}

export type InvocationReply =
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly error: SerializedError }
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };
