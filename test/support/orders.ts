/** A fixed clock for handler tests. */
export const fixedClock = () => '2026-01-01T00:00:00.000Z';

/** Orders with ids unique across the tests sharing one emulator. */
export function orderFactory(prefix: string, item: string, quantity: number) {
  let counter = 0;
  return () => ({ order_id: `${prefix}-${Date.now().toString(36)}-${(counter += 1)}`, item, quantity });
}
