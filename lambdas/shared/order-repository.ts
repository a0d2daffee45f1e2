import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { BY_STATUS_INDEX } from '../../topology/tables';
import type { Order, OrderRecord, OrderStatus } from './order';

export type CreateResult = { created: true; record: OrderRecord } | { created: false; existing: OrderRecord };

type StartKey = Record<string, unknown> | undefined;

/** Every page of a Query or Scan: `read` is called with each page's start key until there is none. */
async function* allPages<Page extends { LastEvaluatedKey?: StartKey }>(read: (startKey: StartKey) => Promise<Page>): AsyncGenerator<Page> {
  let startKey: StartKey;
  do {
    const page = await read(startKey);
    yield page;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** What the by_status index holds for an order. */
export type OrderSummary = Pick<OrderRecord, 'order_id' | 'status' | 'updated_at' | 'item' | 'quantity'>;

/** Outcome of moving an order to FAILED: only 'marked' and 'already-failed' need a failed_orders row. */
export type MarkFailedOutcome = 'marked' | 'already-failed' | 'already-fulfilled' | 'missing';

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

/**
 * The orders table. Every status change is a conditional write on `status = PENDING`, which is what
 * makes redelivered messages and retried workflows harmless: a terminal order never changes again.
 */
export class OrderRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(orderId: string): Promise<OrderRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { order_id: orderId }, ConsistentRead: true }),
    );
    return Item as OrderRecord | undefined;
  }

  /** Writes the order as PENDING unless the order_id exists; then returns the stored one instead. */
  async createPending(order: Order, now: string): Promise<CreateResult> {
    const record: OrderRecord = { ...order, status: 'PENDING', created_at: now, updated_at: now, attempts: 0 };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: record,
          ConditionExpression: 'attribute_not_exists(order_id)',
        }),
      );
      return { created: true, record };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = await this.get(order.order_id);
    // The condition failed, so the item exists; absent here only if deleted in between.
    if (!existing) throw new Error(`order ${order.order_id} vanished during an idempotent create`);
    return { created: false, existing };
  }

  /** PENDING orders last changed before `before` (ISO time), through the by_status index, page by page. */
  async *pendingSince(before: string): AsyncGenerator<Pick<OrderRecord, 'order_id' | 'item' | 'quantity' | 'updated_at'>> {
    const query = this.inStatus('PENDING', 'AND updated_at < :before', { ':before': before });
    for await (const page of allPages((startKey) => this.db.send(new QueryCommand({ ...query, ExclusiveStartKey: startKey })))) {
      yield* (page.Items ?? []) as OrderRecord[];
    }
  }

  /** The newest `limit` orders in one status (by last change), through the by_status index. */
  async latestInStatus(status: OrderStatus, limit: number): Promise<OrderSummary[]> {
    const { Items = [] } = await this.db.send(new QueryCommand({ ...this.inStatus(status), ScanIndexForward: false, Limit: limit }));
    return Items as OrderSummary[];
  }

  /** How many orders are in one status, counted page by page on the by_status index. */
  async countInStatus(status: OrderStatus): Promise<number> {
    const query: QueryCommandInput = { ...this.inStatus(status), Select: 'COUNT' };
    let count = 0;
    for await (const page of allPages((startKey) => this.db.send(new QueryCommand({ ...query, ExclusiveStartKey: startKey })))) {
      count += page.Count ?? 0;
    }
    return count;
  }

  /** A query of the by_status index for one status, optionally narrowed on updated_at. */
  private inStatus(status: OrderStatus, andCondition = '', values: Record<string, unknown> = {}): QueryCommandInput {
    return {
      TableName: this.tableName,
      IndexName: BY_STATUS_INDEX.name,
      KeyConditionExpression: `#status = :status ${andCondition}`.trim(),
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status, ...values },
    };
  }

  /**
   * FAILED -> PENDING, for an operator's redrive: the one transition out of a terminal state, and only
   * from FAILED. Attempts start again from zero; the earlier failure stays readable as `last_failure`.
   * False when the order is not FAILED (never failed, already redriven, or unknown).
   */
  async reopenFailed(orderId: string, now: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { order_id: orderId },
          UpdateExpression:
            'SET #status = :pending, updated_at = :now, redriven_at = :now, attempts = :zero, last_failure = failure_reason ADD redrives :one REMOVE failure_reason, failed_at, last_error',
          ConditionExpression: '#status = :failed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':failed': 'FAILED', ':now': now, ':zero': 0, ':one': 1 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Notes that the pending sweeper re-sent a PENDING order, moving its `updated_at` on so the next sweep
   * leaves it alone for another redrive age. Only if nothing else changed it since the sweeper read it;
   * false otherwise (fulfilled, failed or touched in between: nothing to note).
   */
  async markResent(orderId: string, seenUpdatedAt: string, now: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { order_id: orderId },
          UpdateExpression: 'SET updated_at = :now ADD resends :one',
          ConditionExpression: '#status = :pending AND updated_at = :seen',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':seen': seenUpdatedAt, ':now': now, ':one': 1 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * PENDING -> FULFILLED: the order as it now is (its created_at times the fulfillment), or undefined
   * when it was not PENDING (already terminal, or unknown).
   */
  async fulfillPending(orderId: string, now: string): Promise<OrderRecord | undefined> {
    return this.updateIfPending(orderId, 'SET #status = :fulfilled, fulfilled_at = :now, updated_at = :now', {
      ':fulfilled': 'FULFILLED',
      ':now': now,
    });
  }

  /** PENDING -> FULFILLED. False when the order is not PENDING (already terminal, or unknown). */
  async markFulfilled(orderId: string, now: string): Promise<boolean> {
    return (await this.fulfillPending(orderId, now)) !== undefined;
  }

  /** Counts a failed attempt on a PENDING order. False when the order is no longer PENDING. */
  async recordFailedAttempt(orderId: string, reason: string, now: string): Promise<boolean> {
    const updated = await this.updateIfPending(
      orderId,
      'SET last_error = :reason, updated_at = :now ADD attempts :one',
      { ':reason': reason, ':now': now, ':one': 1 },
    );
    return updated !== undefined;
  }

  /** PENDING -> FAILED: the order as it now is, or undefined when it was not PENDING (already terminal, or unknown). */
  async failPending(orderId: string, reason: string, now: string): Promise<OrderRecord | undefined> {
    return this.updateIfPending(orderId, 'SET #status = :failed, failure_reason = :reason, failed_at = :now, updated_at = :now', {
      ':failed': 'FAILED',
      ':reason': reason,
      ':now': now,
    });
  }

  /** PENDING -> FAILED. False when the order is not PENDING (already terminal, or unknown). */
  async failIfPending(orderId: string, reason: string, now: string): Promise<boolean> {
    return (await this.failPending(orderId, reason, now)) !== undefined;
  }

  /** PENDING -> FAILED, reporting what the order was when it was not PENDING (one more read then). */
  async markFailed(orderId: string, reason: string, now: string): Promise<MarkFailedOutcome> {
    if (await this.failIfPending(orderId, reason, now)) return 'marked';
    const current = await this.get(orderId);
    if (!current) return 'missing';
    return current.status === 'FULFILLED' ? 'already-fulfilled' : 'already-failed';
  }

  /** The order after the update, or undefined when it was not PENDING. */
  private async updateIfPending(orderId: string, update: string, values: Record<string, unknown>): Promise<OrderRecord | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { order_id: orderId },
          UpdateExpression: update,
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ...values, ':pending': 'PENDING' },
          // The item as written comes back with the answer: UpdateItem's own, no read and no other action.
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as OrderRecord;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}

