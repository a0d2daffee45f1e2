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
