import type { Denial } from './authorizer';

/** The runtime's own log lines: one JSON object per line on stderr, in the handlers' (Powertools') shape. */
export function logRuntime(level: 'WARN' | 'ERROR', message: string, fields: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level, message, timestamp: new Date().toISOString(), service: 'dofs-local-runtime', ...fields })}\n`);
}

export function logRuntimeError(message: string, error: unknown): void {
  const { name, message: detail } = error as Error;
  logRuntime('ERROR', message, { error: name, error_message: detail });
}

/** One line per call refused as IAM would refuse it: the role, the action and the resource. */
export function logDenial(denial: Denial): void {
  logRuntime('WARN', 'access denied', { role: denial.role, action: denial.action, resource: denial.resource });
}
