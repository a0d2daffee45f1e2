/** Reliability suites run a fast profile inside `npm test` and a full one behind their own npm scripts. */
export const FULL = process.env.DOFS_PROFILE === 'full';

export function pick<T>(fast: T, full: T): T {
  return FULL ? full : fast;
}
