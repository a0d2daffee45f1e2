/** The two DynamoDB tables and their keys: the one place both the stacks and the local runtime read. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S';
}

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  /** Non-key attributes copied into the index. */
  readonly projected: readonly string[];
}

export interface TableDefinition {
  /** Seed name, also the suffix of the deployed name. */
  readonly baseName: string;
  readonly partitionKey: KeyAttribute;
  readonly indexes?: readonly IndexDefinition[];
}

/** Orders by status and last change: how the pending sweeper finds orders stuck in PENDING. */
export const BY_STATUS_INDEX: IndexDefinition = {
  name: 'by_status',
  partitionKey: { name: 'status', type: 'S' },
  sortKey: { name: 'updated_at', type: 'S' },
  projected: ['item', 'quantity'],
};

export const ORDERS_TABLE: TableDefinition = {
  baseName: 'orders',
  partitionKey: { name: 'order_id', type: 'S' },
  indexes: [BY_STATUS_INDEX],
};

/** Every attribute a table or its indexes are keyed on, once each. */
export function keyAttributes(table: TableDefinition): KeyAttribute[] {
  const all = [table.partitionKey, ...(table.indexes ?? []).flatMap((index) => [index.partitionKey, index.sortKey])];
  return all.filter((attribute, position) => all.findIndex((a) => a.name === attribute.name) === position);
}

/** One row per order that exhausted its fulfillment attempts, keyed like `orders` so a retry can't duplicate it. */
export const FAILED_ORDERS_TABLE: TableDefinition = {
  baseName: 'failed_orders',
  partitionKey: { name: 'order_id', type: 'S' },
};

export const TABLES = [ORDERS_TABLE, FAILED_ORDERS_TABLE] as const;
