import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { createDocumentClient } from '../../lambdas/shared/clients/dynamodb';
import { ensureResources, type LocalResources } from '../../local/resources';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

function endpoint(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this test in the integration project (emulators-setup)`);
  return value;
}

export interface TestAws {
  readonly dynamodb: DynamoDBClient;
  readonly db: ReturnType<typeof createDocumentClient>;
  readonly sqs: SQSClient;
  readonly resources: LocalResources;
}

/** Clients for the shared emulators and a fresh set of tables and queues, named for this test only. */
export async function createTestAws(visibilityTimeoutSeconds = 1): Promise<TestAws> {
  const dynamodb = new DynamoDBClient({ region: 'us-east-1', credentials, endpoint: endpoint('DOFS_TEST_DYNAMODB_ENDPOINT') });
  const sqs = new SQSClient({ region: 'us-east-1', credentials, endpoint: endpoint('DOFS_TEST_SQS_ENDPOINT') });
  const environment = `t${randomUUID().slice(0, 8)}`;
  const resources = await ensureResources(dynamodb, sqs, { environment, visibilityTimeoutSeconds });
  return { dynamodb, db: createDocumentClient(dynamodb), sqs, resources };
}
