/**
 * IAM policy documents as AWS stores them (the JSON grammar), normalized so the evaluator reads one shape:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  /** Exactly one of actions / notActions. */
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  readonly conditions: ConditionBlock;
}

export interface PolicyDocument {
  /** Where the policy came from, for explanations: "dofs-cicd-deploy-dev/least-privilege". */
  readonly name: string;
  readonly statements: readonly Statement[];
}

export class PolicyFormatError extends Error {
  constructor(policy: string, problem: string) {
    super(`policy ${policy}: ${problem}`);
    this.name = 'PolicyFormatError';
  }
}

const list = (value: unknown): string[] | undefined =>
  value === undefined ? undefined : (Array.isArray(value) ? value : [value]).map((item) => String(item));

/** Parses a policy document (JSON text, URL-encoded JSON text as IAM's API returns it, or an object). */
export function parsePolicy(name: string, source: string | Record<string, unknown>): PolicyDocument {
  let document: Record<string, unknown>;
  if (typeof source === 'string') {
    const text = source.trimStart().startsWith('%7B') ? decodeURIComponent(source) : source;
    document = JSON.parse(text) as Record<string, unknown>;
  } else {
    document = source;
  }
  const raw = document.Statement;
  const statements = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Record<string, unknown>[];
  return {
    name,
    statements: statements.map((s, index) => {
      const where = `statement ${String(s.Sid ?? index)}`;
      if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new PolicyFormatError(name, `${where} has Effect ${String(s.Effect)}`);
      if ((s.Action === undefined) === (s.NotAction === undefined)) throw new PolicyFormatError(name, `${where} needs exactly one of Action, NotAction`);
      if (s.Principal !== undefined || s.NotPrincipal !== undefined) {
        throw new PolicyFormatError(name, `${where} names a principal: resource-based policies are not evaluated here`);
      }
      const conditions: Record<string, Record<string, string[]>> = {};
      for (const [operator, entries] of Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
        conditions[operator] = Object.fromEntries(Object.entries(entries).map(([key, values]) => [key, list(values) ?? []]));
      }
      const statement: Statement = {
        ...(typeof s.Sid === 'string' ? { sid: s.Sid } : {}),
        effect: s.Effect,
        ...(s.Action !== undefined ? { actions: list(s.Action)! } : { notActions: list(s.NotAction)! }),
        ...(s.Resource !== undefined ? { resources: list(s.Resource)! } : {}),
        ...(s.NotResource !== undefined ? { notResources: list(s.NotResource)! } : {}),
        conditions,
      };
      return statement;
    }),
  };
}

/** The same document with `action` taken out of every statement that grants it. */
export function withoutAction(policy: PolicyDocument, action: string): PolicyDocument {
  return {
    name: `${policy.name} without ${action}`,
    statements: policy.statements.flatMap((statement) => {
      if (!statement.actions || statement.effect !== 'Allow') return [statement];
      const actions = statement.actions.filter((a) => a.toLowerCase() !== action.toLowerCase());
      return actions.length > 0 ? [{ ...statement, actions }] : [];
    }),
  };
}
