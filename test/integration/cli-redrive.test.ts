import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { redrive, type AuditEntry } from '../../cli/commands/redrive';
import { OperationFailedError } from '../../cli/errors';
import { Output } from '../../cli/output';
import { LocalTarget, type Stores } from '../../cli/target';
import { FailedOrderRepository, OrderRepository } from '../../lambdas/shared/order-repository';
import { createTestAws, type TestAws } from '../support/aws';

/** The local target with its stores on this test's emulator resources (no runtime, so nothing drains order_dlq). */
class EmulatorTarget extends LocalTarget {
  constructor(private readonly emulatorStores: Stores) {
    super('http://localhost:1');
  }

  override async open(): Promise<Stores> {
    return this.emulatorStores;
  }
}

async function visible(aws: TestAws, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(Attributes.ApproximateNumberOfMessages);
}

describe('dofs redrive (emulators)', () => {
  let aws: TestAws;
  let target: EmulatorTarget;
  let orders: OrderRepository;
  let failedOrders: FailedOrderRepository;
  let printed: string[];

  const run = async (options: Partial<Parameters<typeof redrive>[1]>, json = true) => {
    printed = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      await redrive(target, { limit: 1000, timeout: 5, ...options }, new Output(json));
    } finally {
      write.mockRestore();
    }
    return json ? (JSON.parse(printed.join('')) as { audit: AuditEntry[]; dlq: { messages: number; moved: number }; failed: Record<string, number> }) : undefined;
  };

  // Each test has its own tables and queues: what one leaves on order_queue is not another's.
  beforeEach(async () => {
    aws = await createTestAws(30);
    orders = new OrderRepository(aws.db, aws.resources.ordersTable);
    failedOrders = new FailedOrderRepository(aws.db, aws.resources.failedOrdersTable);
    target = new EmulatorTarget({
      orders,
      failedOrders,
      sqs: aws.sqs,
      resources: { region: 'us-east-1', ...aws.resources },
    });
  });

  it('moves order_dlq messages back to order_queue with their bodies, one audit line each; a dry run moves none', async () => {
    const bodies = ['dlq-a', 'dlq-b', 'dlq-c'].map((id) => JSON.stringify({ order_id: id, item: 'pen', quantity: 1 }));
    for (const body of bodies) await aws.sqs.send(new SendMessageCommand({ QueueUrl: aws.resources.orderDlqUrl, MessageBody: body }));

    const dry = await run({ dryRun: true });
    expect(dry?.dlq).toEqual({ messages: 3, moved: 0 });
    expect(dry?.audit).toEqual([expect.objectContaining({ source: 'order_dlq', action: 'would-move', detail: 'messages=3 to=order_queue' })]);
    expect(await visible(aws, aws.resources.orderDlqUrl)).toBe(3);

    const moved = await run({});
    expect(moved?.dlq).toEqual({ messages: 3, moved: 3 });
    expect(moved?.audit.map((entry) => [entry.action, entry.order_id]).sort()).toEqual([
      ['moved', 'dlq-a'],
      ['moved', 'dlq-b'],
      ['moved', 'dlq-c'],
    ]);
    expect(await visible(aws, aws.resources.orderDlqUrl)).toBe(0);
    const { Messages = [] } = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: aws.resources.orderQueueUrl, MaxNumberOfMessages: 10 }));
    expect(Messages.map((message) => message.Body).sort()).toEqual(bodies.sort());
  });

  it('requeues a FAILED order named by id, refuses one that is not FAILED, and prints an audit line per order', async () => {
    const order = { order_id: 'failed-1', item: 'lamp', quantity: 2 };
    await orders.createPending(order, '2026-01-01T00:00:00.000Z');
    await orders.markFailed(order.order_id, 'gave up', '2026-01-01T00:00:01.000Z');
    await failedOrders.recordOnce({ ...order, reason: 'gave up', attempts: 3, receive_count: 3, failed_at: '2026-01-01T00:00:01.000Z' });
    await orders.createPending({ ...order, order_id: 'pending-1' }, '2026-01-01T00:00:00.000Z');

    await expect(run({ orderId: ['failed-1', 'pending-1'] }, false)).rejects.toBeInstanceOf(OperationFailedError);
    expect(printed.filter((line) => / redrive /.test(line))).toEqual([
      expect.stringMatching(/source=failed_orders {2}order_id=failed-1 {2}action=requeued {2}to=order_queue after="gave up"/),
      expect.stringMatching(/order_id=pending-1 {2}action=skipped {2}status=PENDING/),
    ]);
    expect(await orders.get('failed-1')).toMatchObject({ status: 'PENDING', redrives: 1, last_failure: 'gave up' });
    await expect(failedOrders.get('failed-1')).resolves.toBeUndefined();
  });
});
