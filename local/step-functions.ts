import { ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import { randomUUID } from 'node:crypto';
import type { ExecutionHistory, ExecutionRecord, StateVisit } from './executions';

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type TaskHandler = (input: JsonValue) => Promise<JsonValue>;

/** The fields of a StartSyncExecution response that DOFS reads (the AWS API's names). */
export interface SyncExecutionResult {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  startDate: number;
  stopDate: number;
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  /** Express executions bill duration in 100 ms steps and memory in 64 MB steps. */
  billingDetails: { billedMemoryUsedInMB: number; billedDurationInMilliseconds: number };
}

const EVENT_KINDS: Record<string, StateVisit['event']> = {
  StateEntered: 'entered',
  StateExited: 'succeeded',
  StateFailed: 'failed',
  StateRetried: 'retried',
  StateCaught: 'caught',
};

function orderIdOf(input: unknown): string | undefined {
  const orderId = (input as { order?: { order_id?: unknown } } | null)?.order?.order_id;
  return typeof orderId === 'string' ? orderId.slice(0, 64) : undefined;
}

export interface LocalStateMachineOptions {
  /** Told of each execution's billed transitions and duration (the runtime's stats). */
  readonly observe?: (transitions: number, durationMs: number) => void;
  /**
   * Milliseconds each Retry waits, by state name, instead of the definition's backoff: for tests that
   * exercise retries without waiting them out. The runtime never sets it (the deployed backoff runs).
   */
  readonly retryIntervalOverrides?: Record<string, number>;
}

/**
 * An Express state machine run by aws-local-stepfunctions: the same definition that deploys, with its
 * Task states overridden by local handlers (the Lambda bundles, and an SQS send to fauxqs).
 */
export class LocalStateMachine {
  private readonly machine: StateMachine;
  private readonly observe: (transitions: number, durationMs: number) => void;

  constructor(
    definition: Record<string, unknown>,
    private readonly taskHandlers: Record<string, TaskHandler>,
    readonly stateMachineArn: string,
    private readonly history: ExecutionHistory,
    private readonly options: LocalStateMachineOptions = {},
  ) {
    this.observe = options.observe ?? (() => undefined);
    // Not validated again here: the definition comes from topology/workflow.ts, which the unit tests
    // validate with this same library (asl-validator) and terraform validates against AWS's rules;
    // compiling the ASL schema would add a third of a second to every `npm start` (bench/README.md).
    this.machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
  }

  async startSyncExecution(input: string, name: string = randomUUID()): Promise<SyncExecutionResult> {
    const parsed = JSON.parse(input) as JsonValue;
    const startDate = Date.now();
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':express:')}:${name}:${randomUUID()}`;
    const record: ExecutionRecord = {
      executionArn,
      name,
      orderId: orderIdOf(parsed),
      startDate: new Date(startDate).toISOString(),
      status: 'RUNNING',
      states: [],
    };
    this.history.add(record);

    const { retryIntervalOverrides } = this.options;
    const execution = this.machine.run(parsed, {
      overrides: { taskResourceLocalHandlers: this.taskHandlers, ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}) },
    });
    const recording = this.record(execution.eventLogs, record);
    const base = { executionArn, stateMachineArn: this.stateMachineArn, name, startDate: startDate / 1000, input };
    let result: Omit<SyncExecutionResult, 'billingDetails'> & Partial<Pick<SyncExecutionResult, 'billingDetails'>>;
    try {
      const output = await execution.result;
      result = { ...base, stopDate: Date.now() / 1000, status: 'SUCCEEDED', output: JSON.stringify(output) };
    } catch (error) {
      if (error instanceof ExecutionTimeoutError) {
        result = { ...base, stopDate: Date.now() / 1000, status: 'TIMED_OUT', error: 'States.Timeout' };
      } else if (error instanceof ExecutionError) {
        const cause = error.cause as Error;
        result = { ...base, stopDate: Date.now() / 1000, status: 'FAILED', error: cause.name, cause: cause.message };
      } else {
        throw error;
      }
    }
    await recording;
    result.billingDetails = { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, Math.ceil((result.stopDate - result.startDate) * 10) * 100) };
    record.status = result.status;
    record.stopDate = new Date(result.stopDate * 1000).toISOString();
    if (result.error) record.error = result.error;
    if (result.cause) record.cause = result.cause;
    // Standard workflows bill each state entered (a retry enters the state again).
    const transitions = record.states.filter((visit) => visit.event === 'entered' || visit.event === 'retried').length;
    this.observe(transitions, Date.now() - startDate);
    return result as SyncExecutionResult;
  }

  private async record(events: AsyncGenerator<{ type: string; timestamp: number; state?: { name: string; type: string }; Error?: string }>, record: ExecutionRecord) {
    for await (const event of events) {
      const kind = EVENT_KINDS[event.type];
      if (!kind || !event.state) continue;
      record.states.push({
        name: event.state.name,
        type: event.state.type,
        event: kind,
        at: new Date(event.timestamp).toISOString(),
        ...(event.Error ? { error: event.Error } : {}),
      });
    }
  }
}
