import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { waitFor } from '../../cli/poll';
import { codePoints, ITEM_MAX_LENGTH, QUANTITY_MAX, QUANTITY_MIN, type Order } from '../../lambdas/shared/order';
import { validOrder as order } from '../support/order-arbitraries';
import { request } from '../support/http';
import { useRuntimeProcess } from '../support/runtime-process';
import { runtimeTables } from '../support/runtime-tables';
import { pick } from './profile';

/**
 * Every order the schema accepts goes end to end, as it would on AWS: drawn from the whole space the
 * schema allows and carried through the local runtime (HTTP, api_handler, the workflow, order_queue,
 * fulfill_order and, for the orders whose attempts all fail, order_dlq, dlq_handler and failed_orders)
 * to a terminal state, with its item unchanged to the code point.
 *
 * The fuzz suite missed a valid order that SQS refused because it sent only invalid orders, and its
 * valid ones were ASCII: no astral character ever reached the queue. This generator draws items from
 * every code point SQS and the schema allow (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html:
 * #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF, minus the control
 * characters the schema refuses), with lengths at the boundaries counted in code points and in UTF-16
 * units, and sends the JSON in the forms a client may write it.
 */
const BATCHES = pick(50, 1_000);
const BATCH_SIZE = 8;

type Encoding = { readonly keyOrder: readonly number[]; readonly space: string; readonly escapeNonAscii: boolean; readonly quantityForm: string };

/** JSON as clients write it: any key order, spacing, \u escapes (surrogate pairs included) and number forms. */
const encoding: fc.Arbitrary<Encoding> = fc.record({
  keyOrder: fc.constantFrom([0, 1, 2], [2, 1, 0], [1, 0, 2]),
  space: fc.constantFrom('', ' ', '\n  '),
  escapeNonAscii: fc.boolean(),
  quantityForm: fc.constantFrom('integer', 'decimal', 'exponent'),
});

function encode(value: Order, how: Encoding): string {
  const text = (s: string) => {
    const json = JSON.stringify(s);
    return how.escapeNonAscii ? json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
  };
  const number = how.quantityForm === 'decimal' ? `${value.quantity}.0` : how.quantityForm === 'exponent' ? `${value.quantity / 10}e1` : String(value.quantity);
  const fields = [`"order_id":${how.space}${text(value.order_id)}`, `"item":${how.space}${text(value.item)}`, `"quantity":${how.space}${number}`];
  return `{${how.space}${how.keyOrder.map((i) => fields[i]).join(`,${how.space}`)}${how.space}}`;
}

const describeItem = (text: string) => `${codePoints(text)} code points, ${text.length} UTF-16 units: ${[...text].slice(0, 12).map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase()}`).join(' ')}`;

describe(`Every order the schema accepts goes end to end (${BATCHES} batches of up to ${BATCH_SIZE} generated orders)`, () => {
  // Half the attempts fail: about one order in eight exhausts its receives and takes the DLQ path.
  const runtime = useRuntimeProcess({ FAILURE_THRESHOLD: '0.5', DOFS_VISIBILITY_TIMEOUT: '1' });

  it('answers each as the idempotency model predicts, and each reaches FULFILLED or FAILED unchanged', async () => {
    // The orders the runtime holds: a repeat of an id answers 200 if the payload is the same, 409 if not.
    const model = new Map<string, Order>();
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.tuple(order, encoding), { minLength: 1, maxLength: BATCH_SIZE, selector: ([o]) => o.order_id }), async (batch) => {
        const answers = await Promise.all(
          batch.map(async ([value, how]) => {
            const response = await fetch(`${runtime.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: encode(value, how), signal: AbortSignal.timeout(10_000) });
            return { value, status: response.status, body: (await response.json()) as Record<string, unknown> };
          }),
        );
        // A valid order's workflow never fails: were order_queue to refuse its message, the API would
        // still acknowledge it (the order is stored), so the answer alone would not show the fault.
        const failures = runtime.logs().filter((line) => line.message === 'workflow failed' || line.outcome === 'stored-not-enqueued');
        if (failures.length > 0) throw new Error(`the workflow failed for a valid order: ${JSON.stringify(failures[0])}; batch: ${batch.map(([o]) => `${o.order_id} (${describeItem(o.item)})`).join('; ')}`);
        for (const { value, status, body } of answers) {
          const known = model.get(value.order_id);
          const expected = !known ? 202 : known.item === value.item && known.quantity === value.quantity ? 200 : 409;
          if (status !== expected) throw new Error(`order ${value.order_id} (item ${describeItem(value.item)}): expected ${expected}, got ${status} ${JSON.stringify(body)}`);
          if (!known) model.set(value.order_id, value);
        }
      }),
      // No shrinking: the runtime keeps what a failing batch stored, so a replay would meet a different state.
      { numRuns: BATCHES, endOnFailure: true },
    );

    const ids = [...model.keys()];
    const settled = await waitFor(
      `all ${ids.length} orders FULFILLED or FAILED`,
      async () => {
        const found = await Promise.all(ids.map(async (id) => (await request(`${runtime.url}/orders/${id}`)).body));
        return found.every((o) => o.status === 'FULFILLED' || o.status === 'FAILED') ? found : undefined;
      },
      pick(60_000, 600_000),
      250,
    );
    const { db, failedOrdersTable } = await runtimeTables(runtime.url);
    const { Items: failedRows = [] } = await db.send(new ScanCommand({ TableName: failedOrdersTable, ConsistentRead: true }));
    const failedItems = new Map(failedRows.map((row) => [row.order_id as string, row.item as string]));
    for (const stored of settled) {
      const sent = model.get(stored.order_id as string)!;
      expect({ order_id: stored.order_id, item: stored.item, quantity: stored.quantity }).toEqual(sent);
      if (stored.status === 'FAILED') expect(failedItems.get(sent.order_id)).toBe(sent.item);
    }
    const all = [...model.values()];
    const failed = settled.filter((o) => o.status === 'FAILED').length;
    process.stdout.write(
      `reliability: valid_orders=${all.length} fulfilled=${settled.length - failed} failed=${failed} ` +
        `with_astral=${all.filter((o) => /[\u{10000}-\u{10FFFF}]/u.test(o.item)).length} ` +
        `with_combining=${all.filter((o) => /\p{M}/u.test(o.item)).length} ` +
        `at_${ITEM_MAX_LENGTH}_code_points=${all.filter((o) => codePoints(o.item) === ITEM_MAX_LENGTH).length} ` +
        `at_${ITEM_MAX_LENGTH}_utf16_units=${all.filter((o) => o.item.length === ITEM_MAX_LENGTH).length} ` +
        `quantity_bounds=${all.filter((o) => o.quantity === QUANTITY_MIN || o.quantity === QUANTITY_MAX).length}\n`,
    );
    expect(all.length).toBeGreaterThan(BATCHES / 2);
  }, pick(120_000, 1_800_000));
});
