/** Wall-clock time as an ISO-8601 string; injected so tests can pin it. */
export type Clock = () => string;

export const systemClock: Clock = () => new Date().toISOString();
