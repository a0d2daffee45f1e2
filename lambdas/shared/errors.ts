/**
 * Named errors. `name` is set explicitly (not taken from the class) because bundles are minified and
 * Step Functions matches Catch/Retry on the Lambda's errorType, which is the error's name.
 */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** Field problems as one line: "item must not be empty; quantity must be at least 1". */
export function describeProblems(details: readonly FieldProblem[]): string {
  return details.map((detail) => `${detail.field} ${detail.message}`).join('; ');
}

export class DofsError extends Error {
  constructor(name: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = name;
  }
}

/**
 * The order failed the schema. Its message is a JSON document (`{"error", "details"}`) because the
 * message is all that crosses Lambda -> Step Functions -> API; `fromMessage` reads it back.
 */
export class ValidationError extends DofsError {
  readonly details: readonly FieldProblem[];

  constructor(details: readonly FieldProblem[], summary = 'Invalid order') {
    super('ValidationError', JSON.stringify({ error: summary, details }));
    this.details = details;
  }

  /** Reads the details back from a message written by this class; undefined for anything else. */
  static detailsFromMessage(message: string): FieldProblem[] | undefined {
    try {
      const parsed: unknown = JSON.parse(message);
      if (typeof parsed !== 'object' || parsed === null) return undefined;
      const details = (parsed as { details?: unknown }).details;
      if (!Array.isArray(details)) return undefined;
      return details.filter(isFieldProblem);
    } catch {
      return undefined;
    }
  }
}

function isFieldProblem(value: unknown): value is FieldProblem {
  const candidate = value as FieldProblem | null;
  return typeof candidate?.field === 'string' && typeof candidate.message === 'string';
}

/** The order_id exists with a different item or quantity. */
export class OrderConflictError extends DofsError {
  constructor(readonly orderId: string) {
    super('OrderConflictError', `order ${orderId} already exists with a different payload`);
  }
}

/** The simulated fulfillment failure (Math.random() >= FAILURE_THRESHOLD). */
export class SimulatedFulfillmentError extends DofsError {
  constructor(readonly orderId: string, threshold: number) {
    super('SimulatedFulfillmentError', `simulated fulfillment failure (FAILURE_THRESHOLD=${threshold})`);
  }
}

/** A queue message whose body is not an order: retrying cannot fix it. `problem` says what is wrong. */
export class MalformedMessageError extends DofsError {
  constructor(readonly messageId: string, readonly problem: string) {
    super('MalformedMessageError', `message ${messageId}: ${problem}`);
  }
}
