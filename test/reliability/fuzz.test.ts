import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { get as httpGet } from 'node:http';
import { codePoints, ITEM_MAX_LENGTH } from '../../lambdas/shared/order';
import { validOrder } from '../support/order-arbitraries';
import { useRuntimeProcess } from '../support/runtime-process';
import { runtimeTables } from '../support/runtime-tables';
import { pick } from './profile';

/**
 * Property-based fuzzing of POST /orders and GET /orders/{order_id} through the local runtime (HTTP,
 * api_handler, the workflow): every malformed request gets a 4xx JSON error naming the problem, never
 * a 5xx and never a stored order, and every log line stays one parseable JSON object.
 */
const CASES = pick(300, 10_000);

const VALID_ID = /^[A-Za-z0-9_-]{1,64}$/;

const hostileStrings = fc.oneof(
  fc.constantFrom('../../etc/passwd', '..%2F..%2F', '/orders/1', '.*', '^(a+)+$', "' OR '1'='1", '"; DROP TABLE orders; --', '","quantity":5,"x":"', '{"$ne":null}', '__proto__', 'constructor', '\u0000', '\u202e', '\uFFFF', '\uFFFE', '\uD800', '\uDC00x', '🙂', 'a'.repeat(65)),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

/** A valid order with exactly one thing wrong (field types, values, missing or extra fields). */
const invalidOrder = fc
  .tuple(validOrder, fc.integer({ min: 0, max: 8 }), hostileStrings, fc.jsonValue({ maxDepth: 3 }))
  .map(([order, mutation, hostile, json]) => {
    const copy: Record<string, unknown> = { ...order };
    switch (mutation) {
      case 0: delete copy[['order_id', 'item', 'quantity'][hostile.length % 3]!]; break;
      case 1: copy[VALID_ID.test(hostile) && !(hostile in copy) ? `x_${hostile}` : `extra${hostile.length}`] = json; break;
      case 2: copy.order_id = VALID_ID.test(hostile) ? `${hostile}/` : hostile; break;
      // eslint-disable-next-line no-control-regex -- the characters the schema refuses, control characters among them
      case 3: copy.item = hostile.length === 0 || codePoints(hostile) > ITEM_MAX_LENGTH || /[\u0000-\u001f\u007f-\u009f\uFFFE\uFFFF]/.test(hostile) ? hostile : `${hostile}\u0007`; break;
      case 4: copy.quantity = [0, -1, 1001, 1.5, Number.POSITIVE_INFINITY, '1', null, true, [1], { n: 1 }][hostile.length % 10]; break;
      case 5: copy.order_id = json === null || typeof json !== 'string' ? json : 7; break;
      case 6: copy.item = typeof json === 'string' ? 42 : json; break;
      // One code point too many, in ASCII or in astral characters (two UTF-16 units each).
      case 7: copy.item = (hostile.length % 2 === 0 ? 'x' : '\u{1f6d2}').repeat(ITEM_MAX_LENGTH + 1 + hostile.length); break;
      default: copy.item = '   '; break;
    }
    return JSON.stringify(copy);
  });

const notAnOrder = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.integer({ min: 50, max: 5000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 50, max: 3000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  validOrder.map((o) => `{"order_id":${JSON.stringify(o.order_id)},"item":${JSON.stringify(o.item)},"quantity":${o.quantity},"quantity":${o.quantity}}`),
  validOrder.map((o) => JSON.stringify(o).slice(0, -1)),
  fc.integer({ min: 16_385, max: 200_000 }).map((size) => JSON.stringify({ order_id: 'big', item: 'x'.repeat(size), quantity: 1 })),
);

const request = fc.record({
  body: fc.oneof({ weight: 3, arbitrary: invalidOrder }, { weight: 2, arbitrary: notAnOrder }),
  method: fc.oneof({ weight: 9, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'PATCH', 'DELETE', 'GET') }),
  contentType: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
    { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', '') },
  ),
});

/** Percent-encodes any string, lone surrogates included (as bytes that are not UTF-8). */
function percentEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...text].map((c) => (/[A-Za-z0-9]/.test(c) ? c : `%${(c.charCodeAt(0) & 0xff).toString(16).padStart(2, '0')}`)).join('');
  }
}

// Non-empty: `/orders/` is the collection (405 for GET), covered by the routing tests.
const orderPath = fc.oneof(hostileStrings.filter((s) => s.length > 0).map(percentEncode), fc.constantFrom('%', '%E0%A4%A', '..', '%2e%2e', 'a%00b', 'x'.repeat(300)));

