import type { ServerResponse } from 'node:http';
import { ValidationError } from '../lambdas/shared/errors';
import { parseOrderId } from '../lambdas/shared/order';
import { sendJson } from './http-util';
import type { Journey } from './journey';

/** GET /_local/orders/{order_id}/journey, the order_id as sent (percent-encoded). */
export const JOURNEY_PATH = /^\/_local\/orders\/([^/]+)\/journey$/;

/** Answers an order's journey: 200, 404 for an order the runtime knows nothing of, 400 for an order_id the API would refuse. */
export async function sendJourney(res: ServerResponse, encodedId: string, read: (orderId: string) => Promise<Journey | undefined>): Promise<void> {
  let orderId: string;
  try {
    orderId = parseOrderId(decodeURIComponent(encodedId));
  } catch (error) {
    // decodeURIComponent throws URIError on a malformed escape: that is not an order_id either.
    const details = error instanceof ValidationError ? error.details : [{ field: 'order_id', message: 'is not a percent-encoded path segment' }];
    return sendJson(res, 400, { error: 'Invalid order_id', details });
  }
  const journey = await read(orderId);
  if (!journey) {
    return sendJson(res, 404, { error: 'Order not found', details: [{ field: 'order_id', message: 'no request, execution, log line or table row of this order in the runtime' }] });
  }
  sendJson(res, 200, journey);
}
