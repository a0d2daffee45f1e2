import { GetQueueAttributesCommand, ListMessageMoveTasksCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { findOwnMoveTask, redrive } from '../../cli/commands/redrive';
import { OperationFailedError } from '../../cli/errors';
import { Output } from '../../cli/output';
import { AwsTarget } from '../../cli/target';

// No emulator implements SQS message move tasks (fauxqs and moto both answer "not supported"), so this
// is the one place the SQS client is mocked: what the command asks of SQS on AWS, and how it reads the answer.
const DLQ = 'https://sqs.us-east-1.amazonaws.com/123456789012/dofs-dev-order_dlq';
const outputs = {
  api_url: 'https://abc.execute-api.us-east-1.amazonaws.com',
  orders_table: 'dofs-dev-orders',
  failed_orders_table: 'dofs-dev-failed_orders',
  order_queue_url: 'https://sqs.us-east-1.amazonaws.com/123456789012/dofs-dev-order_queue',
  order_dlq_url: DLQ,
};

describe('dofs redrive on AWS', () => {
  const sqs = mockClient(SQSClient);
  let printed: string[];

  const run = async () => {
    printed = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      await redrive(new AwsTarget(outputs.api_url, outputs), { limit: 1000, timeout: 30 }, new Output(true));
    } finally {
      write.mockRestore();
    }
    return JSON.parse(printed.join('')) as { dlq: { messages: number; moved: number }; audit: { action: string; detail: string }[] };
  };

  beforeEach(() => {
    sqs.reset();
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '4' } });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
  });
  afterAll(() => sqs.restore());

  // SQS lists a task's TaskHandle only while it is RUNNING (API_ListMessageMoveTasksResultEntry).
  const earlier = { Status: 'COMPLETED', StartedTimestamp: 1_000, ApproximateNumberOfMessagesMoved: 99 };

  it('starts a message move task from order_dlq (back to its source queue) and reports what it moved', async () => {
    sqs
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({ Results: [earlier] })
      .resolves({ Results: [{ Status: 'COMPLETED', StartedTimestamp: 2_000, ApproximateNumberOfMessagesMoved: 4 }, earlier] });
    const report = await run();
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input).toEqual({ SourceArn: 'arn:aws:sqs:us-east-1:123456789012:dofs-dev-order_dlq' });
    expect(report.dlq).toEqual({ messages: 4, moved: 4 });
    expect(report.audit).toEqual([expect.objectContaining({ action: 'move-task', detail: 'status=COMPLETED moved=4' })]);
  });

  it('fails with the reason the move task gives when it fails', async () => {
    sqs
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({ Results: [earlier] })
      .resolves({ Results: [{ Status: 'FAILED', StartedTimestamp: 2_000, FailureReason: 'AccessDenied', ApproximateNumberOfMessagesMoved: 1 }, earlier] });
    const failure = await run().then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(OperationFailedError);
    expect((failure as Error).message).toMatch(/ended FAILED: AccessDenied/);
  });

  describe('telling its own move task from the others listed', () => {
    const before = () => ({ before: new Set([1_000]) }) as { startedAt?: number; before: Set<number> };

    it('is the one with its handle while it runs, and the one started then once it has ended, not a newer one', () => {
      const seen = before();
      expect(findOwnMoveTask([{ Status: 'RUNNING', TaskHandle: 'task-1', StartedTimestamp: 2_000 }, earlier], 'task-1', seen)).toMatchObject({ StartedTimestamp: 2_000 });
      const newer = { Status: 'COMPLETED', StartedTimestamp: 3_000, ApproximateNumberOfMessagesMoved: 7 };
      const ours = { Status: 'COMPLETED', StartedTimestamp: 2_000, ApproximateNumberOfMessagesMoved: 4 };
      expect(findOwnMoveTask([newer, ours, earlier], 'task-1', seen)).toBe(ours);
    });

    it('is the earliest task not listed before it started, when it ended before it was ever seen running', () => {
      const ours = { Status: 'COMPLETED', StartedTimestamp: 2_000 };
      const newer = { Status: 'RUNNING', TaskHandle: 'task-2', StartedTimestamp: 3_000 };
      expect(findOwnMoveTask([newer, ours, earlier], 'task-1', before())).toBe(ours);
    });

    it('is none while SQS lists nothing new, rather than an earlier task', () => {
      expect(findOwnMoveTask([earlier], 'task-1', before())).toBeUndefined();
    });
  });
});
