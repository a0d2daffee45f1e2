import { GetQueueAttributesCommand, ListMessageMoveTasksCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { redrive } from '../../cli/commands/redrive';
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

  it('starts a message move task from order_dlq (back to its source queue) and reports what it moved', async () => {
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [{ TaskHandle: 'task-1', Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 4 }] });
    const report = await run();
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input).toEqual({ SourceArn: 'arn:aws:sqs:us-east-1:123456789012:dofs-dev-order_dlq' });
    expect(report.dlq).toEqual({ messages: 4, moved: 4 });
    expect(report.audit).toEqual([expect.objectContaining({ action: 'move-task', detail: 'status=COMPLETED moved=4' })]);
  });

  it('fails with the reason the move task gives when it fails', async () => {
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [{ TaskHandle: 'task-1', Status: 'FAILED', FailureReason: 'AccessDenied', ApproximateNumberOfMessagesMoved: 1 }] });
    await expect(run()).rejects.toThrow(OperationFailedError);
    await expect(run()).rejects.toThrow(/ended FAILED: AccessDenied/);
  });
});
