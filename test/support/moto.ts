import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../../cli/poll';
import { IamEnforcer } from './iam-enforcer';

/**
 * moto in server mode, behind a small proxy that answers the two Step Functions calls AWS provider
 * 5.100 makes and moto 5.2.1 lacks (ValidateStateMachineDefinition, ListStateMachineVersions): moto
 * answers them with 500, and the provider would retry for many minutes.
 */
export const MOTO_GAPS: Record<string, unknown> = {
  'AWSStepFunctions.ValidateStateMachineDefinition': { result: 'OK', diagnostics: [], truncated: false },
  'AWSStepFunctions.ListStateMachineVersions': { stateMachineVersions: [] },
};

/**
 * Requests moto 5.2.1 refuses though AWS accepts them, patched on their way through the proxy:
 * CodeBuild's CreateProject/UpdateProject demand a location for a CODEPIPELINE source and artifacts,
 * which AWS does not (the pipeline supplies and collects them).
 */
export const MOTO_REQUEST_PATCHES: Record<string, (body: Record<string, unknown>) => void> = {
  'CodeBuild_20161006.CreateProject': fillCodePipelineSourceLocation,
  'CodeBuild_20161006.UpdateProject': fillCodePipelineSourceLocation,
};

/**
 * Answers moto 5.2.1 gives in a shape the AWS SDK cannot decode, patched on their way back:
 * GetPipeline's metadata timestamps are ISO strings where the API has epoch-second numbers.
 */
export const MOTO_RESPONSE_PATCHES: Record<string, (body: Record<string, unknown>) => void> = {
  'CodePipeline_20150709.GetPipeline': (body) => {
    const metadata = body.metadata as Record<string, unknown> | undefined;
    for (const key of ['created', 'updated', 'pollingDisabledAt']) {
      if (typeof metadata?.[key] === 'string') metadata[key] = Date.parse(metadata[key]) / 1000;
    }
  },
};

function fillCodePipelineSourceLocation(body: Record<string, unknown>): void {
  for (const key of ['source', 'artifacts']) {
    const part = body[key] as { type?: string; location?: string } | undefined;
    if (part?.type === 'CODEPIPELINE' && !part.location) part.location = 'codepipeline';
  }
}

/**
 * Resources moto cannot create, and why. They are left out of the apply (by targeting every other
 * resource), and the test prints them, so the gap is visible rather than silently skipped.
 */
export const MOTO_UNSUPPORTED: Record<string, string> = {
  aws_codestarconnections_connection: 'moto 5.2.1 does not implement CodeStar Connections',
};

/**
 * `-target` arguments for every resource of a synthesized stack that moto can create: all but the
 * unsupported types and whatever depends on them, directly or through data sources (targeting a
 * resource would pull its dependencies back in).
 */
export function motoTargets(stackJson: {
  resource: Record<string, Record<string, unknown>>;
  data?: Record<string, Record<string, unknown>>;
}): string[] {
  const blocks = new Map<string, string>();
  for (const [type, items] of Object.entries(stackJson.resource)) {
    for (const [name, config] of Object.entries(items)) blocks.set(`${type}.${name}`, JSON.stringify(config));
  }
  for (const [type, items] of Object.entries(stackJson.data ?? {})) {
    for (const [name, config] of Object.entries(items)) blocks.set(`data.${type}.${name}`, JSON.stringify(config));
  }
  const excluded = new Set([...blocks.keys()].filter((address) => address.split('.')[0]! in MOTO_UNSUPPORTED));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [address, config] of blocks) {
      if (excluded.has(address)) continue;
      if ([...excluded].some((gap) => config.includes(`\${${gap}.`) || config.includes(`"${gap}"`))) {
        excluded.add(address);
        grew = true;
      }
    }
  }
  return [...blocks.keys()].filter((address) => !address.startsWith('data.') && !excluded.has(address)).map((address) => `-target=${address}`);
}

