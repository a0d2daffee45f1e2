/** The two DynamoDB tables and their keys: the one place both the stacks and the local runtime read. */
export interface TableDefinition {
  /** Seed name, also the suffix of the deployed name. */
  readonly baseName: string;
  readonly partitionKey: { readonly name: string; readonly type: 'S' };
}

export const ORDERS_TABLE: TableDefinition = {
  baseName: 'orders',
  partitionKey: { name: 'order_id', type: 'S' },
};

/** One row per order that exhausted its fulfillment attempts, keyed like `orders` so a retry can't duplicate it. */
export const FAILED_ORDERS_TABLE: TableDefinition = {
  baseName: 'failed_orders',
  partitionKey: { name: 'order_id', type: 'S' },
};

export const TABLES = [ORDERS_TABLE, FAILED_ORDERS_TABLE] as const;
