import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { localClients } from '../../local/aws-clients';
import { ensureResources, type LocalResources } from '../../local/resources';

function endpoint(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this test in the integration project (emulators-setup)`);
  return value;
}

export interface TestAws {
  readonly dynamodb: DynamoDBClient;
  readonly db: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly resources: LocalResources;
}

/** Clients for the shared emulators and a fresh set of tables and queues, named for this test only. */
export async function createTestAws(visibilityTimeoutSeconds = 1): Promise<TestAws> {
  const { dynamodb, documents, sqs } = localClients({ dynamodb: endpoint('DOFS_TEST_DYNAMODB_ENDPOINT'), sqs: endpoint('DOFS_TEST_SQS_ENDPOINT') });
  const environment = `t${randomUUID().slice(0, 8)}`;
  const resources = await ensureResources(dynamodb, sqs, { environment, visibilityTimeoutSeconds });
  return { dynamodb, db: documents, sqs, resources };
}
