/**
 * The command line's failures, each with the exit code scripts can rely on and a next step for people:
 *   0 done · 1 the target answered no (refused, not found, orders unfinished) · 2 wrong usage
 *   3 the target could not be reached · 4 not available on this target.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3, unsupported: 4 } as const;

export abstract class CliError extends Error {
  abstract readonly exitCode: number;

  constructor(
    message: string,
    /** What to do about it, printed under the message. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request was understood and answered with a no. */
export class OperationFailedError extends CliError {
  readonly exitCode = EXIT.failed;
}

export class UsageError extends CliError {
  readonly exitCode = EXIT.usage;
}

export class TargetUnreachableError extends CliError {
  readonly exitCode = EXIT.unreachable;
}

export class NotSupportedError extends CliError {
  readonly exitCode = EXIT.unsupported;
}
