import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import { DofsLogFormatter } from '../../lambdas/shared/log-formatter';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

export interface CapturedLine {
  level: string;
  message: string;
  [key: string]: unknown;
}

/** The functions' own formatter (lambdas/shared/log-formatter.ts), keeping each item as JSON would print it, for the test to assert on. */
class CapturingFormatter extends DofsLogFormatter {
  constructor(private readonly lines: CapturedLine[]) {
    super();
  }

  override formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const item = super.formatAttributes(attributes, additionalLogAttributes);
    this.lines.push(JSON.parse(JSON.stringify(item.getAttributes())) as CapturedLine);
    return item;
  }
}

/**
 * Builds a Powertools utility as Lambda's on-demand execution environment would: Powertools reports
 * cold_start only where AWS_LAMBDA_INITIALIZATION_TYPE is `on-demand`, and reads it when constructed.
 */
export function asOnDemandLambda<T>(create: () => T): T {
  const saved = process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
  process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
  try {
    return create();
  } finally {
    if (saved === undefined) delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
    else process.env.AWS_LAMBDA_INITIALIZATION_TYPE = saved;
  }
}

/**
 * A real Powertools logger whose log items are kept for assertions (and printed, as Lambda would). Like
 * a function's own, it is new with its execution environment: its first invocation is the cold start.
 */
export function captureLogger(): { logger: Logger; lines: CapturedLine[] } {
  const lines: CapturedLine[] = [];
  const logger = asOnDemandLambda(() => new Logger({ serviceName: 'dofs-test', logLevel: 'DEBUG', logFormatter: new CapturingFormatter(lines) }));
  return { logger, lines };
}

export const silentLogger = (): Logger => new Logger({ serviceName: 'dofs-test', logLevel: 'SILENT' });
