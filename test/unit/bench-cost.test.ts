import { costOf, DESIGNS, sampleAccessLogLine } from '../../bench/cost';
import type { OrderFootprint } from '../../bench/pipeline';
import { percentile } from '../../cli/stats';

// One order as the local runtime counts it at one client (the shape `npm run bench` measures).
const footprint: OrderFootprint = {
  orders: 100,
  requestsPerOrder: { dynamodb: { PutItem: 1, UpdateItem: 1 }, sqs: { SendMessage: 1, ReceiveMessage: 7.5, DeleteMessageBatch: 1 } },
  invocationsPerOrder: { api_handler: 1, validator: 1, order_storage: 1, fulfill_order: 1 },
  meanDurationMs: {},
  logBytesPerInvocation: { api_handler: 250, order_storage: 190, fulfill_order: 210 },
  logLinesPerInvocation: { api_handler: 1, order_storage: 1, fulfill_order: 1 },
  transitionsPerExecution: 5,
  executionMs: 40,
  cpuMsPerOrder: 10,
};

const [express, standard, standardX86] = DESIGNS.map((design) => costOf(design, footprint));
const line = (cost: typeof express, component: string) => cost!.lines.find((l) => l.component === component)!;

describe('Benchmark: cost per million orders', () => {
  it('prices a 5-transition Standard workflow at $125 per million orders on its own', () => {
    expect(line(standard, 'Step Functions').usdPerMillion).toBeCloseTo(125, 6);
  });

  it('prices the Express workflow by request and 100 ms x 64 MB steps', () => {
    // $1 per million requests + 0.0625 GB x 0.2 s x $0.00001667 per GB-s.
    expect(line(express, 'Step Functions').usdPerMillion).toBeCloseTo(1 + 0.0625 * 0.2 * 16.67, 2);
  });

  it('counts write units for the table and its by_status index: 2 for the put, 3 for the status update', () => {
    expect(line(express, 'DynamoDB writes').perOrder).toBe('5 WRU');
  });

  it('charges one receive per delete batch, not the idle long polls', () => {
    expect(line(express, 'SQS').perOrder).toBe('3 requests');
  });

  it('counts log bytes with the 26-byte event overhead and no platform lines at system log level WARN', () => {
    const accessLog = Buffer.byteLength(sampleAccessLogLine()) + 1 + 26;
    const handlers = 250 + 190 + 210 + 3 * 26;
    expect(line(express, 'CloudWatch Logs').perOrder).toBe(`${Math.round(((accessLog + handlers) / 1024) * 100) / 100} KB`);
  });

  it('keeps DOFS under $9 and x86 dearer than arm64 for the same design', () => {
    expect(express!.usdPerMillion).toBeLessThan(9);
    expect(standardX86!.usdPerMillion).toBeGreaterThan(standard!.usdPerMillion);
  });
});

describe('Benchmark: percentiles', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect([percentile(values, 50), percentile(values, 99), percentile(values, 100)]).toEqual([50, 99, 100]);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});
