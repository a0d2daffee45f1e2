/** What the local runtime remembers about a workflow execution, for GET /_local/executions. */
export interface StateVisit {
  readonly name: string;
  readonly type: string;
  event: 'entered' | 'succeeded' | 'failed' | 'retried' | 'caught';
  readonly at: string;
  error?: string;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly name: string;
  readonly orderId: string | undefined;
  readonly startDate: string;
  status: ExecutionStatus;
  stopDate?: string;
  error?: string;
  cause?: string;
  readonly states: StateVisit[];
}

/** The newest executions, bounded so a long-running runtime doesn't grow without limit. */
export class ExecutionHistory {
  private readonly records = new Map<string, ExecutionRecord>();

  constructor(private readonly capacity = 1000) {}

  add(record: ExecutionRecord): void {
    this.records.set(record.name, record);
    if (this.records.size > this.capacity) {
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) this.records.delete(oldest);
    }
  }

  get(name: string): ExecutionRecord | undefined {
    return this.records.get(name);
  }

  /** Newest first, optionally only those for one order_id. */
  list(orderId?: string, limit = 50): ExecutionRecord[] {
    const all = [...this.records.values()].reverse();
    return all.filter((record) => orderId === undefined || record.orderId === orderId).slice(0, limit);
  }
}

/** One state an execution passed through, with how it left it (or `entered` while still in it). */
export interface PathStep {
  readonly name: string;
  outcome: 'entered' | 'succeeded' | 'failed' | 'caught';
  retries: number;
  error?: string;
}

/** A PathStep with when it was entered and, once it ended, when it was left (for an order's journey). */
export interface TimedPathStep extends PathStep {
  readonly enteredAt: string;
  leftAt?: string;
}

/** The states an execution entered, in order, each once per entry, with retries folded in. */
export function executionPath(visits: readonly StateVisit[]): PathStep[] {
  return timedExecutionPath(visits).map(({ enteredAt: _entered, leftAt: _left, ...step }) => step);
}

/** executionPath with the times: a step is left at its last visit (a retry's end included). */
export function timedExecutionPath(visits: readonly StateVisit[]): TimedPathStep[] {
  const path: TimedPathStep[] = [];
  for (const visit of visits) {
    if (visit.event === 'entered') {
      path.push({ name: visit.name, outcome: 'entered', retries: 0, enteredAt: visit.at });
      continue;
    }
    const step = path.findLast((candidate) => candidate.name === visit.name);
    if (!step) continue;
    step.leftAt = visit.at;
    if (visit.event === 'retried') {
      // Another attempt at the same state: how the last one ended no longer says how the state ended.
      step.retries += 1;
      step.outcome = 'entered';
    } else if (visit.event !== 'succeeded' || step.outcome === 'entered') {
      // A caught error is followed by the state's exit; the exit doesn't make it a success.
      step.outcome = visit.event;
    }
    if (visit.error) step.error = visit.error;
  }
  return path;
}
