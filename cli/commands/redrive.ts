import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksCommandOutput,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { OrderMessage } from '../../lambdas/shared/order';
import { OperationFailedError } from '../errors';
import type { Output } from '../output';
import { waitFor, WaitTimeoutError } from '../poll';
import type { Stores, Target } from '../target';

export interface RedriveOptions {
  failed?: boolean;
  orderId?: string[];
  dryRun?: boolean;
  limit: number;
  timeout: number;
}

/** One line per order (or per move task on AWS) saying what was, or would be, done. */
export interface AuditEntry {
  at: string;
  source: 'order_dlq' | 'failed_orders';
  order_id: string | undefined;
  action: 'would-move' | 'moved' | 'would-requeue' | 'requeued' | 'skipped' | 'move-task';
  detail?: string;
}

function audit(out: Output, entries: AuditEntry[], entry: Omit<AuditEntry, 'at'>): void {
  const full = { at: new Date().toISOString(), ...entry };
  entries.push(full);
  out.line(`${full.at}  redrive  source=${full.source}  order_id=${full.order_id ?? '-'}  action=${full.action}${full.detail ? `  ${full.detail}` : ''}`);
}

function orderIdOf(body: string | undefined): string | undefined {
  try {
    const id = (JSON.parse(body ?? '') as { order_id?: unknown }).order_id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

async function dlqDepth(stores: Stores): Promise<number> {
  const { Attributes = {} } = await stores.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: stores.resources.orderDlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0);
}

/**
 * Locally, what SQS's message move task does: each message goes back to order_queue with its body
 * unchanged and is then deleted from order_dlq (sent first, so a crash in between duplicates rather
 * than loses; fulfillment is idempotent).
 */
async function moveLocally(stores: Stores, limit: number, out: Output, entries: AuditEntry[]): Promise<number> {
  const { sqs, resources } = stores;
  let moved = 0;
  while (moved < limit) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: resources.orderDlqUrl, MaxNumberOfMessages: Math.min(10, limit - moved), VisibilityTimeout: 30, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      await sqs.send(new SendMessageCommand({ QueueUrl: resources.orderQueueUrl, MessageBody: message.Body ?? '' }));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: resources.orderDlqUrl, ReceiptHandle: message.ReceiptHandle }));
      moved += 1;
      audit(out, entries, { source: 'order_dlq', order_id: orderIdOf(message.Body), action: 'moved', detail: `to=order_queue message_id=${message.MessageId}` });
    }
  }
  return moved;
}

type MoveTask = NonNullable<ListMessageMoveTasksCommandOutput['Results']>[number];

/**
 * Which of a queue's listed move tasks is the one we started. SQS returns a task's TaskHandle only while
 * it is RUNNING, and runs one task per queue at a time (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListMessageMoveTasksResultEntry.html,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html):
 * so ours is the one with our handle, or, once it has ended, the one that started when ours did; if it
 * ended before we ever saw it, the earliest task that was not listed before we started ours.
 */
export function findOwnMoveTask(results: MoveTask[], taskHandle: string | undefined, seen: { startedAt?: number; before: Set<number> }): MoveTask | undefined {
  const running = results.find((task) => taskHandle !== undefined && task.TaskHandle === taskHandle);
  if (running) {
    seen.startedAt = running.StartedTimestamp;
    return running;
  }
  if (seen.startedAt !== undefined) return results.find((task) => task.StartedTimestamp === seen.startedAt);
  const started = results.filter((task) => task.StartedTimestamp !== undefined && !seen.before.has(task.StartedTimestamp));
  return started.sort((a, b) => a.StartedTimestamp! - b.StartedTimestamp!)[0];
}

/** On AWS: a message move task back to the queue the messages came from, waited for. */
async function moveOnAws(stores: Stores, timeoutSeconds: number, out: Output, entries: AuditEntry[]): Promise<number> {
  const { sqs, resources } = stores;
  const list = async () => (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: resources.orderDlqArn, MaxResults: 10 }))).Results ?? [];
  const seen = { before: new Set((await list()).flatMap((task) => (task.StartedTimestamp === undefined ? [] : [task.StartedTimestamp]))) } as { startedAt?: number; before: Set<number> };
  const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: resources.orderDlqArn }));
  let task: MoveTask | undefined;
  try {
    task = await waitFor(
      'the message move task to end',
      async () => {
        task = findOwnMoveTask(await list(), TaskHandle, seen);
        return task && task.Status !== 'RUNNING' ? task : undefined;
      },
      timeoutSeconds * 1000,
      2000,
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    throw new OperationFailedError(
      task ? `The message move task is still running after ${timeoutSeconds} s.` : `The message move task started, but SQS did not list it within ${timeoutSeconds} s.`,
      `It goes on without us; check it with \`aws sqs list-message-move-tasks --source-arn ${resources.orderDlqArn}\`.`,
    );
  }
  const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
  audit(out, entries, { source: 'order_dlq', order_id: undefined, action: 'move-task', detail: `status=${task.Status} moved=${moved}${task.FailureReason ? ` reason=${task.FailureReason}` : ''}` });
  if (task.Status !== 'COMPLETED') throw new OperationFailedError(`The message move task ended ${task.Status}: ${task.FailureReason ?? 'no reason given'}.`);
  return moved;
}

