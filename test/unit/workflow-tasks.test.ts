import { createOrderStorageHandler } from '../../lambdas/order_storage/handler';
import { MalformedMessageError, OrderConflictError, SimulatedFulfillmentError, ValidationError } from '../../lambdas/shared/errors';
import { parseOrderMessage } from '../../lambdas/shared/order-message';
import { OrderRepository } from '../../lambdas/shared/order-repository';
import { createValidatorHandler } from '../../lambdas/validator/handler';
import { WORKFLOW_ERRORS } from '../../topology/workflow';
import { captureLogger } from '../support/logger';
import { useInProcessDynamoDb } from '../support/in-process-dynamodb';
import { ConfigurationError } from '../../topology/env';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:00:01.000Z';
const order = { order_id: 'order-1', item: 'laptop', quantity: 1 };

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

describe('validator (Step Functions task ValidateOrder)', () => {
  const validate = createValidatorHandler();

  it('answers the validated order', async () => {
    await expect(validate(order)).resolves.toEqual(order);
  });

  it('fails with the error name the workflow catches, its message carrying every bad field', async () => {
    const error = await rejection(validate({ order_id: 'order-1', item: '', quantity: 0 }));
    // Step Functions matches Catch on the Lambda's errorType, which is the error's name.
    expect(error.name).toBe(WORKFLOW_ERRORS.validation);
    const details = [
      { field: 'item', message: 'must not be empty' },
      { field: 'quantity', message: 'must be at least 1' },
    ];
    // README: the API answers {"error":"Invalid order","details":[...]}; the message is all that crosses the workflow.
    expect(JSON.parse(error.message)).toEqual({ error: 'Invalid order', details });
    expect(ValidationError.detailsFromMessage(error.message)).toEqual(details);
  });
});

describe('order_storage (Step Functions task StoreOrder, in-process dynalite)', () => {
  const dynamo = useInProcessDynamoDb();
  let orders: OrderRepository;
  beforeEach(async () => {
    orders = new OrderRepository(dynamo.db, (await dynamo.newTables()).ordersTable);
  });

  const storage = (now = T0) => {
    const { logger, lines } = captureLogger();
    return { store: createOrderStorageHandler({ orders, clock: () => now, logger }), lines };
  };

  it('stores a new order as PENDING and asks for it to be enqueued', async () => {
    const { store, lines } = storage();
    await expect(store(order)).resolves.toEqual({ order_id: 'order-1', status: 'PENDING', duplicate: false, enqueue: true });
    await expect(orders.get('order-1')).resolves.toMatchObject({ ...order, status: 'PENDING', created_at: T0 });
    // DEBUG: the request line of api_handler says an order was accepted; storing it is no news at INFO.
    expect(lines).toEqual([expect.objectContaining({ level: 'DEBUG', order_id: 'order-1', outcome: 'stored' })]);
  });

  it('answers a repeat with the stored status, enqueuing it again only while it is PENDING', async () => {
    const { store, lines } = storage(T1);
    await orders.createPending(order, T0);
    await expect(store(order)).resolves.toEqual({ order_id: 'order-1', status: 'PENDING', duplicate: true, enqueue: true });
    await orders.markFulfilled('order-1', T0);
    await expect(store(order)).resolves.toEqual({ order_id: 'order-1', status: 'FULFILLED', duplicate: true, enqueue: false });
    await orders.createPending({ ...order, order_id: 'order-2' }, T0);
    await orders.markFailed('order-2', 'gave up', T0);
    await expect(store({ ...order, order_id: 'order-2' })).resolves.toEqual({ order_id: 'order-2', status: 'FAILED', duplicate: true, enqueue: false });
    expect(lines.map((line) => [line.order_id, line.status, line.enqueue])).toEqual([
      ['order-1', 'PENDING', true],
      ['order-1', 'FULFILLED', false],
      ['order-2', 'FAILED', false],
    ]);
    await expect(orders.get('order-1')).resolves.toMatchObject({ created_at: T0 });
  });

  it.each([
    ['another quantity', { quantity: 2 }],
    ['another item', { item: 'phone' }],
  ])('refuses the same order_id with %s, with the error the workflow catches, leaving the stored order alone', async (_, change) => {
    const { store, lines } = storage(T1);
    await store(order);
    const error = await rejection(store({ ...order, ...change }));
    expect(error).toBeInstanceOf(OrderConflictError);
    expect(error.name).toBe(WORKFLOW_ERRORS.conflict);
    expect(error.message).toContain('order-1');
    await expect(orders.get('order-1')).resolves.toMatchObject(order);
    // Two lines: the order stored, then the conflict; each names the order.
    expect(lines.map((line) => line.order_id)).toEqual(['order-1', 'order-1']);
    expect(new Set(lines.map((line) => line.outcome)).size).toBe(2);
  });

  it('tells apart in its log a stored order, a repeat and a conflict', async () => {
    const { store, lines } = storage();
    await store(order);
    await store(order);
    await rejection(store({ ...order, quantity: 3 }));
    const outcomes = lines.map((line) => line.outcome);
    expect(new Set(outcomes).size).toBe(3);
    for (const outcome of outcomes) expect(outcome).toMatch(/^[a-z-]+$/);
    for (const line of lines) expect(line.message).toMatch(/\w{3,}/);
  });

  it('refuses input that is not an order, storing nothing', async () => {
    const { store } = storage();
    const error = await rejection(store({ order_id: 'order-1', item: 'laptop' }));
    expect(error.name).toBe(WORKFLOW_ERRORS.validation);
    await expect(orders.get('order-1')).resolves.toBeUndefined();
  });
});

