/** SDK clients for the local emulators: the runtime's own, the command line's, the tests' and the benchmark's. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../lambdas/shared/clients/dynamodb';
import { LOCAL_REGION } from './names';

/**
 * The operator's credentials. The emulators take any; the runtime authorizes only those it issued to
 * roles, so calls made with these are not checked, as an account administrator's are not on AWS.
 */
export const OPERATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface LocalClientOptions {
  /** A role's credentials, whose calls are authorized against its policy; the operator's by default. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** The region a runtime reports (GET /_local/resources); LOCAL_REGION by default. */
  readonly region?: string;
}

export interface EmulatorEndpoints {
  readonly dynamodb: string;
  readonly sqs: string;
}

export interface LocalClients {
  readonly dynamodb: DynamoDBClient;
  /** On the same connection as `dynamodb`, made as the handlers make theirs. */
  readonly documents: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
}

const clientConfig = (endpoint: string, { credentials = OPERATOR_CREDENTIALS, region = LOCAL_REGION }: LocalClientOptions = {}) => ({ region, credentials, endpoint });

export function localDynamoDbClient(endpoint: string, options?: LocalClientOptions): DynamoDBClient {
  return new DynamoDBClient(clientConfig(endpoint, options));
}

export function localDocumentClient(endpoint: string, options?: LocalClientOptions): DynamoDBDocumentClient {
  return createDocumentClient(localDynamoDbClient(endpoint, options));
}

export function localSqsClient(endpoint: string, options?: LocalClientOptions): SQSClient {
  return new SQSClient(clientConfig(endpoint, options));
}

export function localClients(endpoints: EmulatorEndpoints, options?: LocalClientOptions): LocalClients {
  const dynamodb = localDynamoDbClient(endpoints.dynamodb, options);
  return { dynamodb, documents: createDocumentClient(dynamodb), sqs: localSqsClient(endpoints.sqs, options) };
}
