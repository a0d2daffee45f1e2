import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

/**
 * Powertools' JSON line with the Lambda context keys an operator queries, and none CloudWatch Logs
 * already knows: every line carries its request id (function_request_id) and cold_start; it does not
 * carry function_arn, function_name or function_memory_size (the log group and stream name the
 * function, and Lambda's metrics its memory), sampling_rate (a constant), or xray_trace_id (5 % of
 * requests are traced, so most ids point at no trace; a traced request is found from X-Ray by its
 * request id). Those five cost about 230 bytes on each of an order's three lines, a third of what its
 * logs cost (bench/cost.ts; docs/decisions.md). Powertools' documented seam: "bring your own formatter".
 */
export class DofsLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: attributes.lambdaContext?.coldStart,
        function_request_id: attributes.lambdaContext?.awsRequestId,
      },
    }).addAttributes(additionalLogAttributes);
  }
}
