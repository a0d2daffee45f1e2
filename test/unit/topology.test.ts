import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ACCESS_LOG_FIELDS } from '../../topology/api';
import { FUNCTION_KEYS, FUNCTIONS, LAMBDA_LOGGING } from '../../topology/functions';
import { resourceName } from '../../topology/names';
import {
  DLQ_RETENTION_SECONDS,
  MAX_RECEIVE_COUNT,
  MAXIMUM_MESSAGE_SIZE_BYTES,
  ORDER_DLQ,
  ORDER_DLQ_EVENT_SOURCE,
  ORDER_QUEUE,
  ORDER_QUEUE_EVENT_SOURCE,
  ORDER_QUEUE_RETENTION_SECONDS,
  QUEUE_CONSUMERS,
  redrivePolicy,
} from '../../topology/queues';
import { DEPLOYED_PENDING_SWEEP, PENDING_REDRIVE_AFTER_SECONDS, PENDING_SWEEP_SCHEDULE, pendingSweepTiming } from '../../topology/recovery';
import { FAILED_ORDERS_TABLE, keyAttributes, ORDERS_TABLE, TABLES } from '../../topology/tables';
import { WORKFLOW_TIMEOUT_SECONDS } from '../../topology/workflow';

/**
 * The topology's settings against what the README promises and what AWS documents for them. (Whether
 * the tables, queues and grants work with the handlers is shown by the tests that run the handlers.)
 */
const DAY = 24 * 60 * 60;

describe('Resource names (README: dofs-<env>-<seed name>)', () => {
  it('names every resource after the project, the environment and the seed\'s name', () => {
    expect(resourceName('dev', ORDERS_TABLE.baseName)).toBe('dofs-dev-orders');
    expect(resourceName('prod', FAILED_ORDERS_TABLE.baseName)).toBe('dofs-prod-failed_orders');
    expect(resourceName('dev', ORDER_QUEUE.baseName)).toBe('dofs-dev-order_queue');
    expect(resourceName('dev', ORDER_DLQ.baseName)).toBe('dofs-dev-order_dlq');
  });
});

describe('Tables', () => {
  it('keys both seed tables on order_id, a string', () => {
    expect(TABLES.map((table) => [table.baseName, table.partitionKey])).toEqual([
      ['orders', { name: 'order_id', type: 'S' }],
      ['failed_orders', { name: 'order_id', type: 'S' }],
    ]);
  });

  it('defines each key attribute once (CreateTable refuses an attribute defined twice)', () => {
    const table = {
      baseName: 't',
      partitionKey: { name: 'id', type: 'S' as const },
      indexes: [
        { name: 'a', partitionKey: { name: 'kind', type: 'S' as const }, sortKey: { name: 'id', type: 'S' as const }, projected: [] },
        { name: 'b', partitionKey: { name: 'kind', type: 'S' as const }, sortKey: { name: 'at', type: 'S' as const }, projected: [] },
      ],
    };
    expect(keyAttributes(table).map((attribute) => attribute.name)).toEqual(['id', 'kind', 'at']);
    expect(keyAttributes(FAILED_ORDERS_TABLE)).toEqual([{ name: 'order_id', type: 'S' }]);
    const orders = keyAttributes(ORDERS_TABLE).map((attribute) => attribute.name);
    expect(orders[0]).toBe('order_id');
    expect(new Set(orders).size).toBe(orders.length);
  });
});

