import { parseOrder, type Order } from '../shared/order';

/**
 * Step Functions task: the raw order in, the validated order out. A ValidationError fails the task;
 * the workflow catches it by name and ends in its RejectInvalidOrder Fail state.
 *
 * It writes no log line: api_handler's request line already records the outcome and the invalid
 * fields of every order, and without a logger this function starts in half the time (bench/README.md).
 */
export function createValidatorHandler() {
  return async (event: unknown): Promise<Order> => parseOrder(event);
}
