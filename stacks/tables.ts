import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from 'constructs';
import { resourceName } from '../topology/names';
import { FAILED_ORDERS_TABLE, keyAttributes, ORDERS_TABLE, type TableDefinition } from '../topology/tables';

export interface TablesOptions {
  readonly environment: string;
  readonly deletionProtection: boolean;
}

/** The orders and failed_orders tables: on demand, encrypted (AWS managed KMS key), point-in-time recovery. */
export class OrderTables extends Construct {
  readonly orders: DynamodbTable;
  readonly failedOrders: DynamodbTable;

  constructor(scope: Construct, id: string, options: TablesOptions) {
    super(scope, id);
    const table = (definition: TableDefinition) =>
      new DynamodbTable(this, definition.baseName, {
        name: resourceName(options.environment, definition.baseName),
        billingMode: 'PAY_PER_REQUEST',
        hashKey: definition.partitionKey.name,
        attribute: keyAttributes(definition).map((a) => ({ name: a.name, type: a.type })),
        globalSecondaryIndex: (definition.indexes ?? []).map((index) => ({
          name: index.name,
          hashKey: index.partitionKey.name,
          rangeKey: index.sortKey.name,
          projectionType: 'INCLUDE',
          nonKeyAttributes: [...index.projected],
        })),
        serverSideEncryption: { enabled: true },
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: options.deletionProtection,
      });
    this.orders = table(ORDERS_TABLE);
    this.failedOrders = table(FAILED_ORDERS_TABLE);
  }
}
