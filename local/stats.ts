import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { BusinessMetricsSummary } from './business-metrics';
import { onFunctionOutput } from './function-output';
import { operationOf } from './http-util';

/** Requests each emulator served, by API operation (X-Amz-Target), e.g. { dynamodb: { PutItem: 3 } }. */
export type RequestCounts = Record<string, Record<string, number>>;

interface InvocationStats {
  count: number;
  errors: number;
  totalMs: number;
}

export interface RuntimeStatsSnapshot {
  readonly requests: RequestCounts;
  /** Lambda invocations by function, with their summed duration (what Lambda bills). */
  readonly invocations: Record<string, InvocationStats>;
  /** Workflow executions and the state transitions they made (what Standard workflows bill). */
  readonly executions: { count: number; transitions: number; totalMs: number };
  /** CPU time the runtime process used so far (user + system, all threads). */
  readonly cpuMs: number;
  /** Calls refused as IAM would refuse them on AWS, by "<role> <action>" (see the log's "access denied" lines). */
  readonly denials: Record<string, number>;
  /** The business metrics the handlers emitted (their EMF lines), as CloudWatch would have them. */
  readonly metrics: BusinessMetricsSummary;
  /** What each function wrote to its log, log lines and EMF alike: what CloudWatch Logs would ingest (and bill). */
  readonly logs: Record<string, LogIngestion>;
}

export interface LogIngestion {
  lines: number;
  /** UTF-8 bytes, each line's newline included. */
  bytes: number;
}

/**
 * Counts the requests the emulators serve, by operation. Every HTTP server in the thread reports to
 * Node's `http.server.request.start` channel; the emulators are told apart by their port.
 */
export class RequestCounter {
  private readonly services = new Map<number, string>();
  private readonly counts: RequestCounts = {};

  private readonly onRequest = (message: unknown) => {
    const request = (message as { request: IncomingMessage }).request;
    const service = this.services.get(request.socket.localPort ?? 0);
    if (!service) return;
    const operation = operationOf(request);
    const counts = (this.counts[service] ??= {});
    counts[operation] = (counts[operation] ?? 0) + 1;
  };

  constructor() {
    subscribe('http.server.request.start', this.onRequest);
  }

  watch(service: string, endpoint: string): void {
    this.services.set(Number(new URL(endpoint).port), service);
  }

  /** Takes back a request the emulator never served (refused by an injected fault: AWS bills no 5xx). */
  uncount(service: string, operation: string): void {
    const counts = this.counts[service];
    if (counts?.[operation]) counts[operation] -= 1;
  }

  snapshot(): RequestCounts {
    return structuredClone(this.counts);
  }

  close(): void {
    unsubscribe('http.server.request.start', this.onRequest);
  }
}

/** Counts from several places (the denials the emulator thread and the runtime each refused), added up by key. */
export function mergeCounts(...counts: Record<string, number>[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const each of counts) for (const [key, n] of Object.entries(each)) merged[key] = (merged[key] ?? 0) + n;
  return merged;
}

/**
 * What the local pipeline did, counted the way AWS bills it: emulator requests per operation, Lambda
 * invocations and their durations, workflow executions and state transitions; and the business
 * metrics the handlers emitted. Served at GET /_local/stats; the benchmark's cost model reads it.
 */
export class RuntimeStats {
  private readonly invocations: Record<string, InvocationStats> = {};
  private readonly executions = { count: 0, transitions: 0, totalMs: 0 };
  private readonly logs: Record<string, LogIngestion> = {};
  private readonly stopCountingLogs = onFunctionOutput(({ functionName, line }) => {
    const ingested = (this.logs[functionName] ??= { lines: 0, bytes: 0 });
    ingested.lines += 1;
    ingested.bytes += Buffer.byteLength(line) + 1;
  });

  /** `counts` reads the emulators' request counts and every denial (the emulators' and the runtime's own). */
  constructor(
    private readonly counts: () => Promise<{ requests: RequestCounts; denials: Record<string, number> }>,
    private readonly metrics: { summary(): BusinessMetricsSummary },
  ) {}

  recordInvocation(functionName: string, durationMs: number, failed: boolean): void {
    const stats = (this.invocations[functionName] ??= { count: 0, errors: 0, totalMs: 0 });
    stats.count += 1;
    stats.totalMs += durationMs;
    if (failed) stats.errors += 1;
  }

  recordExecution(transitions: number, durationMs: number): void {
    this.executions.count += 1;
    this.executions.transitions += transitions;
    this.executions.totalMs += durationMs;
  }

  async snapshot(): Promise<RuntimeStatsSnapshot> {
    const { user, system } = process.cpuUsage();
    const { requests, denials } = await this.counts();
    return {
      requests,
      invocations: structuredClone(this.invocations),
      executions: { ...this.executions },
      cpuMs: (user + system) / 1000,
      denials,
      metrics: this.metrics.summary(),
      logs: structuredClone(this.logs),
    };
  }

  close(): void {
    this.stopCountingLogs();
  }
}
