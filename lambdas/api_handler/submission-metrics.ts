import type { MetricKey } from '../../topology/metrics';
import { count, type Metrics } from '../shared/metrics';

/**
 * What each answer to POST /orders counts (topology/metrics.ts), by the status the client was given:
 * the metrics' meanings are the API's outcomes, so a metric and the response can never disagree, and
 * each submission counts once. 413 and 415 refuse the client's submission as 400 does, for what it is
 * rather than what it says. A 500 (a fault of this code, not of a dependency) is in none of them.
 */
const BY_STATUS: Readonly<Record<number, readonly [MetricKey, string?]>> = {
  202: ['ordersAccepted'],
  200: ['ordersDuplicated'],
  400: ['ordersRejected', 'invalid'],
  413: ['ordersRejected', 'invalid'],
  415: ['ordersRejected', 'invalid'],
  409: ['ordersRejected', 'conflict'],
  502: ['ordersNotAccepted', 'workflow_failed'],
  503: ['ordersNotAccepted', 'unavailable'],
};

export function countSubmission(metrics: Metrics, statusCode: number): void {
  const counted = BY_STATUS[statusCode];
  if (counted) count(metrics, ...counted);
}
