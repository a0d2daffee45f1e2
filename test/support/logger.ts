import { Logger } from '@aws-lambda-powertools/logger';

export interface CapturedLine {
  level: string;
  message: string;
  [key: string]: unknown;
}

/** A real Powertools logger whose JSON lines are kept for assertions instead of printed. */
export function captureLogger(): { logger: Logger; lines: CapturedLine[] } {
  const lines: CapturedLine[] = [];
  const sink = {
    log: (line: string) => lines.push(JSON.parse(line) as CapturedLine),
    info: (line: string) => lines.push(JSON.parse(line) as CapturedLine),
    warn: (line: string) => lines.push(JSON.parse(line) as CapturedLine),
    error: (line: string) => lines.push(JSON.parse(line) as CapturedLine),
    debug: (line: string) => lines.push(JSON.parse(line) as CapturedLine),
    trace: (line: string) => lines.push(JSON.parse(line) as CapturedLine),
  };
  const logger = new Logger({ serviceName: 'dofs-test', logLevel: 'DEBUG' });
  // Powertools writes through its own Console instance; this version has no option to replace it.
  (logger as unknown as { console: typeof sink }).console = sink;
  return { logger, lines };
}

export const silentLogger = (): Logger => new Logger({ serviceName: 'dofs-test', logLevel: 'SILENT' });
