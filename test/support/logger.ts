import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

export interface CapturedLine {
  level: string;
  message: string;
  [key: string]: unknown;
}

/**
 * Powertools' documented seam for the shape of a log item ("bring your own formatter"): this one keeps
 * each item, as JSON would print it, for the test to assert on. The keys are Powertools' own.
 */
class CapturingFormatter extends LogFormatter {
  constructor(private readonly lines: CapturedLine[]) {
    super();
  }

  formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const item = new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        ...(attributes.error ? { error: attributes.error } : {}),
      },
    }).addAttributes(additionalLogAttributes);
    this.lines.push(JSON.parse(JSON.stringify(item.getAttributes())) as CapturedLine);
    return item;
  }
}

/** A real Powertools logger whose log items are kept for assertions (and printed, as Lambda would). */
export function captureLogger(): { logger: Logger; lines: CapturedLine[] } {
  const lines: CapturedLine[] = [];
  const logger = new Logger({ serviceName: 'dofs-test', logLevel: 'DEBUG', logFormatter: new CapturingFormatter(lines) });
  return { logger, lines };
}

export const silentLogger = (): Logger => new Logger({ serviceName: 'dofs-test', logLevel: 'SILENT' });
