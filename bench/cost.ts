import { ACCESS_LOG_FIELDS } from '../topology/api';
import { FUNCTIONS, LAMBDA_LOGGING, type FunctionKey } from '../topology/functions';
import { ORDERS_TABLE } from '../topology/tables';
import type { OrderFootprint } from './pipeline';
import { BILLING_RULES, PRICES } from './prices';
import { round } from '../cli/stats';

export const COST_TARGET_USD_PER_MILLION = 9;

/**
 * What the local runtime cannot measure: how long each function runs on AWS (warm, 1 ms billing).
 * api_handler waits for the synchronous workflow (two Lambda invocations, a DynamoDB write and an SQS
 * send); with a Standard workflow it only starts the execution.
 */
export const AWS_DURATION_ASSUMPTIONS_MS = {
  api_handler: { express: 150, standard: 40 },
  validator: 3,
  order_storage: 20,
  fulfill_order: 25,
  expressExecution: 130,
} as const;

/** Lambda's platform lines per invocation (START, END, REPORT with X-Ray), logged at INFO. */
const REQUEST_ID = '6f6c2a52-5f0e-4b4e-9a5d-1c2b3d4e5f60';
export const PLATFORM_LOG_LINES = [
  `START RequestId: ${REQUEST_ID} Version: $LATEST`,
  `END RequestId: ${REQUEST_ID}`,
  `REPORT RequestId: ${REQUEST_ID}\tDuration: 24.52 ms\tBilled Duration: 25 ms\tMemory Size: 128 MB\tMax Memory Used: 91 MB\t\nXRAY TraceId: 1-6743a1b2-0a1b2c3d4e5f60718293a4b5\tSegmentId: 0a1b2c3d4e5f6071\tSampled: true\t`,
];

/** The HTTP API access log line for one POST, with typical values in the stage's format. */
export function sampleAccessLogLine(): string {
  const sample: Record<string, string> = {
    requestId: 'BkZ1oiXeIAMEVmQ=',
    ip: '203.0.113.10',
    requestTime: '24/Nov/2026:15:17:15 +0000',
    httpMethod: 'POST',
    routeKey: 'POST /orders',
    status: '202',
    protocol: 'HTTP/1.1',
    responseLength: '40',
    latencyMs: '152',
    integrationLatencyMs: '150',
    integrationError: '-',
    authorizerError: '-',
  };
  return JSON.stringify(Object.fromEntries(Object.keys(ACCESS_LOG_FIELDS).map((field) => [field, sample[field] ?? '-'])));
}

export interface Design {
  readonly name: string;
  readonly workflow: 'express' | 'standard';
  readonly architecture: 'arm64' | 'x86_64';
}

export const DESIGNS: readonly Design[] = [
  { name: 'DOFS (Express workflow, arm64)', workflow: 'express', architecture: 'arm64' },
  { name: 'Standard workflow, arm64', workflow: 'standard', architecture: 'arm64' },
  { name: 'Standard workflow, x86_64 (the seed README)', workflow: 'standard', architecture: 'x86_64' },
];

export interface CostLine {
  readonly component: string;
  readonly perOrder: string;
  readonly usdPerMillion: number;
}

export interface DesignCost {
  readonly design: Design;
  readonly lines: CostLine[];
  readonly usdPerMillion: number;
}

const PIPELINE_FUNCTIONS = ['api_handler', 'validator', 'order_storage', 'fulfill_order'] as const satisfies readonly FunctionKey[];

const logBytes = (lines: number, bytes: number) => bytes + lines * BILLING_RULES.logEventOverheadBytes;