/** A row in failed_orders: what failed, why, after how many receives, and when. */
export interface FailedOrderRecord {
  order_id: string;
  item?: string;
  quantity?: number;
  reason: string;
  attempts: number;
  receive_count: number;
  failed_at: string;
}

export class FailedOrderRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Inserts the row once; false when a redelivered DLQ message finds it already there. */
  async recordOnce(row: FailedOrderRecord): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({ TableName: this.tableName, Item: row, ConditionExpression: 'attribute_not_exists(order_id)' }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async get(orderId: string): Promise<FailedOrderRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { order_id: orderId }, ConsistentRead: true }),
    );
    return Item as FailedOrderRecord | undefined;
  }

  /** The rows for up to 100 order ids (BatchGetItem's limit), in no particular order. */
  async getMany(orderIds: readonly string[]): Promise<FailedOrderRecord[]> {
    if (orderIds.length === 0) return [];
    const rows: FailedOrderRecord[] = [];
    let keys: Record<string, unknown>[] | undefined = orderIds.slice(0, 100).map((order_id) => ({ order_id }));
    // Unprocessed keys come back under load; ask for them again (bounded, it is only a read).
    for (let round = 0; keys && keys.length > 0 && round < 5; round += 1) {
      const result: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
      rows.push(...((result.Responses?.[this.tableName] ?? []) as FailedOrderRecord[]));
      keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
    }
    return rows;
  }

  /** Every row, newest failure first (a scan: failed_orders stays small, and this is an operator's read). */
  async listNewestFirst(limit = Number.POSITIVE_INFINITY): Promise<FailedOrderRecord[]> {
    const rows: FailedOrderRecord[] = [];
    for await (const page of allPages((startKey) => this.db.send(new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: startKey })))) {
      rows.push(...((page.Items ?? []) as FailedOrderRecord[]));
    }
    return rows.sort((a, b) => b.failed_at.localeCompare(a.failed_at)).slice(0, limit);
  }

  /** Removes the row once its order is redriven, so a second failure is recorded afresh. */
  async remove(orderId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { order_id: orderId } }));
  }
}
