import type { ResourceResolver } from '../topology/access';
import type { FunctionKey } from '../topology/functions';
import type { LocalResources } from './resources';

export interface LocalNames {
  readonly resources: LocalResources;
  readonly stateMachineArn: string;
  readonly functionArn: (key: FunctionKey) => string;
  /** arn:aws:dynamodb:<region>:<account>:table/<name> */
  readonly tableArn: (name: string) => string;
}

/** The local environment's ARNs and identifiers for what topology/access.ts declarations name. */
export function localResolver({ resources, stateMachineArn, functionArn, tableArn }: LocalNames): ResourceResolver {
  const tableName = (table: string) => (table === 'orders' ? resources.ordersTable : resources.failedOrdersTable);
  const queue = (name: string) => (name === 'order_queue' ? { url: resources.orderQueueUrl, arn: resources.orderQueueArn } : { url: resources.orderDlqUrl, arn: resources.orderDlqArn });
  const resolver: ResourceResolver = {
    arns: (ref) => {
      switch (ref.kind) {
        case 'table':
          return [`${tableArn(tableName(ref.table))}${ref.index ? `/index/${ref.index}` : ''}`];
        case 'queue':
          return [queue(ref.queue).arn];
        case 'stateMachine':
          return [stateMachineArn];
        case 'function':
          return [functionArn(ref.function), `${functionArn(ref.function)}:*`];
      }
    },
    identifier: (ref, carries) => {
      if (carries === 'arn') return resolver.arns(ref)[0]!;
      if (ref.kind === 'table') return tableName(ref.table);
      if (ref.kind === 'queue') return carries === 'url' ? queue(ref.queue).url : queue(ref.queue).arn.split(':').pop()!;
      throw new Error(`no ${carries} for a ${ref.kind}`);
    },
  };
  return resolver;
}
