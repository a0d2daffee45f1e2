import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { FunctionKey } from '../../topology/functions';
import { PROJECT } from '../../topology/names';
import { DofsLogFormatter } from './log-formatter';

/** Powertools' `service` on every log line and every metric: the project's name. */
export const SERVICE_NAME = PROJECT;

/** One Powertools JSON logger per function; service name and function key are on every line. */
export function createLogger(functionKey: FunctionKey): Logger {
  return new Logger({ serviceName: SERVICE_NAME, persistentKeys: { function: functionKey }, logFormatter: new DofsLogFormatter() });
}

export interface RequestContextOptions<E> {
  /** The request's id from the caller (API Gateway's), logged as Powertools' `correlation_id`. */
  readonly correlationId?: (event: E) => string | undefined;
}

/**
 * What Powertools' injectLambdaContext({ resetKeys: true }) does, for a plain handler function (no
 * middleware engine, no decorator): every line of the invocation carries its request id and cold-start
 * flag (function_request_id, cold_start: DofsLogFormatter keeps those of the context's keys), and the keys appended during it (the correlation id) end with it, so none
 * reaches the next invocation's lines. Keys of one order are passed with each line instead: an SQS
 * batch's records are handled concurrently, and appended keys are the logger's, not the record's.
 */
export function injectLambdaContext<E, R>(
  logger: Logger,
  handler: (event: E, context?: Context) => Promise<R>,
  options: RequestContextOptions<E> = {},
): (event: E, context?: Context) => Promise<R> {
  return async (event, context) => {
    if (context) logger.addContext(context);
    const correlationId = options.correlationId?.(event);
    if (correlationId) logger.setCorrelationId(correlationId);
    try {
      return await handler(event, context);
    } finally {
      logger.resetKeys();
    }
  };
}

export type { Logger };
