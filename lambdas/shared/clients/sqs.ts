import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * The SDK sends to the host of a message's QueueUrl unless an endpoint is set explicitly. An endpoint
 * override from the environment (the local runtime's AWS_ENDPOINT_URL_SQS) is therefore passed as one.
 */
export function createSqsClient(env: NodeJS.ProcessEnv = process.env): SQSClient {
  const endpoint = env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL;
  return new SQSClient(endpoint ? { endpoint } : {});
}
