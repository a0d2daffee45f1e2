/**
 * Access a function is given to a resource: the IAM statement and the environment variable that names
 * the resource travel together, so a handler can never be configured with a resource it may not use.
 */
export interface PolicyCondition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

export interface PolicyStatement {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: readonly PolicyCondition[];
}

/** The aws_iam_policy_document form of a statement. */
export function toDocumentStatement(statement: PolicyStatement) {
  return {
    sid: statement.sid,
    effect: 'Allow',
    actions: [...statement.actions],
    resources: [...statement.resources],
    ...(statement.conditions
      ? { condition: statement.conditions.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })) }
      : {}),
  };
}

export interface Binding {
  readonly environment?: Readonly<Record<string, string>>;
  readonly statements: readonly PolicyStatement[];
}

export function binding(statement: PolicyStatement, environment?: Record<string, string>): Binding {
  return environment ? { environment, statements: [statement] } : { statements: [statement] };
}

/** PascalCase IAM statement ids from a resource label, e.g. ('orders', 'Write') -> OrdersWrite. */
export function sid(...parts: string[]): string {
  return parts
    .flatMap((part) => part.split(/[^A-Za-z0-9]+/))
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
