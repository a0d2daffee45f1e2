import { createHash } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import { describeProblems, MalformedMessageError, ValidationError } from './errors';
import { parseOrder, type OrderMessage } from './order';

/** Reads the order carried by an order_queue / order_dlq message. */
export function parseOrderMessage(record: Pick<SQSRecord, 'messageId' | 'body'>): OrderMessage {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch (error) {
    throw new MalformedMessageError(record.messageId, `body is not JSON (${(error as Error).message})`);
  }
  try {
    return parseOrder(body);
  } catch (error) {
    // parseOrder refuses with a ValidationError; anything else is a fault of ours, not the message's.
    if (!(error instanceof ValidationError)) throw error;
    throw new MalformedMessageError(record.messageId, `body is not an order: ${describeProblems(error.details)}`);
  }
}

/**
 * What a log line carries of a malformed message, so that it can be found and replayed: its id, what
 * is wrong, and the whole body with its size and SHA-256 (to match it even where a log line is cut).
 */
export function malformedMessageTrace(record: Pick<SQSRecord, 'messageId' | 'body' | 'attributes'>, error: MalformedMessageError) {
  return {
    message_id: record.messageId,
    receive_count: Number(record.attributes.ApproximateReceiveCount),
    problem: error.problem,
    body_bytes: Buffer.byteLength(record.body, 'utf8'),
    body_sha256: createHash('sha256').update(record.body, 'utf8').digest('hex'),
    body: record.body,
  };
}
