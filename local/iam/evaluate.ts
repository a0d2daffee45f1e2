import type { ConditionBlock, PolicyDocument, Statement } from './policy';

/**
 * IAM's evaluation of one request against a principal's identity-based policies and permissions boundary,
 * within one account, as documented in "Policy evaluation logic":
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 *   1. an explicit Deny in any policy denies;
 *   2. with a boundary, the boundary must allow the request too;
 *   3. an identity-based policy must allow it; otherwise it is implicitly denied.
 * Resource-based policies, SCPs, RCPs and session policies are not in play for the roles evaluated here.
 */
export interface AuthorizationRequest {
  /** service:Operation as IAM names it, e.g. lambda:CreateEventSourceMapping. */
  readonly action: string;
  /** The resource ARN, or "*" for actions that take none. */
  readonly resource: string;
  /** Condition keys the request carries (aws:RequestTag/Environment, iam:PassedToService, ...). */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

export interface Principal {
  readonly arn: string;
  readonly policies: readonly PolicyDocument[];
  readonly boundary?: PolicyDocument | undefined;
}

export type DenialReason = 'explicit-deny' | 'no-boundary-allow' | 'no-identity-allow';

export type Decision =
  | { readonly allowed: true; readonly statement: string }
  | { readonly allowed: false; readonly reason: DenialReason; readonly statement?: string };

export class UnsupportedPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedPolicyError';
  }
}

export function evaluate(principal: Principal, request: AuthorizationRequest): Decision {
  const all = [...principal.policies, ...(principal.boundary ? [principal.boundary] : [])];
  for (const policy of all) {
    const deny = policy.statements.find((s) => s.effect === 'Deny' && matches(s, request));
    if (deny) return { allowed: false, reason: 'explicit-deny', statement: label(policy, deny) };
  }
  if (principal.boundary && !principal.boundary.statements.some((s) => s.effect === 'Allow' && matches(s, request))) {
    return { allowed: false, reason: 'no-boundary-allow' };
  }
  for (const policy of principal.policies) {
    const allow = policy.statements.find((s) => s.effect === 'Allow' && matches(s, request));
    if (allow) return { allowed: true, statement: label(policy, allow) };
  }
  return { allowed: false, reason: 'no-identity-allow' };
}

const label = (policy: PolicyDocument, statement: Statement) => `${policy.name}#${statement.sid ?? statement.effect}`;

function matches(statement: Statement, request: AuthorizationRequest): boolean {
  const actionMatch = statement.actions
    ? statement.actions.some((pattern) => wildcard(pattern, request.action, true))
    : !statement.notActions!.some((pattern) => wildcard(pattern, request.action, true));
  if (!actionMatch) return false;
  const resourceMatch = statement.resources
    ? statement.resources.some((pattern) => resourceMatches(pattern, request.resource))
    : statement.notResources
      ? !statement.notResources.some((pattern) => resourceMatches(pattern, request.resource))
      : false;
  return resourceMatch && conditionsHold(statement.conditions, request.context);
}

/** `*` any run of characters, `?` one character; IAM action names compare case-insensitively. */
export function wildcard(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern.includes('${')) throw new UnsupportedPolicyError(`policy variables are not evaluated here: ${pattern}`);
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'si' : 's').test(value);
}

/**
 * ARN matching: partition, service, region and account compare segment by segment; the resource part
 * (after the fifth colon) is one segment whose `*` may span `:` and `/`.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */
function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.startsWith('arn:') || !resource.startsWith('arn:')) return wildcard(pattern, resource);
  const split = (arn: string) => {
    const parts = arn.split(':');
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const p = split(pattern);
  const r = split(resource);
  return p.length === r.length && p.every((segment, index) => wildcard(segment, r[index]!));
}

type Values = readonly string[];
const MATCHERS: Record<string, (requestValue: string, policyValue: string) => boolean> = {
  StringEquals: (r, p) => r === p,
  StringEqualsIgnoreCase: (r, p) => r.toLowerCase() === p.toLowerCase(),
  StringLike: (r, p) => wildcard(p, r),
  ArnEquals: (r, p) => resourceMatches(p, r),
  ArnLike: (r, p) => resourceMatches(p, r),
  Bool: (r, p) => r.toLowerCase() === p.toLowerCase(),
  NumericEquals: (r, p) => Number(r) === Number(p),
  NumericLessThan: (r, p) => Number(r) < Number(p),
  NumericLessThanEquals: (r, p) => Number(r) <= Number(p),
  NumericGreaterThan: (r, p) => Number(r) > Number(p),
  NumericGreaterThanEquals: (r, p) => Number(r) >= Number(p),
};
const NEGATED: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
  NumericNotEquals: 'NumericEquals',
};

/**
 * Every operator and key of a Condition block must hold. A key the request does not carry fails a positive
 * operator and satisfies a negated one, `...IfExists` ignores it, and `Null` tests for it:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
function conditionsHold(block: ConditionBlock, context: AuthorizationRequest['context']): boolean {
  const lookup = (key: string): Values | undefined => {
    const found = Object.keys(context).find((k) => k.toLowerCase() === key.toLowerCase());
    if (found === undefined) return undefined;
    const value = context[found]!;
    return typeof value === 'string' ? [value] : value;
  };
  return Object.entries(block).every(([rawOperator, entries]) =>
    Object.entries(entries).every(([key, policyValues]) => operatorHolds(rawOperator, lookup(key), policyValues)),
  );
}

function operatorHolds(rawOperator: string, requestValues: Values | undefined, policyValues: Values): boolean {
  const qualifier = /^(ForAnyValue|ForAllValues):/.exec(rawOperator)?.[1];
  let operator = qualifier ? rawOperator.slice(qualifier.length + 1) : rawOperator;
  const ifExists = operator.endsWith('IfExists');
  if (ifExists) operator = operator.slice(0, -'IfExists'.length);

  if (operator === 'Null') {
    const wantsAbsent = policyValues.some((v) => v.toLowerCase() === 'true');
    return wantsAbsent === (requestValues === undefined);
  }
  const negatedOf = NEGATED[operator];
  const matcher = MATCHERS[negatedOf ?? operator];
  if (!matcher) throw new UnsupportedPolicyError(`condition operator ${rawOperator} is not evaluated here`);
  if (requestValues === undefined) return ifExists || negatedOf !== undefined || qualifier === 'ForAllValues';

  const matchesAny = (value: string) => policyValues.some((p) => matcher(value, p));
  if (qualifier === 'ForAllValues') {
    return requestValues.every((value) => (negatedOf ? !matchesAny(value) : matchesAny(value)));
  }
  if (qualifier === 'ForAnyValue' && negatedOf) return requestValues.some((value) => !matchesAny(value));
  const anyMatches = requestValues.some(matchesAny);
  return negatedOf ? !anyMatches : anyMatches;
}