export interface Moto {
  readonly endpoint: string;
  readonly answeredByProxy: string[];
  /** IAM enforcement for the access keys given to startMoto (see iam-enforcer.ts). */
  readonly iam: IamEnforcer;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitUntilUp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  await waitFor(
    `moto_server to answer at ${url}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
        return response.ok ? true : undefined;
      } catch {
        return undefined; // not listening yet
      }
    },
    timeoutMs,
    200,
  );
}

export interface MotoOptions {
  /** Access key id → the IAM role whose policies authorize requests signed with it. */
  readonly roles?: Readonly<Record<string, string>>;
}

type Patch = {
  /** May answer the request itself by returning the answer. */
  readonly request?: (body: Record<string, unknown>) => Record<string, unknown> | undefined;
  readonly response?: (answer: Record<string, unknown>, request: Record<string, unknown>) => void;
};

export async function startMoto(options: MotoOptions = {}): Promise<Moto> {
  const motoPort = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(motoPort)], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  await waitUntilUp(`http://127.0.0.1:${motoPort}/moto-api/`, child, 30_000);

  const iam = new IamEnforcer(`http://127.0.0.1:${motoPort}`, options.roles ?? {});
  const redriveAllow = new RedriveAllowPolicies();
  const answeredByProxy: string[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const denial = await iam.authorize({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
    if (denial) return send(res, denial.status, denial.headers, denial.body);
    const target = String(req.headers['x-amz-target'] ?? '');
    const canned = MOTO_GAPS[target];
    if (canned) {
      answeredByProxy.push(target);
      return send(res, 200, { 'content-type': 'application/x-amz-json-1.0' }, JSON.stringify(canned));
    }
    const patch: Patch = redriveAllow.patch(target) ?? {
      request: MOTO_REQUEST_PATCHES[target] && ((json) => void MOTO_REQUEST_PATCHES[target]!(json)),
      response: MOTO_RESPONSE_PATCHES[target],
    };
    let forwarded = body;
    if (patch.request) {
      const json = parseJson(body);
      const answered = patch.request(json);
      if (answered) return send(res, 200, { 'content-type': 'application/x-amz-json-1.0' }, JSON.stringify(answered));
      forwarded = Buffer.from(JSON.stringify(json));
    }
    const upstream = await forward(motoPort, req, forwarded);
    let answer = upstream.body;
    if (patch.response && upstream.status < 300) {
      const json = parseJson(answer);
      patch.response(json, parseJson(body));
      answer = Buffer.from(JSON.stringify(json));
    }
    const headers: Record<string, string | string[] | undefined> = { ...upstream.headers, 'content-length': String(answer.length) };
    delete headers['transfer-encoding'];
    res.writeHead(upstream.status, headers);
    res.end(answer);
  };
  const proxy: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`proxy error: ${error.stack ?? error.message}`);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    answeredByProxy,
    iam,
    async stop() {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    },
  };
}

function send(res: ServerResponse, status: number, headers: Readonly<Record<string, string>>, body: string): void {
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

async function readBody(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

type Upstream = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

function forward(motoPort: number, req: IncomingMessage, body: Buffer): Promise<Upstream> {
  // moto does not check signatures, so a re-serialized body needs no new one.
  const headers = { ...req.headers, 'content-length': String(body.length) };
  return new Promise((resolve, reject) => {
    const upstream = httpRequest({ host: '127.0.0.1', port: motoPort, method: req.method, path: req.url, headers }, (answer) => {
      readBody(answer).then((text) => resolve({ status: answer.statusCode ?? 502, headers: { ...answer.headers }, body: text }), reject);
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

/**
 * moto 5.2.1 drops RedriveAllowPolicy from SetQueueAttributes and refuses it as a name in
 * GetQueueAttributes, so the provider would wait for it until it times out. The proxy keeps the
 * attribute per queue and answers it, as SQS does (an empty value removes it).
 */
class RedriveAllowPolicies {
  private readonly byQueue = new Map<string, string>();

  patch(target: string): Patch | undefined {
    switch (target) {
      case 'AmazonSQS.SetQueueAttributes':
        return {
          request: (body) => {
            const attributes = (body.Attributes ?? {}) as Record<string, string>;
            if (!('RedriveAllowPolicy' in attributes)) return undefined;
            if (attributes.RedriveAllowPolicy) this.byQueue.set(String(body.QueueUrl), attributes.RedriveAllowPolicy);
            else this.byQueue.delete(String(body.QueueUrl));
            delete attributes.RedriveAllowPolicy;
            return Object.keys(attributes).length === 0 ? {} : undefined;
          },
        };
      case 'AmazonSQS.GetQueueAttributes':
        return {
          request: (body) => {
            const names = (body.AttributeNames ?? []) as string[];
            const kept = names.filter((name) => name !== 'RedriveAllowPolicy');
            body.AttributeNames = kept.length === 0 && names.length > 0 ? ['QueueArn'] : kept;
            return undefined;
          },
          response: (answer, request) => {
            const names = (request.AttributeNames ?? []) as string[];
            const stored = this.byQueue.get(String(request.QueueUrl));
            if (stored && (names.includes('All') || names.includes('RedriveAllowPolicy'))) {
              answer.Attributes = { ...((answer.Attributes ?? {}) as Record<string, string>), RedriveAllowPolicy: stored };
            }
          },
        };
      case 'AmazonSQS.DeleteQueue':
        return { request: (body) => void this.byQueue.delete(String(body.QueueUrl)) };
      default:
        return undefined;
    }
  }
}

/** The services the stack uses; every one is pointed at moto. */
const SERVICES = ['apigatewayv2', 'cloudwatch', 'logs', 'dynamodb', 'iam', 'lambda', 'sfn', 'sns', 'sqs', 'sts', 's3', 'kms', 'codebuild', 'codepipeline', 'codestarconnections', 'events'];

/** A Terraform override file (merged into the stack's provider block) that sends every call to moto. */
export function motoProviderOverride(endpoint: string, { fromEnvironment = false } = {}): unknown {
  return {
    provider: {
      aws: [
        {
          region: 'us-east-1',
          // With fromEnvironment, the credentials (and so the role acting) come from AWS_ACCESS_KEY_ID.
          ...(fromEnvironment ? {} : { access_key: 'testing', secret_key: 'testing' }),
          skip_credentials_validation: true,
          skip_metadata_api_check: 'true',
          skip_requesting_account_id: true,
          s3_use_path_style: true,
          max_retries: 2,
          endpoints: [Object.fromEntries(SERVICES.map((service) => [service, endpoint]))],
        },
      ],
    },
  };
}

/** A partial S3 backend configuration (`terraform init -backend-config=<file>`) that keeps state in moto. */
export function motoBackendConfig(endpoint: string): string {
  return [
    `endpoints = { s3 = "${endpoint}" }`,
    'use_path_style = true',
    'skip_credentials_validation = true',
    'skip_requesting_account_id = true',
    'skip_metadata_api_check = true',
    'skip_region_validation = true',
    '',
  ].join('\n');
}
