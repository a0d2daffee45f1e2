/**
 * The Lambda functions, with their sizes and timeouts. Each key names its folder: lambdas/<key>/index.ts
 * is its entry point, which is how scripts/build.mjs finds the bundles (a unit test holds the two to the
 * same set). The stacks and the local runtime read this list, so a timeout changed here changes the
 * queue visibility timeout too.
 */
export type FunctionKey = 'api_handler' | 'validator' | 'order_storage' | 'fulfill_order' | 'dlq_handler' | 'pending_sweeper';

export interface FunctionDefinition {
  readonly key: FunctionKey;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly description: string;
}

function define(key: FunctionKey, timeoutSeconds: number, memoryMb: number, description: string): FunctionDefinition {
  return { key, timeoutSeconds, memoryMb, description };
}

export const FUNCTIONS: Readonly<Record<FunctionKey, FunctionDefinition>> = {
  // Waits for the synchronous Express execution, whose own timeout is below this one.
  api_handler: define('api_handler', 29, 256, 'HTTP API: POST /orders, GET /orders/{order_id}'),
  validator: define('validator', 5, 128, 'Validates an order against the order schema'),
  order_storage: define('order_storage', 5, 128, 'Stores a PENDING order idempotently'),
  fulfill_order: define('fulfill_order', 10, 128, 'Fulfills orders from order_queue (partial batch failures)'),
  dlq_handler: define('dlq_handler', 10, 128, 'Records orders from order_dlq in failed_orders'),
  pending_sweeper: define('pending_sweeper', 60, 128, 'Re-sends orders left PENDING (an enqueue that never happened) to order_queue'),
};

export const FUNCTION_KEYS = Object.keys(FUNCTIONS) as FunctionKey[];

/**
 * Lambda's advanced logging controls for every function. The handlers write JSON lines (Powertools);
 * WARN for the platform drops the START, END and REPORT lines Lambda adds to each invocation (about
 * 420 bytes each, 60 % of the log bytes an order makes: bench/README.md). Durations and memory stay
 * in Lambda's CloudWatch metrics and in X-Ray.
 */
export const LAMBDA_LOGGING = { logFormat: 'JSON', applicationLogLevel: 'INFO', systemLogLevel: 'WARN' } as const;
