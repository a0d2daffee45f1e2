import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { createDocumentClient } from '../../lambdas/shared/clients/dynamodb';
import { FailedOrderRepository, OrderRepository } from '../../lambdas/shared/order-repository';
import { createTableInput } from '../../local/resources';
import { FAILED_ORDERS_TABLE, ORDERS_TABLE, type TableDefinition } from '../../topology/tables';

/**
 * dynalite (DynamoDB's API over an in-memory store) in the test's own process: conditional writes,
 * update expressions, the by_status index and paging behave as DynamoDB documents them. Unlike the
 * integration project it needs no globalSetup and waits on no queue, so a unit test (and every mutant
 * Stryker runs it against) gets the same answer every time.
 */
export interface InProcessDynamoDb {
  readonly db: DynamoDBDocumentClient;
  /** A fresh orders and failed_orders table, as topology/tables declares them (the stack's tables). */
  newTables(): Promise<{ ordersTable: string; failedOrdersTable: string }>;
  /** Fresh tables (newTables) and the repositories the handlers use over them. */
  newRepositories(): Promise<{ orders: OrderRepository; failedOrders: FailedOrderRepository; ordersTable: string; failedOrdersTable: string }>;
  close(): Promise<void>;
}

async function createTable(client: DynamoDBClient, name: string, table: TableDefinition): Promise<void> {
  await client.send(new CreateTableCommand(createTableInput(name, table)));
}

export async function startDynamoDb(): Promise<InProcessDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  let tables = 0;
  const db = createDocumentClient(client);
  const newTables = async () => {
    tables += 1;
    const ordersTable = `t${tables}-${ORDERS_TABLE.baseName}`;
    const failedOrdersTable = `t${tables}-${FAILED_ORDERS_TABLE.baseName}`;
    await Promise.all([createTable(client, ordersTable, ORDERS_TABLE), createTable(client, failedOrdersTable, FAILED_ORDERS_TABLE)]);
    return { ordersTable, failedOrdersTable };
  };
  return {
    db,
    newTables,
    newRepositories: async () => {
      const names = await newTables();
      return { ...names, orders: new OrderRepository(db, names.ordersTable), failedOrders: new FailedOrderRepository(db, names.failedOrdersTable) };
    },
    close: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Send = (command: object) => Promise<unknown>;

/** The same client, with `handle` deciding what each command gets (it may pass it on with `send`). */
export function intercept(db: DynamoDBDocumentClient, handle: (command: object, send: Send) => Promise<unknown>): DynamoDBDocumentClient {
  const send = (command: object) => handle(command, (passed) => db.send(passed as never));
  return new Proxy(db, { get: (target, key): unknown => (key === 'send' ? send : (Reflect.get(target, key) as unknown)) });
}

/**
 * dynalite for one test file: started before its tests, stopped after them. Each test that wants an
 * empty table asks `newTables()` in its own beforeEach.
 */
export function useInProcessDynamoDb(): InProcessDynamoDb {
  let dynamo: InProcessDynamoDb | undefined;
  beforeAll(async () => {
    dynamo = await startDynamoDb();
  });
  afterAll(async () => {
    await dynamo?.close();
  });
  const started = () => {
    if (!dynamo) throw new Error('dynalite is started in beforeAll: use it from a hook or a test');
    return dynamo;
  };
  return {
    get db() {
      return started().db;
    },
    newTables: () => started().newTables(),
    newRepositories: () => started().newRepositories(),
    close: () => started().close(),
  };
}
