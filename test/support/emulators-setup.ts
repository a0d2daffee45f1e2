import { startDynamoDb, startSqs } from '../../local/emulator-servers';
import type { Emulator } from '../../local/emulators';

declare global {
  var __DOFS_EMULATORS__: Emulator[] | undefined;
}

/** One in-memory dynalite and fauxqs for the integration project; each test file makes its own tables and queues. */
export default async function setup(): Promise<void> {
  const [dynamo, sqs] = await Promise.all([startDynamoDb(null), startSqs(null)]);
  globalThis.__DOFS_EMULATORS__ = [dynamo, sqs];
  process.env.DOFS_TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.DOFS_TEST_SQS_ENDPOINT = sqs.endpoint;
}
