import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
      if (typeof metadata?.[key] === 'string') metadata[key] = Date.parse(metadata[key] as string) / 1000;
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
  aws_sqs_queue_redrive_allow_policy:
    'moto 5.2.1 does not store a queue\'s RedriveAllowPolicy, so the provider waits for it to appear until it times out',
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
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`moto_server did not answer within ${timeoutMs} ms`);
}

export async function startMoto(): Promise<Moto> {
  const motoPort = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(motoPort)], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  await waitUntilUp(`http://127.0.0.1:${motoPort}/moto-api/`, child, 30_000);

  const answeredByProxy: string[] = [];
  const proxy: Server = createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const requestPatch = MOTO_REQUEST_PATCHES[target];
    const responsePatch = MOTO_RESPONSE_PATCHES[target];
    if (requestPatch || responsePatch) {
      void forwardPatched(req, res, motoPort, requestPatch, responsePatch);
      return;
    }
    const canned = MOTO_GAPS[target];
    if (canned) {
      answeredByProxy.push(target);
      req.resume();
      const body = JSON.stringify(canned);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port: motoPort, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      res.writeHead(502);
      res.end(error.message);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    answeredByProxy,
    async stop() {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    },
  };
}

async function readJson(stream: AsyncIterable<unknown>): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

async function forwardPatched(
  req: IncomingMessage,
  res: ServerResponse,
  motoPort: number,
  patchRequest?: (body: Record<string, unknown>) => void,
  patchResponse?: (body: Record<string, unknown>) => void,
): Promise<void> {
  const body = await readJson(req);
  patchRequest?.(body);
  const payload = JSON.stringify(body);
  // moto does not check signatures, so a re-serialized body needs no new one.
  const headers = { ...req.headers, 'content-length': String(Buffer.byteLength(payload)) };
  const upstream = httpRequest({ host: '127.0.0.1', port: motoPort, method: req.method, path: req.url, headers }, async (upstreamRes) => {
    const answer = await readJson(upstreamRes);
    if ((upstreamRes.statusCode ?? 500) < 300) patchResponse?.(answer);
    const text = JSON.stringify(answer);
    res.writeHead(upstreamRes.statusCode ?? 502, { ...upstreamRes.headers, 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  });
  upstream.on('error', (error) => {
    res.writeHead(502);
    res.end(error.message);
  });
  upstream.end(payload);
}

/** The services the stack uses; every one is pointed at moto. */
const SERVICES = ['apigatewayv2', 'cloudwatch', 'logs', 'dynamodb', 'iam', 'lambda', 'sfn', 'sns', 'sqs', 'sts', 's3', 'kms', 'codebuild', 'codepipeline', 'codestarconnections', 'events'];

/** A Terraform override file (merged into the stack's provider block) that sends every call to moto. */
export function motoProviderOverride(endpoint: string): unknown {
  return {
    provider: {
      aws: [
        {
          region: 'us-east-1',
          access_key: 'testing',
          secret_key: 'testing',
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
