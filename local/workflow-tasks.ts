import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { WORKFLOW_STATES } from '../topology/workflow';
import type { TaskHandler } from './step-functions';

type Invoke = (event: unknown) => Promise<unknown>;

/**
 * What each Task state of the order workflow runs locally: the two Lambda tasks call the handlers,
 * and the sqs:sendMessage integration sends to the local queue (a MessageBody object as JSON text).
 */
export function createWorkflowTasks(invoke: { validator: Invoke; orderStorage: Invoke }, sqs: SQSClient): Record<string, TaskHandler> {
  return {
    [WORKFLOW_STATES.validate]: (input) => invoke.validator(input) as never,
    [WORKFLOW_STATES.store]: (input) => invoke.orderStorage(input) as never,
    [WORKFLOW_STATES.enqueue]: async (input) => {
      const { QueueUrl, MessageBody } = input as { QueueUrl: string; MessageBody: unknown };
      const body = typeof MessageBody === 'string' ? MessageBody : JSON.stringify(MessageBody);
      const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
      return { MessageId: sent.MessageId ?? '', MD5OfMessageBody: sent.MD5OfMessageBody ?? '' };
    },
  };
}
