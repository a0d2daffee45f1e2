import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { GetEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { decodeApiCall, signer, type ApiCall, type HttpRequest } from '../../local/iam/api-call';
import { denialMessage, denialResponse, type DenialResponse } from '../../local/iam/denial';
import { evaluate, type AuthorizationRequest, type DenialReason, type Principal } from '../../local/iam/evaluate';
import { parsePolicy, withoutAction, type PolicyDocument } from '../../local/iam/policy';
import { requiredAuthorizations, type ResourceDirectory } from '../../local/iam/requirements';
import { apiGatewayRouter, modelRouter, s3Router } from './rest-routers';

/**
 * IAM in front of moto: every request signed with one of the given access keys is authorized, as IAM
 * would, against the policies moto holds for the role that key stands for (as the synthesized stacks
 * created them: never a copy). Denied requests get AccessDenied in the service's format; the rest go on.
 * Requests signed with any other key (the administrator who applies the CI/CD stack) pass unchecked.
 */
export const ACCOUNT = '123456789012';

export interface Authorized {
  readonly role: string;
  readonly operation: string;
  readonly requests: readonly (AuthorizationRequest & { statement: string })[];
}

export interface Denied {
  readonly role: string;
  readonly operation: string;
  readonly request: AuthorizationRequest;
  readonly reason: DenialReason | 'unmapped';
  readonly message: string;
}

export class IamEnforcer {
  readonly authorized: Authorized[] = [];
  readonly denied: Denied[] = [];
  private readonly principals = new Map<string, Promise<Principal>>();
  private readonly mappings = new Map<string, string>();
  /** Actions taken out of a role's policies, as if the synthesized policy lacked them. */
  private readonly revoked = new Map<string, string>();
  private readonly routers = { lambda: modelRouter('lambda', '2015-03-31'), apigateway: apiGatewayRouter, s3: s3Router };
  private readonly iam: IAMClient;
  private readonly lambda: LambdaClient;

  /** @param roles access key id → the name of the role it acts as */
  constructor(private readonly motoEndpoint: string, private readonly roles: Readonly<Record<string, string>>) {
    const options = { region: 'us-east-1', endpoint: motoEndpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    this.iam = new IAMClient(options);
    this.lambda = new LambdaClient(options);
  }

  /** Decides one request: undefined lets it through, a response answers it. */
  async authorize(request: HttpRequest): Promise<DenialResponse | undefined> {
    const role = this.roles[signer(request)?.accessKeyId ?? ''];
    if (!role) return undefined;
    const principal = await this.principalOf(role);
    let call: ApiCall | undefined;
    let requests: AuthorizationRequest[];
    try {
      call = decodeApiCall(request, this.routers);
      requests = await requiredAuthorizations(call, ACCOUNT, this.directory);
    } catch (error) {
      // Fail closed, as IAM would for a request nobody can say is allowed; the test lists these.
      const operation = call ? `${call.service}:${call.operation}` : `${request.method} ${request.url}`;
      const message = `not authorized: ${(error as Error).message}`;
      this.denied.push({ role, operation, request: { action: operation, resource: '?', context: {} }, reason: 'unmapped', message });
      return denialResponse(call ?? { accessKeyId: '', service: 'unknown', region: 'us-east-1', operation, protocol: 'rest-json', params: {} }, message, crypto.randomUUID());
    }
    const granted: (AuthorizationRequest & { statement: string })[] = [];
    for (const needed of requests) {
      const decision = evaluate(principal, needed);
      if (!decision.allowed) {
        const message = denialMessage(principal.arn, needed, decision.reason);
        this.denied.push({ role, operation: `${call.service}:${call.operation}`, request: needed, reason: decision.reason, message });
        return denialResponse(call, message, crypto.randomUUID());
      }
      granted.push({ ...needed, statement: decision.statement });
    }
    this.authorized.push({ role, operation: `${call.service}:${call.operation}`, requests: granted });
    return undefined;
  }

  /** Until `restore()`, evaluate `role` as if its policies did not grant `action`. */
  revoke(role: string, action: string): void {
    this.revoked.set(role, action);
  }

  restore(): void {
    this.revoked.clear();
  }

  /** The role as IAM sees it: its policies (less a revoked action) and its boundary, read from moto once. */
  async principalOf(role: string): Promise<Principal> {
    let found = this.principals.get(role);
    if (!found) {
      found = this.loadPrincipal(role);
      this.principals.set(role, found);
    }
    const principal = await found;
    const revoked = this.revoked.get(role);
    return revoked ? { ...principal, policies: principal.policies.map((p) => withoutAction(p, revoked)) } : principal;
  }

  private async loadPrincipal(role: string): Promise<Principal> {
    const { Role } = await this.iam.send(new GetRoleCommand({ RoleName: role }));
    const inline = await this.iam.send(new ListRolePoliciesCommand({ RoleName: role }));
    const policies: PolicyDocument[] = [];
    for (const name of inline.PolicyNames ?? []) {
      const { PolicyDocument: document } = await this.iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: name }));
      policies.push(parsePolicy(`${role}/${name}`, document!));
    }
    const attached = await this.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role }));
    for (const policy of attached.AttachedPolicies ?? []) policies.push(await this.managedPolicy(policy.PolicyArn!));
    const boundaryArn = Role?.PermissionsBoundary?.PermissionsBoundaryArn;
    return {
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/codebuild-session`,
      policies,
      boundary: boundaryArn ? await this.managedPolicy(boundaryArn) : undefined,
    };
  }

  private async managedPolicy(arn: string): Promise<PolicyDocument> {
    const { Policy } = await this.iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    const { PolicyVersion } = await this.iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: Policy!.DefaultVersionId! }));
    return parsePolicy(Policy!.PolicyName!, PolicyVersion!.Document!);
  }

  private readonly directory: ResourceDirectory = {
    roleBoundary: async (roleName) => {
      try {
        const { Role } = await this.iam.send(new GetRoleCommand({ RoleName: roleName }));
        return Role?.PermissionsBoundary?.PermissionsBoundaryArn;
      } catch {
        return undefined;
      }
    },
    keyArn: async (alias) => {
      const answer = await fetch(this.motoEndpoint, {
        method: 'POST',
        // moto picks the service from the credential scope.
        headers: {
          'x-amz-target': 'TrentService.DescribeKey',
          'content-type': 'application/x-amz-json-1.1',
          authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: JSON.stringify({ KeyId: alias }),
      });
      return answer.ok ? ((await answer.json()) as { KeyMetadata?: { Arn?: string } }).KeyMetadata?.Arn : undefined;
    },
    // A mapping's function never changes, so one seen once is remembered: Lambda still knows it while the
    // mapping is being deleted, after moto has already forgotten it.
    mappingFunction: async (uuid) => {
      if (!this.mappings.has(uuid)) {
        try {
          const { FunctionArn } = await this.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
          if (FunctionArn) this.mappings.set(uuid, FunctionArn);
        } catch {
          return undefined;
        }
      }
      return this.mappings.get(uuid);
    },
  };

  /** The operations authorized for a role, per service: "lambda: CreateFunction, GetFunction, ...". */
  summary(role: string): Record<string, string[]> {
    const byService: Record<string, Set<string>> = {};
    for (const entry of this.authorized.filter((a) => a.role === role)) {
      const [service, operation] = entry.operation.split(':') as [string, string];
      (byService[service] ??= new Set()).add(operation);
    }
    return Object.fromEntries(Object.entries(byService).sort().map(([service, ops]) => [service, [...ops].sort()]));
  }
}