describe('Queues (README: order_queue -> order_dlq after 3 receives; visibility 6x the consumer\'s timeout; DLQ keeps 14 days)', () => {
  it('redrives to the DLQ after 3 receives, in the RedrivePolicy format SQS reads', () => {
    const arn = 'arn:aws:sqs:us-east-1:123456789012:dofs-dev-order_dlq';
    expect(JSON.parse(redrivePolicy(arn))).toEqual({ deadLetterTargetArn: arn, maxReceiveCount: 3 });
    expect(MAX_RECEIVE_COUNT).toBe(3);
  });

  it('gives each queue a visibility timeout of at least 6 times its consumer\'s timeout (AWS Lambda SQS guidance), within SQS\'s 12 hours', () => {
    for (const { queue, consumer } of QUEUE_CONSUMERS) {
      expect(queue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * FUNCTIONS[consumer].timeoutSeconds);
      expect(queue.visibilityTimeoutSeconds).toBeLessThanOrEqual(12 * 60 * 60);
    }
    // README: visibility 60 s (6x fulfill_order's 10 s).
    expect(FUNCTIONS.fulfill_order.timeoutSeconds).toBe(10);
    expect(ORDER_QUEUE.visibilityTimeoutSeconds).toBe(60);
  });

  it('keeps messages on the DLQ for 14 days, SQS\'s maximum, and on order_queue for SQS\'s default 4 days, less than the DLQ', () => {
    expect(DLQ_RETENTION_SECONDS).toBe(1_209_600);
    expect(ORDER_DLQ.messageRetentionSeconds).toBe(14 * DAY);
    expect(ORDER_QUEUE_RETENTION_SECONDS).toBe(345_600);
    expect(ORDER_QUEUE.messageRetentionSeconds).toBe(4 * DAY);
    expect(ORDER_QUEUE.messageRetentionSeconds).toBeLessThan(ORDER_DLQ.messageRetentionSeconds);
  });

  it('takes messages up to 256 KiB: far above an order, within what SQS accepts (1 KiB to 1 MiB)', () => {
    expect(MAXIMUM_MESSAGE_SIZE_BYTES).toBe(262_144);
    // The largest order the schema accepts: a 64-character id and 200 code points of 4 UTF-8 bytes each.
    const largest = Buffer.byteLength(JSON.stringify({ order_id: 'a'.repeat(64), item: '\u{1F6D2}'.repeat(200), quantity: 1000 }));
    for (const queue of [ORDER_QUEUE, ORDER_DLQ]) {
      expect(queue.maximumMessageSizeBytes).toBeGreaterThan(largest);
      expect(queue.maximumMessageSizeBytes).toBeGreaterThanOrEqual(1024);
      expect(queue.maximumMessageSizeBytes).toBeLessThanOrEqual(1024 * 1024);
    }
  });

  it('drains order_queue with fulfill_order and order_dlq with dlq_handler, in batches Lambda accepts without a batching window', () => {
    expect(QUEUE_CONSUMERS.map((consumer) => [consumer.queue.baseName, consumer.consumer])).toEqual([
      ['order_queue', 'fulfill_order'],
      ['order_dlq', 'dlq_handler'],
    ]);
    expect(QUEUE_CONSUMERS.map((consumer) => consumer.eventSource)).toEqual([ORDER_QUEUE_EVENT_SOURCE, ORDER_DLQ_EVENT_SOURCE]);
    for (const { eventSource } of QUEUE_CONSUMERS) {
      // Above 10 records a batch needs a batching window of at least 1 s; MaximumConcurrency is 2 to 1000.
      expect(eventSource.maximumBatchingWindowSeconds).toBe(0);
      expect(eventSource.batchSize).toBeGreaterThanOrEqual(1);
      expect(eventSource.batchSize).toBeLessThanOrEqual(10);
      expect(eventSource.maximumConcurrency).toBeGreaterThanOrEqual(2);
      expect(eventSource.maximumConcurrency).toBeLessThanOrEqual(1000);
    }
  });
});

describe('Recovery (README: on AWS every 5 minutes, orders untouched for 15; locally 30 s, every 10 s)', () => {
  it('sweeps every 5 minutes on AWS for orders untouched for 15 minutes', () => {
    expect(PENDING_SWEEP_SCHEDULE).toBe('rate(5 minutes)');
    expect(DEPLOYED_PENDING_SWEEP).toEqual({ everySeconds: 300, redriveAfterSeconds: 900 });
    expect(PENDING_REDRIVE_AFTER_SECONDS).toBe(900);
  });

  it('scales with the visibility timeout: the local default of 2 s sweeps every 10 s for orders untouched for 30 s', () => {
    expect(pendingSweepTiming(2)).toEqual({ everySeconds: 10, redriveAfterSeconds: 30 });
  });
});

describe('Functions', () => {
  it('declares the six functions, each under its own key, and the build finds exactly these entry points', () => {
    expect([...FUNCTION_KEYS].sort()).toEqual(['api_handler', 'dlq_handler', 'fulfill_order', 'order_storage', 'pending_sweeper', 'validator']);
    for (const key of FUNCTION_KEYS) expect(FUNCTIONS[key].key).toBe(key);
    // scripts/build.mjs bundles every lambdas/<folder>/index.ts: no function without a bundle, no bundle without a function.
    const root = join(__dirname, '..', '..', 'lambdas');
    const entryFolders = readdirSync(root).filter((folder) => existsSync(join(root, folder, 'index.ts')));
    expect(entryFolders.sort()).toEqual([...FUNCTION_KEYS].sort());
  });

  it('describes each function in words, within Lambda\'s 256 characters', () => {
    const descriptions = FUNCTION_KEYS.map((key) => FUNCTIONS[key].description);
    for (const description of descriptions) {
      expect(description).toMatch(/\w+ \w+/);
      expect(description.length).toBeLessThanOrEqual(256);
    }
    expect(new Set(descriptions).size).toBe(descriptions.length);
  });

  it('lets api_handler wait for the workflow, within the 30 s an HTTP API waits for its integration', () => {
    expect(FUNCTIONS.api_handler.timeoutSeconds).toBeGreaterThan(WORKFLOW_TIMEOUT_SECONDS);
    expect(FUNCTIONS.api_handler.timeoutSeconds).toBeLessThan(30);
  });

  it('logs JSON at INFO and drops the platform\'s per-invocation lines (system log level WARN)', () => {
    expect(LAMBDA_LOGGING).toEqual({ logFormat: 'JSON', applicationLogLevel: 'INFO', systemLogLevel: 'WARN' });
  });
});

describe('The HTTP API access log', () => {
  it('logs documented $context variables only, with the request id, route, status and latency', () => {
    const values = Object.values(ACCESS_LOG_FIELDS);
    for (const value of values) expect(value).toMatch(/^\$context\.[a-zA-Z]+(\.[a-zA-Z]+)*$/);
    expect(new Set(values).size).toBe(values.length);
    expect(values).toEqual(expect.arrayContaining(['$context.requestId', '$context.routeKey', '$context.status', '$context.responseLatency']));
    // No request bodies or headers: no order data and no tokens in the logs.
    expect(values.some((value) => /header|body/i.test(value))).toBe(false);
  });
});