/**
 * A FAILED order back into the pipeline: FAILED -> PENDING (conditional, so two operators can't both
 * redrive it), its failed_orders row removed (a second failure is then recorded afresh), then its
 * message sent. A crash after the reopen leaves a PENDING order with no message, which is exactly
 * what the pending sweeper re-sends.
 */
async function requeueFailed(stores: Stores, orderId: string, dryRun: boolean, out: Output, entries: AuditEntry[]): Promise<boolean> {
  const order = await stores.orders.get(orderId);
  if (!order || order.status !== 'FAILED') {
    audit(out, entries, { source: 'failed_orders', order_id: orderId, action: 'skipped', detail: `status=${order?.status ?? 'no such order'}` });
    return false;
  }
  if (dryRun) {
    audit(out, entries, { source: 'failed_orders', order_id: orderId, action: 'would-requeue', detail: `reason=${JSON.stringify(order.failure_reason ?? '')}` });
    return true;
  }
  if (!(await stores.orders.reopenFailed(orderId, new Date().toISOString()))) {
    audit(out, entries, { source: 'failed_orders', order_id: orderId, action: 'skipped', detail: 'status changed meanwhile' });
    return false;
  }
  await stores.failedOrders.remove(orderId);
  const message: OrderMessage = { order_id: order.order_id, item: order.item, quantity: order.quantity };
  await stores.sqs.send(new SendMessageCommand({ QueueUrl: stores.resources.orderQueueUrl, MessageBody: JSON.stringify(message) }));
  audit(out, entries, { source: 'failed_orders', order_id: orderId, action: 'requeued', detail: `to=order_queue after=${JSON.stringify(order.failure_reason ?? '')}` });
  return true;
}

export async function redrive(target: Target, options: RedriveOptions, out: Output): Promise<void> {
  const stores = await target.open();
  const dryRun = Boolean(options.dryRun);
  const entries: AuditEntry[] = [];
  const summary = { dry_run: dryRun, target: target.kind, dlq: { messages: 0, moved: 0 }, failed: { candidates: 0, requeued: 0, skipped: 0 } };

  const explicit = options.orderId ?? [];
  if (explicit.length === 0) {
    summary.dlq.messages = await dlqDepth(stores);
    if (dryRun) {
      if (summary.dlq.messages > 0) audit(out, entries, { source: 'order_dlq', order_id: undefined, action: 'would-move', detail: `messages=${summary.dlq.messages} to=order_queue` });
    } else if (summary.dlq.messages > 0) {
      summary.dlq.moved = target.kind === 'aws' ? await moveOnAws(stores, options.timeout, out, entries) : await moveLocally(stores, options.limit, out, entries);
    }
  }

  if (options.failed || explicit.length > 0) {
    const ids = explicit.length > 0 ? explicit : (await stores.failedOrders.listNewestFirst(options.limit)).map((row) => row.order_id);
    summary.failed.candidates = ids.length;
    for (const id of ids) {
      if (await requeueFailed(stores, id, dryRun, out, entries)) summary.failed.requeued += 1;
      else summary.failed.skipped += 1;
    }
  }

  const verb = dryRun ? 'would be' : 'were';
  out.result({ ...summary, audit: entries }, () => [
    explicit.length > 0
      ? 'order_dlq: not touched (--order-id names the orders)'
      : `order_dlq: ${summary.dlq.messages} message(s) waiting, ${dryRun ? summary.dlq.messages : summary.dlq.moved} ${verb} moved back to order_queue`,
    ...(options.failed || explicit.length > 0
      ? [`FAILED orders: ${summary.failed.requeued} of ${summary.failed.candidates} ${verb} requeued, ${summary.failed.skipped} skipped`]
      : ['FAILED orders: not touched (add --failed to requeue them)']),
    ...(dryRun ? ['Dry run: nothing changed.'] : []),
  ]);
  if (explicit.length > 0 && summary.failed.skipped > 0) {
    throw new OperationFailedError(`${summary.failed.skipped} of the named orders are not FAILED, so they were not requeued.`, 'See their status with `npx dofs get <order_id>`.');
  }
}
