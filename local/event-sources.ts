import type { ResourceRef, ResourceResolver } from '../topology/access';
import type { FunctionKey } from '../topology/functions';
import { QUEUE_CONSUMERS } from '../topology/queues';
import { localSqsClient } from './aws-clients';
import type { LocalFunction } from './lambda-host';
import { LOCAL_REGION } from './names';
import type { LocalRoles } from './roles';
import { SqsEventSource } from './sqs-event-source';

export interface EventSourcesOptions {
  readonly sqsEndpoint: string;
  readonly roles: LocalRoles;
  readonly resolver: ResourceResolver;
  readonly functions: Readonly<Record<FunctionKey, LocalFunction>>;
  readonly onError: (error: unknown) => void;
}

/**
 * The event source mappings of topology/queues.ts, not yet polling. Each polls with its function's
 * role (the consumer grants in topology/access.ts).
 */
export function createEventSources(options: EventSourcesOptions): SqsEventSource[] {
  const { roles, resolver, functions } = options;
  return QUEUE_CONSUMERS.map(({ queue, consumer, eventSource }) => {
    const ref: ResourceRef = { kind: 'queue', queue: queue.baseName as 'order_queue' | 'order_dlq' };
    return new SqsEventSource({
      sqs: localSqsClient(options.sqsEndpoint, { credentials: roles.functions[consumer].credentials }),
      queueUrl: resolver.identifier(ref, 'url'),
      queueArn: resolver.identifier(ref, 'arn'),
      region: LOCAL_REGION,
      fn: functions[consumer],
      settings: eventSource,
      onError: options.onError,
    });
  });
}