/** Dollars per million orders for one design, from the measured footprint of an order. */
export function costOf(design: Design, footprint: OrderFootprint): DesignCost {
  const million = 1_000_000;
  const lines: CostLine[] = [];
  const add = (component: string, perOrder: string, usdPerOrder: number) => lines.push({ component, perOrder, usdPerMillion: round(usdPerOrder * million, 3) });

  add('HTTP API', '1 request', PRICES.httpApiPerMillionRequests.usd / million);

  const invocations = PIPELINE_FUNCTIONS.map((key) => footprint.invocationsPerOrder[key] ?? 0);
  const totalInvocations = invocations.reduce((sum, count) => sum + count, 0);
  add('Lambda requests', `${round(totalInvocations, 2)} invocations`, (totalInvocations * PRICES.lambdaPerMillionRequests.usd) / million);

  const gbSeconds = PIPELINE_FUNCTIONS.reduce((sum, key, index) => {
    const assumed = AWS_DURATION_ASSUMPTIONS_MS[key];
    const durationMs = typeof assumed === 'number' ? assumed : assumed[design.workflow];
    return sum + invocations[index]! * (FUNCTIONS[key].memoryMb / 1024) * (durationMs / 1000);
  }, 0);
  const gbSecondPrice = design.architecture === 'arm64' ? PRICES.lambdaPerGbSecondArm64.usd : PRICES.lambdaPerGbSecondX86.usd;
  add('Lambda duration', `${round(gbSeconds, 4)} GB-s on ${design.architecture}`, gbSeconds * gbSecondPrice);

  if (design.workflow === 'express') {
    const billedMs = Math.ceil(AWS_DURATION_ASSUMPTIONS_MS.expressExecution / BILLING_RULES.expressBillingStepMs) * BILLING_RULES.expressBillingStepMs;
    const workflowGbSeconds = BILLING_RULES.expressMemoryGb * (billedMs / 1000);
    add('Step Functions', `Express: 1 request, ${billedMs} ms x 64 MB`, PRICES.expressWorkflowPerMillionRequests.usd / million + workflowGbSeconds * PRICES.expressWorkflowPerGbSecond.usd);
  } else {
    const transitions = footprint.transitionsPerExecution;
    add('Step Functions', `Standard: ${transitions} state transitions`, (transitions * PRICES.standardWorkflowPerThousandTransitions.usd) / 1000);
  }

  // A write of an item under 1 KB is one unit, and one more per index it lands in; an update that
  // changes an index key (status, updated_at) deletes and re-writes the index entry: two more.
  const indexes = ORDERS_TABLE.indexes?.length ?? 0;
  const dynamo = footprint.requestsPerOrder.dynamodb ?? {};
  const writeUnits = (dynamo.PutItem ?? 0) * (1 + indexes) + (dynamo.UpdateItem ?? 0) * (1 + 2 * indexes);
  const readUnits = (dynamo.GetItem ?? 0) + (dynamo.Query ?? 0);
  add('DynamoDB writes', `${round(writeUnits, 2)} WRU`, (writeUnits * PRICES.dynamoDbPerMillionWriteUnits.usd) / million);
  if (readUnits > 0) add('DynamoDB reads', `${round(readUnits, 2)} RRU`, (readUnits * PRICES.dynamoDbPerMillionReadUnits.usd) / million);

  // Each receive that returns messages is followed by one DeleteMessageBatch; empty long polls are
  // the event source's fixed cost, not the order's.
  const sqs = footprint.requestsPerOrder.sqs ?? {};
  const sqsRequests = (sqs.SendMessage ?? 0) + 2 * (sqs.DeleteMessageBatch ?? 0);
  add('SQS', `${round(sqsRequests, 2)} requests`, (sqsRequests * PRICES.sqsPerMillionRequests.usd) / million);

  // The deployed functions log platform lines only if their system log level lets INFO through.
  const platformLines = ['DEBUG', 'INFO'].includes(LAMBDA_LOGGING.systemLogLevel) ? PLATFORM_LOG_LINES : [];
  const platformBytes = platformLines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
  let bytes = logBytes(1, Buffer.byteLength(sampleAccessLogLine()) + 1);
  PIPELINE_FUNCTIONS.forEach((key, index) => {
    const perInvocation = logBytes(footprint.logLinesPerInvocation[key] ?? 0, footprint.logBytesPerInvocation[key] ?? 0) + logBytes(platformLines.length, platformBytes);
    bytes += invocations[index]! * perInvocation;
  });
  add('CloudWatch Logs', `${round(bytes / 1024, 2)} KB`, (bytes / 1024 ** 3) * PRICES.cloudWatchLogsPerGbIngested.usd);

  add('X-Ray', `${BILLING_RULES.xraySampledShare} traces`, (BILLING_RULES.xraySampledShare * PRICES.xrayPerMillionTracesRecorded.usd) / million);

  return { design, lines, usdPerMillion: round(lines.reduce((sum, line) => sum + line.usdPerMillion, 0), 2) };
}

export interface CostResult {
  readonly designs: DesignCost[];
  readonly meetsTarget: boolean;
}

export function benchCost(footprint: OrderFootprint): CostResult {
  const designs = DESIGNS.map((design) => costOf(design, footprint));
  return { designs, meetsTarget: designs[0]!.usdPerMillion <= COST_TARGET_USD_PER_MILLION };
}
