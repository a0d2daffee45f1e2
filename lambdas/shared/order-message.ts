import type { SQSRecord } from 'aws-lambda';
import { MalformedMessageError } from './errors';
import { parseOrder, type OrderMessage } from './order';

/** Reads the order carried by an order_queue / order_dlq message. */
export function parseOrderMessage(record: Pick<SQSRecord, 'messageId' | 'body'>): OrderMessage {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new MalformedMessageError(record.messageId, 'body is not JSON');
  }
  try {
    return parseOrder(body);
  } catch {
    throw new MalformedMessageError(record.messageId, 'body is not an order');
  }
}
