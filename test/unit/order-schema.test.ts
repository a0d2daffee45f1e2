import { ValidationError } from '../../lambdas/shared/errors';
import { parseOrder, parseOrderId } from '../../lambdas/shared/order';

function problemsOf(input: unknown): Record<string, string> {
  try {
    parseOrder(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).name).toBe('ValidationError');
    return Object.fromEntries((error as ValidationError).details.map((d) => [d.field, d.message]));
  }
  throw new Error('expected a ValidationError');
}

describe('Order schema', () => {
  it('accepts the seed order unchanged', () => {
    expect(parseOrder({ order_id: 'order-123', item: 'laptop', quantity: 1 })).toEqual({
      order_id: 'order-123',
      item: 'laptop',
      quantity: 1,
    });
  });

  it('accepts the boundaries: 64-character id, 200-character item, quantity 1000', () => {
    const order = { order_id: 'a'.repeat(64), item: 'x'.repeat(200), quantity: 1000 };
    expect(parseOrder(order)).toEqual(order);
  });

  it('names every bad field at once', () => {
    expect(problemsOf({ order_id: 'bad id', item: '', quantity: 0, colour: 'red' })).toEqual({
      order_id: 'may contain only letters, digits, "_" and "-"',
      item: 'must not be empty',
      quantity: 'must be at least 1',
      colour: 'is not an allowed field',
    });
  });

  it('says which fields are missing', () => {
    expect(problemsOf({})).toEqual({ order_id: 'is required', item: 'is required', quantity: 'is required' });
  });

  it.each([
    ['order_id empty', { order_id: '' }, 'order_id', 'must not be empty'],
    ['order_id too long', { order_id: 'a'.repeat(65) }, 'order_id', 'must be at most 64 characters'],
    ['order_id shaped like a path', { order_id: '../etc/passwd' }, 'order_id', 'may contain only letters, digits, "_" and "-"'],
    ['order_id a number', { order_id: 123 }, 'order_id', 'must be a string'],
    ['item a number', { item: 42 }, 'item', 'must be a string'],
    ['item present but undefined', { item: undefined }, 'item', 'is required'],
    ['item blank', { item: '   ' }, 'item', 'must not be empty'],
    ['item too long', { item: 'x'.repeat(201) }, 'item', 'must be at most 200 characters'],
    ['item with a control character', { item: 'lap\u0000top' }, 'item', 'must not contain control characters'],
    ['item with a newline', { item: 'lap\ntop' }, 'item', 'must not contain control characters'],
    ['item with U+FFFF, which SQS cannot carry', { item: 'lap\uFFFFtop' }, 'item', 'must be valid Unicode text'],
    ['item with an unpaired surrogate', { item: 'lap\uD800top' }, 'item', 'must be valid Unicode text'],
    ['quantity fractional', { quantity: 1.5 }, 'quantity', 'must be an integer'],
    ['quantity a string', { quantity: '1' }, 'quantity', 'must be a number'],
    ['quantity too large', { quantity: 1001 }, 'quantity', 'must be at most 1000'],
    ['quantity null', { quantity: null }, 'quantity', 'must be a number'],
  ])('rejects %s', (_, override, field, message) => {
    const problems = problemsOf({ order_id: 'order-1', item: 'laptop', quantity: 1, ...override });
    expect(problems).toEqual({ [field]: message });
  });

  it.each([[null], [[1, 2]], ['order'], [42]])('rejects a body that is not an object: %p', (body) => {
    expect(problemsOf(body)).toEqual({ body: 'must be a JSON object' });
  });

  // JSON Schema counts a string's length in code points; so does the order schema. The emoji 🛒 is one
  // code point and two UTF-16 units; "e" + U+0301 (a combining acute accent) is two code points.
  it.each([
    ['200 code points of astral characters (400 UTF-16 units)', '🛒'.repeat(200), true],
    ['201 code points of astral characters', '🛒'.repeat(201), false],
    ['199 ASCII + one astral (201 UTF-16 units, 200 code points)', `${'x'.repeat(199)}🛒`, true],
    ['100 letters with a combining accent each (200 code points)', 'e\u0301'.repeat(100), true],
    ['one more combining accent (201 code points)', `${'e\u0301'.repeat(100)}\u0301`, false],
    ['only a combining mark', '\u0301', true],
    ['the highest code point, U+10FFFF', 'box \u{10FFFF}', true],
  ])('item length: %s', (_, item, accepted) => {
    if (accepted) expect(parseOrder({ order_id: 'o-1', item, quantity: 1 }).item).toBe(item);
    else expect(problemsOf({ order_id: 'o-1', item, quantity: 1 })).toEqual({ item: 'must be at most 200 characters' });
  });

  it('accepts unicode item names', () => {
    expect(parseOrder({ order_id: 'o-1', item: 'ノートパソコン 💻', quantity: 2 }).item).toBe('ノートパソコン 💻');
  });
});

describe('parseOrderId', () => {
  it('accepts a valid id and rejects an invalid one with a ValidationError', () => {
    expect(parseOrderId('order_1-A')).toBe('order_1-A');
    expect(() => parseOrderId('a b')).toThrow(ValidationError);
  });

  it.each([
    ['a b', 'may contain only letters, digits, "_" and "-"'],
    ['', 'must not be empty'],
    ['a'.repeat(65), 'must be at most 64 characters'],
  ])('says why %p cannot be an order_id, as the order schema does', (id, message) => {
    let error: unknown;
    try {
      parseOrderId(id);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual([{ field: 'order_id', message }]);
    expect(JSON.parse((error as Error).message)).toEqual({ error: 'Invalid order_id', details: [{ field: 'order_id', message }] });
  });
});

describe('ValidationError', () => {
  it('carries its details through its message, which is all that crosses Step Functions', () => {
    const error = new ValidationError([{ field: 'item', message: 'is required' }]);
    expect(ValidationError.detailsFromMessage(error.message)).toEqual([{ field: 'item', message: 'is required' }]);
    expect(ValidationError.detailsFromMessage('not json')).toBeUndefined();
  });
});
