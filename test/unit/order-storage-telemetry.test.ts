import { createOrderStorageHandler } from '../../lambdas/order_storage/handler';
import { OrderRepository } from '../../lambdas/shared/order-repository';
import { useInProcessDynamoDb } from '../support/in-process-dynamodb';
import { lambdaContext } from '../support/lambda-context';
import { captureLogger } from '../support/logger';

const T0 = '2026-01-01T00:00:00.000Z';
const order = { order_id: 'order-1', item: 'laptop', quantity: 1 };

describe('order_storage: what every log line carries (in-process dynalite)', () => {
  const dynamo = useInProcessDynamoDb();

  it('carries the request id, the cold-start flag and the order_id, whichever way the order was stored', async () => {
    const orders = new OrderRepository(dynamo.db, (await dynamo.newTables()).ordersTable);
    const { logger, lines } = captureLogger();
    const store = createOrderStorageHandler({ orders, clock: () => T0, logger });
    await store(order, lambdaContext('dofs-dev-order_storage', 'request-1'));
    await store(order, lambdaContext('dofs-dev-order_storage', 'request-2'));
    await expect(store({ ...order, quantity: 2 }, lambdaContext('dofs-dev-order_storage', 'request-3'))).rejects.toThrow();
    expect(lines.map((line) => [line.outcome, line.function_request_id, line.cold_start, line.order_id])).toEqual([
      ['stored', 'request-1', true, 'order-1'],
      ['duplicate', 'request-2', false, 'order-1'],
      ['conflict', 'request-3', false, 'order-1'],
    ]);
    // A new order's line is DEBUG (its api_handler line says it was accepted); a duplicate or a conflict is news.
    expect(lines.map((line) => line.level)).toEqual(['DEBUG', 'INFO', 'INFO']);
    for (const key of ['function_arn', 'function_name', 'function_memory_size', 'sampling_rate', 'xray_trace_id']) expect(lines[0]).not.toHaveProperty(key);
  });
});
