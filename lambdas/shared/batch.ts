import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * Runs `handleRecord` over an SQS batch and reports the records that threw as batchItemFailures,
 * so SQS redelivers only those. A processor per invocation: the local runtime invokes one module
 * concurrently, and a BatchProcessor keeps per-batch state.
 */
export function processSqsBatch(
  event: SQSEvent,
  context: Context | undefined,
  handleRecord: (record: SQSRecord) => Promise<void>,
): Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  return processPartialResponse(event, handleRecord, processor, {
    ...(context ? { context } : {}),
    // Report a fully failed batch as item failures like any other, instead of throwing.
    throwOnFullBatchFailure: false,
  });
}
