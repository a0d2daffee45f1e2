import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { OrderRepository } from '../lambdas/shared/order-repository';
import { localClients } from '../local/aws-clients';
import { startDynamoDb, startSqs } from '../local/emulator-servers';
import { ensureResources, type LocalResources } from '../local/resources';
import { ORDER_QUEUE_EVENT_SOURCE } from '../topology/queues';
import { benchOrder, runLoad, type LoadFigures, type OrderTimes } from './load';
import type { Progress } from '../cli/progress';
import { round } from '../cli/stats';

export const SERVE_EMULATORS_FLAG = '--serve-emulators';

interface EmulatorEndpoints {
  readonly dynamodb: string;
  readonly sqs: string;
  readonly resources: LocalResources;
}

/**
 * Child mode: the two emulators alone in their own process (as in the local runtime, which runs them
 * in its process), with the tables and queues made as the runtime makes them. Prints the endpoints.
 */
export async function serveEmulators(): Promise<void> {
  const dynamo = await startDynamoDb(null);
  const sqsEmulator = await startSqs(null);
  const clients = localClients({ dynamodb: dynamo.endpoint, sqs: sqsEmulator.endpoint });
  const resources = await ensureResources(clients.dynamodb, clients.sqs, { environment: 'floor', visibilityTimeoutSeconds: 30 });
  const endpoints: EmulatorEndpoints = { dynamodb: dynamo.endpoint, sqs: sqsEmulator.endpoint, resources };
  process.stdout.write(`${JSON.stringify(endpoints)}\n`);
  // Each line on stdin asks for the CPU time used so far.
  createInterface({ input: process.stdin }).on('line', () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuMs: (user + system) / 1000 })}\n`);
  });
  process.on('SIGTERM', () => void Promise.all([dynamo.close(), sqsEmulator.close()]).then(() => process.exit(0)));
}

async function startEmulatorProcess() {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', process.argv[1]!, SERVE_EMULATORS_FLAG], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('close', (code) => reject(new Error(`emulator process exited with ${code}`)));
    });
  const first = await nextLine();
  return {
    endpoints: JSON.parse(first) as EmulatorEndpoints,
    cpuMs: async () => {
      const reply = nextLine();
      child.stdin.write('cpu\n');
      return (JSON.parse(await reply) as { cpuMs: number }).cpuMs;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await closed;
    },
  };
}

/**
 * The emulator floor: the DynamoDB and SQS calls one order makes in the pipeline, issued directly at
 * the same concurrency, with no workflow, handlers or HTTP. Per order: a conditional PutItem and a
 * SendMessage to accept it; then, from as many pollers as the event source runs, a ReceiveMessage (up
 * to 10), the conditional UpdateItem to FULFILLED and a DeleteMessageBatch.
 */
export interface FloorFigures extends LoadFigures {
  /** CPU the emulator process spent per order: the floor's own cost, without the client's. */
  readonly emulatorCpuMsPerOrder: number;
  /** CPU this process spent per order issuing the calls (the SDK's part), with the emulators' the floor's total. */
  readonly clientCpuMsPerOrder: number;
}

export async function runFloorLevel(clients: number, orders: number, progress: Progress): Promise<FloorFigures> {
  const emulators = await startEmulatorProcess();
  const { resources } = emulators.endpoints;
  const { documents, sqs } = localClients(emulators.endpoints);
  const repository = new OrderRepository(documents, resources.ordersTable);
  const times = new Map<string, OrderTimes>();
  let polling = true;

  const poller = async () => {
    while (polling) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: resources.orderQueueUrl, MaxNumberOfMessages: ORDER_QUEUE_EVENT_SOURCE.batchSize, WaitTimeSeconds: 1 }),
      );
      if (Messages.length === 0) continue;
      for (const message of Messages) {
        const { order_id: orderId } = JSON.parse(message.Body ?? '{}') as { order_id: string };
        await repository.markFulfilled(orderId, new Date().toISOString());
        const sent = times.get(orderId);
        if (sent) sent.fulfilledAt = performance.now();
      }
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: resources.orderQueueUrl,
          Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
  };
  const pollers = Array.from({ length: ORDER_QUEUE_EVENT_SOURCE.maximumConcurrency }, poller);

  const submit = async (orderId: string, index: number) => {
    const order = benchOrder(orderId, index);
    await repository.createPending(order, new Date().toISOString());
    await sqs.send(new SendMessageCommand({ QueueUrl: resources.orderQueueUrl, MessageBody: JSON.stringify(order) }));
  };
  try {
    await runLoad(Math.min(50, orders), clients, `warm-${clients}`, times, submit, progress, `floor ${clients} clients (warm-up)`);
    const cpuBefore = await emulators.cpuMs();
    const clientBefore = process.cpuUsage();
    const figures = await runLoad(orders, clients, `floor-${clients}`, times, submit, progress, `floor ${clients} clients`);
    const client = process.cpuUsage(clientBefore);
    return {
      ...figures,
      emulatorCpuMsPerOrder: round(((await emulators.cpuMs()) - cpuBefore) / orders, 2),
      clientCpuMsPerOrder: round((client.user + client.system) / 1000 / orders, 2),
    };
  } finally {
    polling = false;
    await Promise.all(pollers);
    await emulators.stop();
  }
}
