/**
 * AWS list prices the cost model uses: us-east-1, on-demand, no free tier. Check them against the
 * sources before quoting a figure; update `checked` when you do.
 */
export const PRICES = {
  region: 'us-east-1',
  checked: '2026-11-24',
  httpApiPerMillionRequests: { usd: 1.0, source: 'https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs, first 300 million requests)' },
  lambdaPerMillionRequests: { usd: 0.2, source: 'https://aws.amazon.com/lambda/pricing/' },
  lambdaPerGbSecondArm64: { usd: 0.0000133334, source: 'https://aws.amazon.com/lambda/pricing/ (Arm, first 7.5 billion GB-s)' },
  lambdaPerGbSecondX86: { usd: 0.0000166667, source: 'https://aws.amazon.com/lambda/pricing/ (x86, first 6 billion GB-s)' },
  standardWorkflowPerThousandTransitions: { usd: 0.025, source: 'https://aws.amazon.com/step-functions/pricing/ (Standard)' },
  expressWorkflowPerMillionRequests: { usd: 1.0, source: 'https://aws.amazon.com/step-functions/pricing/ (Express)' },
  expressWorkflowPerGbSecond: { usd: 0.00001667, source: 'https://aws.amazon.com/step-functions/pricing/ (Express, first 1,000 GB-hours; billed in 100 ms and 64 MB steps)' },
  dynamoDbPerMillionWriteUnits: { usd: 0.625, source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (after the 2024-11-01 price cut)' },
  dynamoDbPerMillionReadUnits: { usd: 0.125, source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (after the 2024-11-01 price cut)' },
  sqsPerMillionRequests: { usd: 0.4, source: 'https://aws.amazon.com/sqs/pricing/ (standard queues, each 64 KB chunk a request)' },
  cloudWatchLogsPerGbIngested: { usd: 0.5, source: 'https://aws.amazon.com/cloudwatch/pricing/ (Standard log class, data ingestion)' },
  xrayPerMillionTracesRecorded: { usd: 5.0, source: 'https://aws.amazon.com/xray/pricing/ (traces recorded)' },
} as const;

/** Billing rules the model applies, with where they come from. */
export const BILLING_RULES = {
  /** CloudWatch Logs bills each event's UTF-8 bytes plus 26 bytes of metadata. */
  logEventOverheadBytes: 26,
  /** Express workflows bill duration in 100 ms steps and memory in 64 MB steps (a small execution is 64 MB). */
  expressBillingStepMs: 100,
  expressMemoryGb: 64 / 1024,
  /** X-Ray's default sampling rule: the first request each second, then 5 %; the per-order share at volume. */
  xraySampledShare: 0.05,
  /** A DynamoDB write of an item up to 1 KB is one write unit; a global secondary index pays its own. */
  writeUnitBytes: 1024,
} as const;
