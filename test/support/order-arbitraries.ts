import fc from 'fast-check';
import { ITEM_MAX_LENGTH, ORDER_ID_MAX_LENGTH, QUANTITY_MAX, QUANTITY_MIN } from '../../lambdas/shared/order';

/**
 * Valid orders drawn from the whole space the schema allows: items from every code point SQS carries
 * and the schema accepts (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html),
 * lengths at the boundaries in code points and in UTF-16 units, combining marks, every quantity bound.
 * The end-to-end property test sends them as they are; the fuzz suite breaks one field of each.
 */
const codePoint = (from: number, to: number) => fc.integer({ min: from, max: to });
/** Combining marks, in the BMP and beyond it (musical symbols, variation selectors supplement). */
const COMBINING = [
  [0x0300, 0x036f],
  [0x1ab0, 0x1aff],
  [0x20d0, 0x20ff],
  [0xfe20, 0xfe2f],
  [0x1d165, 0x1d169],
  [0xe0100, 0xe01ef],
] as const;
/** Code points at the edges of what SQS carries, and the ones that break naive text handling. */
const EDGES = [0x20, 0xa0, 0xd7ff, 0xe000, 0xfdd0, 0xfeff, 0xfffd, 0x10000, 0x1fffe, 0x10ffff, 0x200d, 0x202e, 0x2028, 0x2029, 0x3000, 0x22, 0x5c];

const itemCodePoint = fc.oneof(
  { weight: 3, arbitrary: codePoint(0x20, 0x7e) },
  // The BMP above the C1 controls, without the surrogates (shifted past them) and U+FFFE/U+FFFF.
  { weight: 3, arbitrary: codePoint(0xa0, 0xfffd - 0x800).map((cp) => (cp >= 0xd800 ? cp + 0x800 : cp)) },
  { weight: 3, arbitrary: codePoint(0x10000, 0x10ffff) },
  { weight: 2, arbitrary: fc.constantFrom(...COMBINING).chain(([from, to]) => codePoint(from, to)) },
  { weight: 1, arbitrary: fc.constantFrom(...EDGES) },
);
const itemUnit = itemCodePoint.map((cp) => String.fromCodePoint(cp));
const astralUnit = codePoint(0x10000, 0x10ffff).map((cp) => String.fromCodePoint(cp));

export const item = fc
  .oneof(
    fc.string({ unit: itemUnit, minLength: 1, maxLength: ITEM_MAX_LENGTH }),
    // The boundaries: one code point, and exactly the maximum in code points...
    fc.string({ unit: itemUnit, minLength: 1, maxLength: 1 }),
    fc.string({ unit: itemUnit, minLength: ITEM_MAX_LENGTH, maxLength: ITEM_MAX_LENGTH }),
    // ...all of them astral (twice as many UTF-16 units as code points)...
    fc.string({ unit: astralUnit, minLength: ITEM_MAX_LENGTH, maxLength: ITEM_MAX_LENGTH }),
    // ...and exactly the maximum in UTF-16 units, with astral characters among them.
    fc.tuple(fc.string({ unit: astralUnit, minLength: 1, maxLength: ITEM_MAX_LENGTH / 2 })).map(([astral]) => `${'x'.repeat(ITEM_MAX_LENGTH - astral.length)}${astral}`),
    // A letter followed by a run of combining marks.
    fc.tuple(itemUnit, fc.string({ unit: fc.constantFrom(...COMBINING).chain(([from, to]) => codePoint(from, to)).map((cp) => String.fromCodePoint(cp)), minLength: 1, maxLength: ITEM_MAX_LENGTH - 1 })).map(([base, marks]) => base + marks),
  )
  .filter((text) => text.trim().length > 0);

const orderId = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
  fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${ORDER_ID_MAX_LENGTH}}$`)),
  fc.stringMatching(/^[A-Za-z0-9_-]$/),
);

const quantity = fc.oneof(fc.constantFrom(QUANTITY_MIN, QUANTITY_MIN + 1, QUANTITY_MAX - 1, QUANTITY_MAX), fc.integer({ min: QUANTITY_MIN, max: QUANTITY_MAX }));

export const validOrder = fc.record({ order_id: orderId, item, quantity });
