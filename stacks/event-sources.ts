import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import type { Construct } from 'constructs';
import type { EventSourceDefinition } from '../topology/queues';
import type { DofsFunction } from './function';

/**
 * A queue drained by a function in batches. ReportBatchItemFailures makes SQS redeliver only the
 * records the handler reports, not the whole batch; maximum concurrency caps how hard it pushes.
 */
export function queueEventSource(scope: Construct, id: string, queue: SqsQueue, target: DofsFunction, settings: EventSourceDefinition) {
  return new LambdaEventSourceMapping(scope, id, {
    eventSourceArn: queue.arn,
    functionName: target.fn.arn,
    batchSize: settings.batchSize,
    maximumBatchingWindowInSeconds: settings.maximumBatchingWindowSeconds,
    functionResponseTypes: ['ReportBatchItemFailures'],
    scalingConfig: { maximumConcurrency: settings.maximumConcurrency },
    // The role must allow sqs:ReceiveMessage before the mapping is enabled.
    dependsOn: [target.role.policy],
  });
}
