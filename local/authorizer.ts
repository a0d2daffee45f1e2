import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { interpose, operationOf } from './http-util';
import type { PolicyStatement } from '../topology/access';
import { decodeApiCall, signer, type ApiCall, type HttpRequest } from './iam/api-call';
import { denialMessage, denialResponse, type DenialResponse } from './iam/denial';
import { evaluate, type AuthorizationRequest, type Principal } from './iam/evaluate';
import { parsePolicy } from './iam/policy';
import { requiredAuthorizations, UnmappedOperationError } from './iam/requirements';

/** A role the runtime issued credentials for, as the authorizer needs it (structured-clone safe). */
export interface RoleGrant {
  /** The role's name: the function's (dofs-local-fulfill_order) or the state machine's. */
  readonly name: string;
  readonly arn: string;
  readonly accessKeyId: string;
  readonly statements: readonly PolicyStatement[];
}

export interface Denial {
  readonly role: string;
  readonly action: string;
  readonly resource: string;
}

export type AuthorizationOutcome =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly denial: Denial; readonly response: DenialResponse };

/**
 * IAM for the local runtime: every request signed with a role's credentials is authorized against that
 * role's policy (the statements topology/access.ts declares, as the stack deploys them) by the same
 * evaluator and request mapping that judge the deploy in front of moto. Requests signed with any other
 * credentials are the operator's (the console, the command line, the AWS CLI) and are not checked: on
 * AWS that is whoever administers the account.
 */
export class LocalAuthorizer {
  private readonly roles = new Map<string, { name: string; principal: Principal }>();
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly account: string,
    grants: readonly RoleGrant[] = [],
  ) {
    this.setRoles(grants);
  }

  setRoles(grants: readonly RoleGrant[]): void {
    this.roles.clear();
    for (const grant of grants) {
      const document = parsePolicy(`${grant.name}/policy`, {
        Version: '2012-10-17',
        Statement: grant.statements.map((statement) => ({ Sid: statement.sid, Effect: 'Allow', Action: [...statement.actions], Resource: [...statement.resources] })),
      });
      // What the role's session looks like to IAM, as in AWS's own denial messages.
      const sessionArn = `arn:aws:sts::${this.account}:assumed-role/${grant.name}/${grant.name}`;
      this.roles.set(grant.accessKeyId, { name: grant.name, principal: { arn: sessionArn, policies: [document] } });
    }
  }

  /** True when the request is signed by a role this authorizer judges (and so needs its body read). */
  judges(headers: IncomingMessage['headers']): boolean {
    const signed = signer({ method: '', url: '', headers, body: Buffer.alloc(0) });
    return signed !== undefined && this.roles.has(signed.accessKeyId);
  }

  /** Authorizes one HTTP request to an emulator (or the Step Functions API). */
  async authorizeHttp(request: HttpRequest): Promise<AuthorizationOutcome> {
    const signed = signer(request);
    const role = signed && this.roles.get(signed.accessKeyId);
    if (!role) return { allowed: true };
    let call: ApiCall;
    try {
      call = decodeApiCall(request);
    } catch {
      // Fail closed: a call that cannot be read cannot be allowed.
      call = { ...signed, operation: 'Unknown', protocol: 'json', params: {} };
      return this.deny(role, call, { action: `${signed.service}:Unknown`, resource: '*', context: {} }, 'no-identity-allow');
    }
    let requests: AuthorizationRequest[];
    try {
      requests = await requiredAuthorizations(call, this.account);
    } catch (error) {
      // A call IAM has no mapping for is denied (fail closed); any other failure is the runtime's own
      // (InternalFailure from the caller's view), not a denial.
      if (!(error instanceof UnmappedOperationError)) throw error;
      return this.deny(role, call, { action: `${call.service}:${call.operation}`, resource: '*', context: {} }, 'no-identity-allow');
    }
    for (const authorization of requests) {
      const decision = evaluate(role.principal, authorization);
      if (!decision.allowed) return this.deny(role, call, authorization, decision.reason);
    }
    return { allowed: true };
  }

  /** Authorizes a call the runtime makes in-process on a role's behalf (the state machine invoking a task). */
  authorizeAction(accessKeyId: string, action: string, resource: string): { allowed: true } | { allowed: false; message: string; denial: Denial } {
    const role = this.roles.get(accessKeyId);
    if (!role) return { allowed: true };
    const request = { action, resource, context: {} };
    const decision = evaluate(role.principal, request);
    if (decision.allowed) return { allowed: true };
    const denial = { role: role.name, action, resource };
    this.count(denial);
    return { allowed: false, message: denialMessage(role.principal.arn, request, decision.reason), denial };
  }

  /** Denials so far, by role and action. */
  denials(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  private deny(role: { name: string; principal: Principal }, call: ApiCall, request: AuthorizationRequest, reason: Parameters<typeof denialMessage>[2]): AuthorizationOutcome {
    const denial = { role: role.name, action: request.action, resource: request.resource };
    this.count(denial);
    return { allowed: false, denial, response: denialResponse(call, denialMessage(role.principal.arn, request, reason), randomUUID()) };
  }

  private count(denial: Denial): void {
    const key = `${denial.role} ${denial.action}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

/** Reads a request's body and puts it back, so the emulator behind still reads it whole. */
function peekBody(req: IncomingMessage): Promise<Buffer> {
  const length = Number(req.headers['content-length'] ?? 0);
  if (!Number.isInteger(length) || length <= 0) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onEnd = () => reject(new Error(`the request body ended after ${size} of ${length} bytes`));
    const onReadable = () => {
      for (let chunk: Buffer | null; size < length && (chunk = req.read() as Buffer | null) !== null; ) {
        chunks.push(chunk);
        size += chunk.length;
      }
      if (size < length) return;
      req.off('readable', onReadable);
      req.off('error', reject);
      req.off('end', onEnd);
      const body = Buffer.concat(chunks);
      req.unshift(body);
      resolve(body);
    };
    req.on('readable', onReadable);
    req.once('error', reject);
    req.once('end', onEnd);
  });
}

/**
 * Puts the authorizer in front of an emulator's HTTP server: a request a role may not make is answered
 * with AccessDenied in the service's format (and reported to onDenied); anything else reaches the
 * emulator with its body intact.
 */
export function interposeAuthorization(server: Server, authorizer: LocalAuthorizer, onDenied: (denial: Denial, operation: string) => void): void {
  interpose(server, (req, res, pass) => {
    if (!authorizer.judges(req.headers)) return pass();
    void (async () => {
      const body = await peekBody(req);
      const outcome = await authorizer.authorizeHttp({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body });
      if (outcome.allowed) return pass();
      onDenied(outcome.denial, operationOf(req));
      req.resume();
      res.writeHead(outcome.response.status, { ...outcome.response.headers, 'content-length': Buffer.byteLength(outcome.response.body) });
      res.end(outcome.response.body);
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'InternalFailure', message: (error as Error).message }));
    });
  });
}
