import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { WORKFLOW_STATES } from '../topology/workflow';
import type { TaskHandler } from './step-functions';

type Invoke = (event: unknown) => Promise<unknown>;

/**
 * A failed call of the optimized SQS integration as Step Functions reports it: the error name is
 * `SQS.AmazonSQSException` when SQS answered with an error and `SQS.SdkClientException` when no answer
 * came (Step Functions calls SQS through the AWS SDK for Java, and names the error after its exception
 * class); the Cause is that SDK's message, `<message> (Service: AmazonSQS; Status Code: <n>; Error Code:
 * <code>; Request ID: <id>; Proxy: null)`. Not in the reference pages: observed on AWS and kept by
 * LocalStack's parity-tested Step Functions (state_task_service_sqs.py). Retry and Catch match these
 * names, so the local runtime must not surface the JavaScript SDK's own (`QueueDoesNotExist`, ...).
 */
export class SqsIntegrationError extends Error {
  constructor(error: unknown) {
    const { name, message, $metadata, Code } = error as Error & { $metadata?: { httpStatusCode?: number; requestId?: string }; Code?: string };
    const status = $metadata?.httpStatusCode;
    super(
      status === undefined
        ? `Unable to execute HTTP request: ${message}`
        : `${message} (Service: AmazonSQS; Status Code: ${status}; Error Code: ${Code ?? name}; Request ID: ${$metadata?.requestId ?? 'unknown'}; Proxy: null)`,
    );
    this.name = status === undefined ? 'SQS.SdkClientException' : 'SQS.AmazonSQSException';
  }
}

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
      let sent;
      try {
        sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
      } catch (error) {
        throw new SqsIntegrationError(error);
      }
      return { MessageId: sent.MessageId ?? '', MD5OfMessageBody: sent.MD5OfMessageBody ?? '' };
    },
  };
}
