import { createApiHandler } from '../../lambdas/api_handler/handler';
import type { OrderWorkflow, WorkflowOutcome } from '../../lambdas/api_handler/workflow-client';
import type { Clock } from '../../lambdas/shared/clock';
import type { OrderRecord } from '../../lambdas/shared/order';
import { captureLogger } from './logger';
import { testMetrics } from './metrics';

/** When the fixture's api_handler says the request arrived, unless a test passes its own clock. */
export const ARRIVED = '2026-01-01T00:00:05.000Z';

export const ACCEPTED = { kind: 'accepted', orderId: 'order-123', status: 'PENDING', duplicate: false } as const satisfies WorkflowOutcome;

export interface ApiHandlerSetup {
  /** What the workflow answers (or throws). */
  outcome?: WorkflowOutcome | Error;
  /** What the orders table holds for any order_id looked up (or throws). */
  stored?: OrderRecord | Error;
  clock?: Clock;
}

/**
 * api_handler over a scripted workflow and orders table, with a capturing logger: what it submitted,
 * what it looked up, and what it logged.
 */
export function apiHandlerFixture({ outcome = ACCEPTED, stored, clock = () => ARRIVED }: ApiHandlerSetup = {}) {
  const submitted: unknown[] = [];
  const lookedUp: string[] = [];
  const workflow: OrderWorkflow = {
    submit: async (order) => {
      submitted.push(order);
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  };
  const orders = {
    get: async (orderId: string) => {
      lookedUp.push(orderId);
      if (stored instanceof Error) throw stored;
      return stored;
    },
  };
  const { logger, lines } = captureLogger();
  const handler = createApiHandler({ workflow, orders, logger, metrics: testMetrics(), clock });
  return { handler, submitted, lookedUp, lines, requestLine: () => lines.find((line) => line.message === 'request')! };
}