type Tally = Record<string, number>;

/** The status of a GET of a raw request target (node:http sends the path as given). */
function rawTarget(port: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: '127.0.0.1', port, path, timeout: 10_000 }, (res) => {
      res.resume().on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} got no answer within 10 s`)));
    req.on('error', reject);
  });
}
const count = (tally: Tally, key: string) => (tally[key] = (tally[key] ?? 0) + 1);

describe('Fuzzing the API (fast-check)', () => {
  const runtime = useRuntimeProcess();
  const statuses: Tally = {};

  function expectJsonError(status: number, text: string, allowed: number[]) {
    expect(allowed).toContain(status);
    const body = JSON.parse(text) as { error?: unknown; details?: { field: unknown; message: unknown }[]; message?: unknown };
    expect(typeof (body.error ?? body.message)).toBe('string');
    for (const detail of body.details ?? []) expect(detail).toEqual({ field: expect.any(String), message: expect.any(String) });
    expect(text).not.toMatch(/at \S+ \(|\.mjs|node_modules|Error:/);
  }

  /** What every fuzz run must leave behind: no stored order, and only JSON log lines. */
  async function expectNothingStoredAndJsonLogs(): Promise<void> {
    const { db, ordersTable } = await runtimeTables(runtime.url);
    const { Items = [] } = await db.send(new ScanCommand({ TableName: ordersTable }));
    // Everything but the runtime's one human-readable ready line.
    const lines = [...runtime.stdout.filter((line) => !line.startsWith('DOFS local runtime ready on')), ...runtime.stderr];
    const unparsable = lines.filter((line) => {
      try {
        return typeof JSON.parse(line) !== 'object';
      } catch {
        return true;
      }
    });
    expect(Items).toEqual([]);
    expect(unparsable).toEqual([]);
  }

  afterAll(() => {
    const total = Object.values(statuses).reduce((n, c) => n + c, 0);
    process.stdout.write(`reliability: fuzz=${total} statuses=${JSON.stringify(statuses)}\n`);
  });

  it(`POST /orders: ${CASES} malformed requests all get a 4xx JSON error`, async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ body, method, contentType }) => {
        const response = await fetch(`${runtime.url}/orders`, {
          method,
          body: method === 'GET' ? undefined : body,
          headers: contentType ? { 'content-type': contentType } : {},
          signal: AbortSignal.timeout(10_000),
        });
        count(statuses, String(response.status));
        expectJsonError(response.status, await response.text(), [400, 405, 413, 415]);
      }),
      { numRuns: CASES },
    );
    await expectNothingStoredAndJsonLogs();
  }, pick(120_000, 1_800_000));

  // Whole request targets: empty, dot and encoded segments, doubled slashes, queries (`//` once ended
  // the runtime: URL parsing read it as a host). Sent as raw HTTP, so nothing normalizes them first.
  const segment = fc.constantFrom('', '.', '..', '%2e', '%2E%2e', '%2F', '%00', '%', 'orders', 'health', '_local', 'stats', 'x', '?a=1', '?', '#');
  const target = fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => `/${parts.join('/')}`);

  it(`any path: ${Math.ceil(CASES / 4)} request targets get an answer below 500, and the runtime stays up`, async () => {
    const port = new URL(runtime.url).port;
    await fc.assert(
      fc.asyncProperty(target, async (path) => {
        const response = await rawTarget(port, path);
        count(statuses, String(response));
        expect([path, response < 500]).toEqual([path, true]);
      }),
      { numRuns: Math.ceil(CASES / 4) },
    );
    expect((await fetch(`${runtime.url}/health`)).status).toBe(200);
    await expectNothingStoredAndJsonLogs();
  }, pick(60_000, 600_000));

  it(`GET /orders/{order_id}: ${Math.ceil(CASES / 4)} hostile ids get 400 or 404`, async () => {
    await fc.assert(
      fc.asyncProperty(orderPath, async (path) => {
        const response = await fetch(`${runtime.url}/orders/${path}`, { signal: AbortSignal.timeout(10_000) });
        count(statuses, String(response.status));
        expectJsonError(response.status, await response.text(), [400, 404]);
      }),
      { numRuns: Math.ceil(CASES / 4) },
    );
    await expectNothingStoredAndJsonLogs();
  }, pick(60_000, 600_000));
});
