import type { Server } from 'node:http';
import { describeProblems } from '../lambdas/shared/errors';
import { interpose, operationOf } from './http-util';

/**
 * Outages on demand: while a fault is active, the emulator answers the chosen operation the way an AWS
 * service does when it is unavailable (HTTP 503, error code ServiceUnavailable, which the SDKs retry and
 * then give up on). Used to rehearse recovery locally, as AWS Fault Injection Service does on AWS:
 * POST /_local/faults {"service":"sqs","operation":"SendMessage","seconds":30}.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html
 */
export const FAULT_SERVICES = ['dynamodb', 'sqs'] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];

export interface FaultSpec {
  readonly service: FaultService;
  /** The API operation, as in X-Amz-Target (e.g. SendMessage, PutItem). */
  readonly operation: string;
  /** How long the fault lasts; without it, until cleared with DELETE /_local/faults. */
  readonly seconds?: number;
}

export interface ActiveFault extends FaultSpec {
  /** Requests refused so far. */
  readonly refused: number;
  /** When the fault ends (ISO 8601), if it has an end. */
  readonly until?: string;
}

export class InvalidFaultError extends Error {
  constructor(readonly details: { field: string; message: string }[]) {
    super(describeProblems(details));
    this.name = 'InvalidFaultError';
  }
}

/** At most this many faults at once: each is checked on every emulator request. */
export const MAX_FAULTS = 32;

export type KnownOperations = Readonly<Record<FaultService, ReadonlySet<string>>>;

/** The operations of an AWS SDK v3 client package: the names of its `<Operation>Command` classes. */
export function commandNames(client: Record<string, unknown>): Set<string> {
  return new Set(Object.keys(client).filter((name) => /^[A-Z]\w*Command$/.test(name) && name !== 'Command').map((name) => name.slice(0, -'Command'.length)));
}

/** Checks a fault request from the local API; names every bad field. */
export function parseFaultSpec(input: unknown, operations: KnownOperations): FaultSpec {
  const body = (typeof input === 'object' && input !== null && !Array.isArray(input) ? input : {}) as Record<string, unknown>;
  const details: { field: string; message: string }[] = [];
  if (!FAULT_SERVICES.includes(body.service as FaultService)) details.push({ field: 'service', message: `must be one of ${FAULT_SERVICES.join(', ')}` });
  const service = operations[body.service as FaultService];
  if (typeof body.operation !== 'string' || (service ? !service.has(body.operation) : !/^[A-Za-z]{1,64}$/.test(body.operation))) {
    details.push({ field: 'operation', message: `must be an operation of the service's API, e.g. ${body.service === 'dynamodb' ? 'PutItem' : 'SendMessage'}` });
  }
  if (body.seconds !== undefined && (typeof body.seconds !== 'number' || !(body.seconds > 0) || body.seconds > 86_400)) {
    details.push({ field: 'seconds', message: 'must be a number of seconds above 0 and at most 86400' });
  }
  if (details.length > 0) throw new InvalidFaultError(details);
  return { service: body.service as FaultService, operation: body.operation as string, ...(body.seconds !== undefined ? { seconds: body.seconds as number } : {}) };
}

interface Fault {
  readonly spec: FaultSpec;
  readonly until: number;
  refused: number;
}

/** The active faults, kept in the emulator thread beside the emulators they affect. */
export class FaultInjector {
  private faults: Fault[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  add(spec: FaultSpec): void {
    this.faults.push({ spec, until: spec.seconds === undefined ? Infinity : this.now() + spec.seconds * 1000, refused: 0 });
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    this.expire();
    return this.faults.map(({ spec, until, refused }) => ({ ...spec, refused, ...(Number.isFinite(until) ? { until: new Date(until).toISOString() } : {}) }));
  }

  /** True (and counted) when a request for this operation is to be refused now. */
  refuses(service: FaultService, operation: string): boolean {
    this.expire();
    const fault = this.faults.find((f) => f.spec.service === service && f.spec.operation === operation);
    if (fault) fault.refused += 1;
    return Boolean(fault);
  }

  private expire(): void {
    const now = this.now();
    this.faults = this.faults.filter((fault) => fault.until > now);
  }
}

/**
 * Puts the injector in front of an emulator's HTTP server: a refused request is answered with a 503
 * ServiceUnavailable in the JSON protocol's error shape (the `x-amzn-query-error` header is how SQS's
 * JSON protocol names query-compatible error codes); anything else reaches the emulator untouched.
 */
export function interposeFaults(server: Server, service: FaultService, injector: FaultInjector, onRefused: (operation: string) => void = () => undefined): void {
  interpose(server, (req, res, pass) => {
    const operation = operationOf(req);
    if (!injector.refuses(service, operation)) return pass();
    onRefused(operation);
    req.resume();
    const body = JSON.stringify({ __type: 'ServiceUnavailable', message: 'The service is unavailable (fault injected by the DOFS local runtime)' });
    res.writeHead(503, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-query-error': 'ServiceUnavailable;Receiver',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
}
