import { createFulfillOrderHandler } from '../../lambdas/fulfill_order/handler';
import { createLogger, injectLambdaContext } from '../../lambdas/shared/logger';
import { count, createMetrics, logMetrics, record, recordCompletionTime, UndeclaredMetricError } from '../../lambdas/shared/metrics';
import type { OrderRecord } from '../../lambdas/shared/order';
import { lambdaContext } from '../support/lambda-context';
import { asOnDemandLambda, captureLogger } from '../support/logger';
import { businessMetric, metricsIn, testMetrics, useEmfCapture, useStdoutCapture } from '../support/metrics';
import { sqsEvent, sqsRecord } from '../support/sqs-events';

describe('count and record: only what topology/metrics.ts declares', () => {
  const emf = useEmfCapture();

  it.each<[string, () => void, RegExp]>([
    ['a dimension value the metric does not declare', () => count(testMetrics(), 'ordersRejected', 'throttled'), /OrdersRejected needs its reason dimension, one of invalid, conflict \(got "throttled"\)/],
    ['no value for a declared dimension', () => count(testMetrics(), 'ordersNotAccepted'), /OrdersNotAccepted needs its reason dimension/],
    ['a dimension on a metric declared without one', () => count(testMetrics(), 'ordersAccepted', 'invalid'), /OrdersAccepted is declared without a dimension/],
    ['a count of a metric that is not a count', () => count(testMetrics(), 'timeToFulfilled'), /TimeToFulfilled is not a count/],
  ])('refuses %s, by name, and prints nothing', (_, emit, message) => {
    expect(emit).toThrow(message);
    expect(emit).toThrow(UndeclaredMetricError);
    expect(() => emit()).toThrow(expect.objectContaining({ name: 'UndeclaredMetricError' }) as Error);
    expect(emf.lines()).toEqual([]);
  });

  it('records a value in the declared unit: a dimensioned metric at once on its own line, any other with the invocation\'s', () => {
    const metrics = testMetrics();
    record(metrics, 'ordersRejected', 1, 'invalid');
    expect(emf.emitted()).toEqual([businessMetric('OrdersRejected', 'Count', [1], { reason: 'invalid' })]);
    record(metrics, 'timeToFailed', 1234);
    count(metrics, 'ordersFailed');
    // A plain metric waits for the invocation's end (logMetrics), then shares its one line.
    expect(emf.lines()).toHaveLength(1);
    metrics.publishStoredMetrics();
    expect(emf.lines()).toHaveLength(2);
    expect(metricsIn(emf.lines().slice(1))).toEqual([businessMetric('TimeToFailed', 'Milliseconds', [1234]), businessMetric('OrdersFailed', 'Count', [1])]);
  });

  it.each<[string, string | undefined, string, number[]]>([
    ['the time from created_at', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.500Z', [1500]],
    ['0 when the other function\'s clock ran a little ahead', '2026-01-01T00:00:00.010Z', '2026-01-01T00:00:00.000Z', [0]],
    ['nothing without a created_at', undefined, '2026-01-01T00:00:00.000Z', []],
    ['nothing for a created_at that is no time', 'yesterday', '2026-01-01T00:00:00.000Z', []],
  ])('records as TimeToFulfilled or TimeToFailed %s, with the invocation\'s other metrics', (_, createdAt, completedAt, values) => {
    for (const [key, name] of [['timeToFulfilled', 'TimeToFulfilled'], ['timeToFailed', 'TimeToFailed']] as const) {
      const metrics = testMetrics();
      const before = emf.lines().length;
      recordCompletionTime(metrics, key, createdAt, completedAt);
      // Stored, not printed at once: no line of its own.
      expect(emf.lines()).toHaveLength(before);
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      expect(metricsIn(emf.lines().slice(before))).toEqual(values.length > 0 ? [businessMetric(name, 'Milliseconds', values)] : []);
    }
  });
});

describe('logMetrics: one flush per invocation', () => {
  const emf = useEmfCapture();

  it('prints what the invocation stored once when it ends, and again only what the next one stored', async () => {
    const metrics = testMetrics();
    const printedDuring: number[] = [];
    const handler = logMetrics(metrics, async (orders: number) => {
      const before = emf.lines().length;
      for (let n = 0; n < orders; n += 1) count(metrics, 'ordersAccepted');
      printedDuring.push(emf.lines().length - before);
    });
    await handler(2);
    await handler(1);
    expect(printedDuring).toEqual([0, 0]);
    expect(emf.emitted()).toEqual([businessMetric('OrdersAccepted', 'Count', [1, 1]), businessMetric('OrdersAccepted', 'Count', [1])]);
  });

  it('prints what was stored when the invocation throws', async () => {
    const metrics = testMetrics();
    const failing = logMetrics(metrics, async () => {
      count(metrics, 'fulfillmentAttemptsFailed');
      throw new Error('boom');
    });
    await expect(failing()).rejects.toThrow('boom');
    expect(emf.emitted()).toEqual([businessMetric('FulfillmentAttemptsFailed', 'Count', [1])]);
  });

  it('prints nothing, and warns of nothing, for an invocation that stored nothing', async () => {
    const { logger, lines } = captureLogger();
    await logMetrics(createMetrics('test', logger), async () => undefined)();
    expect(emf.lines()).toEqual([]);
    expect(lines).toEqual([]);
  });

  it("sends Powertools' own warnings to the function's logger, as JSON lines", () => {
    const { logger, lines } = captureLogger();
    createMetrics('test', logger).addDimension('reason', '');
    expect(lines).toEqual([expect.objectContaining({ level: 'WARN', message: expect.stringContaining('reason') })]);
  });
});

describe('injectLambdaContext: the request keys of an invocation, and only of it', () => {
  it('adds the context to every line and clears the appended keys when the invocation throws', async () => {
    const { logger, lines } = captureLogger();
    const handler = injectLambdaContext(
      logger,
      async (event: { id: string }) => {
        logger.appendKeys({ noted: true });
        logger.info('working');
        throw new Error(event.id);
      },
      { correlationId: (event) => event.id },
    );
    await expect(handler({ id: 'c-1' }, lambdaContext('f', 'request-1'))).rejects.toThrow('c-1');
    logger.info('after');
    expect(lines).toEqual([
      expect.objectContaining({ message: 'working', function_request_id: 'request-1', cold_start: true, correlation_id: 'c-1', noted: true }),
      expect.not.objectContaining({ correlation_id: expect.anything() }),
    ]);
    expect(lines[1]).not.toHaveProperty('noted');
  });

  it('sets no correlation_id when the event carries none', async () => {
    const { logger, lines } = captureLogger();
    await injectLambdaContext(logger, async () => logger.info('working'), { correlationId: () => undefined })({}, lambdaContext('f'));
    expect(lines[0]).not.toHaveProperty('correlation_id');
  });
});

describe('what a deployed function prints (the production logger and metrics, to stdout)', () => {
  const stdout = useStdoutCapture();

  it('prints JSON lines only: Powertools log lines with the request keys, and EMF lines', async () => {
    const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    process.env._X_AMZN_TRACE_ID = trace;
    try {
      const logger = asOnDemandLambda(() => createLogger('fulfill_order'));
      logger.setLogLevel('INFO');
      const fulfilled: OrderRecord = { order_id: 'o-1', item: 'laptop', quantity: 1, status: 'FULFILLED', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:02.000Z', attempts: 0 };
      const handler = createFulfillOrderHandler({
        orders: { fulfillPending: async () => fulfilled, recordFailedAttempt: async () => true },
        failureThreshold: 1,
        clock: () => '2026-01-01T00:00:02.000Z',
        logger,
        metrics: createMetrics('dev', logger),
      });
      await handler(sqsEvent(sqsRecord({ order_id: 'o-1', item: 'laptop', quantity: 1 }, 'm-1')), lambdaContext('dofs-dev-fulfill_order', 'request-1'));
    } finally {
      delete process.env._X_AMZN_TRACE_ID;
    }
    const lines = stdout.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => !('_aws' in line))).toEqual([
      {
        level: 'INFO',
        message: 'order fulfilled',
        timestamp: expect.any(String),
        service: 'dofs',
        cold_start: true,
        // Not function_arn, function_name, function_memory_size, sampling_rate or xray_trace_id (even when
        // traced): CloudWatch knows them or they point nowhere (lambdas/shared/log-formatter.ts).
        function_request_id: 'request-1',
        function: 'fulfill_order',
        order_id: 'o-1',
        receive_count: 1,
        outcome: 'fulfilled',
      },
    ]);
    // One EMF line for the fulfilled order: both of its metrics, with the dimensions service and environment only.
    const emfLines = stdout.lines().filter((line) => '_aws' in (JSON.parse(line) as Record<string, unknown>));
    expect(emfLines).toHaveLength(1);
    expect(metricsIn(emfLines)).toEqual([
      { ...businessMetric('OrdersFulfilled', 'Count', [1]), dimensions: { service: 'dofs', environment: 'dev' } },
      { ...businessMetric('TimeToFulfilled', 'Milliseconds', [2000]), dimensions: { service: 'dofs', environment: 'dev' } },
    ]);
  });
});
