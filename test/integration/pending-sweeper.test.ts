import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createPendingSweeperHandler } from '../../lambdas/pending_sweeper/handler';
import { OrderRepository } from '../../lambdas/shared/order-repository';
import { createTestAws, type TestAws } from '../support/aws';
import { silentLogger } from '../support/logger';

describe('pending_sweeper (dynalite by_status index, fauxqs)', () => {
  let aws: TestAws;
  let orders: OrderRepository;
  beforeAll(async () => {
    aws = await createTestAws();
    orders = new OrderRepository(aws.db, aws.resources.ordersTable);
  });

  const sweeper = (now: string) =>
    createPendingSweeperHandler({ orders, sqs: aws.sqs, orderQueueUrl: aws.resources.orderQueueUrl, redriveAfterSeconds: 900, clock: () => now, logger: silentLogger() });

  it('re-sends exactly the PENDING orders untouched for longer than the threshold', async () => {
    const old = '2026-01-01T00:00:00.000Z';
    const recent = '2026-01-01T00:50:00.000Z';
    const stuck = Array.from({ length: 12 }, (_, i) => ({ order_id: `stuck-${i}`, item: 'vase', quantity: i + 1 }));
    for (const order of stuck) await orders.createPending(order, old);
    await orders.createPending({ order_id: 'fresh', item: 'vase', quantity: 1 }, recent);
    await orders.createPending({ order_id: 'done', item: 'vase', quantity: 1 }, old);
    await orders.markFulfilled('done', old);

    await expect(sweeper('2026-01-01T01:00:00.000Z')({})).resolves.toEqual({ redriven: 12 });
    const bodies: string[] = [];
    for (let i = 0; i < 5 && bodies.length < 12; i += 1) {
      const { Messages = [] } = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: aws.resources.orderQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      bodies.push(...Messages.map((m) => m.Body ?? ''));
    }
    expect(bodies.map((b) => JSON.parse(b) as { order_id: string }).map((o) => o.order_id).sort()).toEqual(stuck.map((o) => o.order_id).sort());
    expect(JSON.parse(bodies[0]!)).toEqual(stuck.find((o) => o.order_id === (JSON.parse(bodies[0]!) as { order_id: string }).order_id));
  });

  it('re-sends every PENDING order when asked for olderThanSeconds 0 (what the local runtime does at start)', async () => {
    await expect(sweeper('2026-01-01T01:00:00.000Z')({ olderThanSeconds: 0 })).resolves.toEqual({ redriven: 13 });
  });
});