describe('Queue messages', () => {
  const record = (body: string) => ({ messageId: 'msg-7', body });

  it('reads the order a message carries', () => {
    expect(parseOrderMessage(record(JSON.stringify(order)))).toEqual(order);
  });

  it('names the message and tells a body that is not JSON from one that is not an order', () => {
    const refusal = (body: string) => {
      try {
        parseOrderMessage(record(body));
      } catch (error) {
        return error as MalformedMessageError;
      }
      throw new Error('expected a MalformedMessageError');
    };
    const notJson = refusal('{"order_id":');
    const notOrder = refusal('{"order_id":"order-1","quantity":"2"}');
    for (const error of [notJson, notOrder]) {
      expect(error).toBeInstanceOf(MalformedMessageError);
      expect(error.name).toBe(MalformedMessageError.name);
      expect(error.messageId).toBe('msg-7');
      expect(error.message).toContain('msg-7');
      expect(error.message).toContain(error.problem);
    }
    expect(notJson.problem).toMatch(/not JSON/);
    expect(notOrder.problem).toMatch(/not an order/);
    // Every field at fault, each problem set apart from the next.
    expect(notOrder.problem).toMatch(/item is required\W+quantity must be a number/);
  });
});

describe('Named errors', () => {
  // Bundles are minified: each error sets its name explicitly, which is what Lambda reports as errorType.
  it.each([
    [new ConfigurationError(['ORDERS_TABLE is required but not set']), ConfigurationError.name, 'ORDERS_TABLE is required but not set'],
    [new OrderConflictError('order-9'), OrderConflictError.name, 'order-9'],
    [new SimulatedFulfillmentError('order-9', 0.3), SimulatedFulfillmentError.name, 'FAILURE_THRESHOLD=0.3'],
    [new MalformedMessageError('msg-1', 'body is not JSON'), MalformedMessageError.name, 'msg-1: body is not JSON'],
    [new ValidationError([]), ValidationError.name, '"details":[]'],
  ])('%s is named after its class and says what happened', (error, name, text) => {
    expect(error.name).toBe(name);
    expect(error.message).toContain(text);
  });

  it('reads back only the well-formed details of a validation message, and nothing from anything else', () => {
    const message = JSON.stringify({
      error: 'Invalid order',
      details: [{ field: 'item', message: 'is required' }, { field: 1, message: 'x' }, { field: 'quantity' }, { message: 'no field' }, null, 'text'],
    });
    expect(ValidationError.detailsFromMessage(message)).toEqual([{ field: 'item', message: 'is required' }]);
    for (const other of ['null', '"text"', '42', '{"details":"item"}', '{"error":"x"}', '{"details":']) {
      expect(ValidationError.detailsFromMessage(other)).toBeUndefined();
    }
  });
});
