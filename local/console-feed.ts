import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ORDER_STATUSES, type OrderStatus } from '../lambdas/shared/order';
import type { FailedOrderRecord, FailedOrderRepository, OrderRepository, OrderSummary } from '../lambdas/shared/order-repository';
import { executionPath, type ExecutionHistory, type PathStep } from './executions';

export interface QueueDepth {
  /** Messages waiting to be received. */
  readonly visible: number;
  /** Received and not yet deleted (being worked on, or waiting out a visibility timeout). */
  readonly inFlight: number;
}

export interface ExecutionSummary {
  readonly name: string;
  readonly orderId: string | undefined;
  readonly status: string;
  readonly startDate: string;
  readonly durationMs: number | undefined;
  readonly error: string | undefined;
  readonly path: PathStep[];
}

/** What the console shows at one moment; also GET /_local/snapshot. */
export interface ConsoleSnapshot {
  readonly orders: Record<OrderStatus, number>;
  readonly queues: { readonly order_queue: QueueDepth; readonly order_dlq: QueueDepth };
  readonly recentOrders: OrderSummary[];
  readonly failedOrders: FailedOrderRecord[];
  readonly executions: ExecutionSummary[];
  readonly failureThreshold: number;
}

export interface SnapshotSources {
  readonly orders: OrderRepository;
  readonly failedOrders: FailedOrderRepository;
  readonly sqs: SQSClient;
  readonly orderQueueUrl: string;
  readonly orderDlqUrl: string;
  readonly executions: ExecutionHistory;
  readonly failureThreshold: () => number;
}

const RECENT = 10;

async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return { visible: Number(Attributes.ApproximateNumberOfMessages ?? 0), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) };
}

export function summarizeExecutions(history: ExecutionHistory, limit = RECENT): ExecutionSummary[] {
  return history.list(undefined, limit).map((record) => ({
    name: record.name,
    orderId: record.orderId,
    status: record.status,
    startDate: record.startDate,
    durationMs: record.stopDate ? Date.parse(record.stopDate) - Date.parse(record.startDate) : undefined,
    error: record.error,
    path: executionPath(record.states),
  }));
}

/**
 * Reads everything the console shows. Counts come from the by_status index and the latest failures
 * from FAILED orders joined to their failed_orders rows, so the cost grows with what is shown, not
 * with the size of failed_orders.
 */
export async function buildSnapshot(sources: SnapshotSources): Promise<ConsoleSnapshot> {
  const { orders, failedOrders, sqs } = sources;
  const [counts, latest, orderQueue, orderDlq] = await Promise.all([
    Promise.all(ORDER_STATUSES.map((status) => orders.countInStatus(status))),
    Promise.all(ORDER_STATUSES.map((status) => orders.latestInStatus(status, RECENT))),
    queueDepth(sqs, sources.orderQueueUrl),
    queueDepth(sqs, sources.orderDlqUrl),
  ]);
  const recentOrders = latest
    .flat()
    .sort((a, b) => b.updated_at.localeCompare(a.updated_at))
    .slice(0, RECENT);
  const failedIds = latest[ORDER_STATUSES.indexOf('FAILED')]!.map((order) => order.order_id);
  const failedRows = await failedOrders.getMany(failedIds);
  return {
    orders: Object.fromEntries(ORDER_STATUSES.map((status, index) => [status, counts[index]!])) as Record<OrderStatus, number>,
    queues: { order_queue: orderQueue, order_dlq: orderDlq },
    recentOrders,
    failedOrders: failedRows.sort((a, b) => b.failed_at.localeCompare(a.failed_at)),
    executions: summarizeExecutions(sources.executions),
    failureThreshold: sources.failureThreshold(),
  };
}

const KEEP_ALIVE_MS = 15_000;

/** What the feed sends, by event name (`snapshot`, `metrics`): each read once per interval. */
export type FeedSources = Readonly<Record<string, () => unknown>>;

/**
 * Server-sent events for the console: one loop reads every source every `intervalMs` while at least
 * one page is open (none runs otherwise) and sends each to every page, as an event of its name, when it
 * changed.
 */
export class ConsoleFeed {
  private readonly clients = new Set<ServerResponse>();
  /** The last frame sent of each source, by event name. */
  private readonly last = new Map<string, string>();
  private lastSentAt = 0;
  private running = false;
  private stopped = false;

  constructor(
    private readonly sources: FeedSources,
    private readonly intervalMs = 500,
  ) {}

  attach(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    for (const [event, json] of this.last) res.write(`event: ${event}\ndata: ${json}\n\n`);
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
    if (!this.running && !this.stopped) void this.loop();
  }

  stop(): void {
    this.stopped = true;
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private broadcast(frame: string): void {
    for (const client of this.clients) client.write(frame);
    this.lastSentAt = Date.now();
  }

  private async send(event: string, read: () => unknown): Promise<void> {
    try {
      const json = JSON.stringify(await read());
      if (json !== this.last.get(event)) {
        this.last.set(event, json);
        this.broadcast(`event: ${event}\ndata: ${json}\n\n`);
      }
    } catch (error) {
      // The page says the feed is interrupted; the next read may well succeed.
      this.broadcast(`event: problem\ndata: ${JSON.stringify({ message: (error as Error).message })}\n\n`);
    }
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.clients.size > 0 && !this.stopped) {
        await Promise.all(Object.entries(this.sources).map(([event, read]) => this.send(event, read)));
        if (Date.now() - this.lastSentAt > KEEP_ALIVE_MS) this.broadcast(': keep-alive\n\n');
        await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
      }
    } finally {
      this.running = false;
    }
  }
}
