/**
 * IAM statements as the application stacks and the pipeline render them (aws_iam_policy_document). What
 * each function and the state machine may do is declared in topology/access.ts.
 */
export type { PolicyStatement } from '../topology/access';
import type { PolicyStatement } from '../topology/access';

export type PolicyCondition = NonNullable<PolicyStatement['conditions']>[number];

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
