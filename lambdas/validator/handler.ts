import type { Logger } from '../shared/logger';
import { ValidationError } from '../shared/errors';
import { parseOrder, type Order } from '../shared/order';

export interface ValidatorDeps {
  readonly logger: Logger;
}

/**
 * Step Functions task: the raw order in, the validated order out. A ValidationError fails the task;
 * the workflow catches it by name and ends in its RejectInvalidOrder Fail state.
 */
export function createValidatorHandler({ logger }: ValidatorDeps) {
  return async (event: unknown): Promise<Order> => {
    try {
      const order = parseOrder(event);
      logger.info('order validated', { order_id: order.order_id, outcome: 'valid' });
      return order;
    } catch (error) {
      if (error instanceof ValidationError) {
        logger.info('order rejected', { outcome: 'invalid', fields: error.details.map((d) => d.field) });
      }
      throw error;
    }
  };
}
