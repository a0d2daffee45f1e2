import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDocumentClient } from '../lambdas/shared/clients/dynamodb';
import { FailedOrderRepository, OrderRepository } from '../lambdas/shared/order-repository';
import { localClients } from '../local/aws-clients';
import { ConfigurationError, readEnv } from '../topology/env';
import { NotSupportedError, OperationFailedError, TargetUnreachableError, UsageError } from './errors';

/** Where the command line sends its requests: the local runtime (default) or a deployed stack. */
export interface TargetOptions {
  readonly url?: string;
  readonly apiUrl?: string;
  readonly stack?: string;
  readonly outputs?: string;
}

export interface Resources {
  readonly region: string;
  readonly ordersTable: string;
  readonly failedOrdersTable: string;
  readonly orderQueueUrl: string;
  readonly orderDlqUrl: string;
  readonly orderDlqArn: string;
  /** Emulator endpoints (local runtime only); the SDK's own resolution on AWS. */
  readonly endpoints?: { dynamodb: string; sqs: string };
}

export interface Stores {
  readonly orders: OrderRepository;
  readonly failedOrders: FailedOrderRepository;
  readonly sqs: SQSClient;
  readonly resources: Resources;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const LOCAL_HINT = 'Start the local runtime with `npm start` (in the project directory), or point at another one with --url / DOFS_URL.';

export abstract class Target {
  abstract readonly kind: 'local' | 'aws';
  /** Base URL of the order API (POST {apiUrl}/orders). */
  abstract readonly apiUrl: string;
  abstract readonly label: string;
  protected abstract unreachableHint(): string;
  protected abstract loadResources(): Promise<Resources>;

  private stores: Promise<Stores> | undefined;

  async request(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, base = this.apiUrl): Promise<ApiResponse> {
    let response: Response;
    try {
      response = await fetch(`${base.replace(/\/$/, '')}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new TargetUnreachableError(`Cannot reach the ${this.label} (${reason}).`, this.unreachableHint());
    }
    const text = await response.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { error: text.slice(0, 200) };
    }
    return { status: response.status, body: parsed };
  }

  /** Repositories and an SQS client for the commands that read tables and queues directly. */
  async open(): Promise<Stores> {
    this.stores ??= this.loadResources().then((resources) => {
      const { documents, sqs } = resources.endpoints
        ? localClients(resources.endpoints, { region: resources.region })
        : { documents: createDocumentClient(new DynamoDBClient({ region: resources.region })), sqs: new SQSClient({ region: resources.region }) };
      return {
        orders: new OrderRepository(documents, resources.ordersTable),
        failedOrders: new FailedOrderRepository(documents, resources.failedOrdersTable),
        sqs,
        resources,
      };
    });
    return this.stores;
  }
}

interface LocalDescription {
  region: string;
  endpoints: { dynamodb: string; sqs: string };
  resources: { ordersTable: string; failedOrdersTable: string; orderQueueUrl: string; orderDlqUrl: string; orderDlqArn: string };
}

export class LocalTarget extends Target {
  readonly kind = 'local';
  readonly label: string;

  constructor(readonly apiUrl: string) {
    super();
    this.label = `local runtime at ${apiUrl}`;
  }

  protected unreachableHint(): string {
    return LOCAL_HINT;
  }

  /** The runtime's own routes (/_local/...). */
  async local(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<ApiResponse> {
    const response = await this.request(method, path, body);
    if (response.status === 404 && path.startsWith('/_local/')) {
      throw new UsageError(
        `${this.apiUrl} answered, but it is not a DOFS local runtime.`,
        'For a deployed stack, pass --api-url with --outputs or --stack instead of --url.',
      );
    }
    return response;
  }

  protected async loadResources(): Promise<Resources> {
    const { body } = await this.local('GET', '/_local/resources');
    const { region, endpoints, resources } = body as unknown as LocalDescription;
    return { region, endpoints, ...resources };
  }
}

type Outputs = Record<string, string>;

export class AwsTarget extends Target {
  readonly kind = 'aws';
  readonly label: string;

  constructor(
    readonly apiUrl: string,
    private readonly outputs: Outputs | undefined,
  ) {
    super();
    this.label = `deployed API at ${apiUrl}`;
  }

  protected unreachableHint(): string {
    return 'Check the URL (the stack output api_url) and your network; `npx cdktf output <stack>` prints it.';
  }

  protected async loadResources(): Promise<Resources> {
    if (!this.outputs) {
      throw new UsageError(
        'This command reads the tables and queues directly, so it needs the stack outputs, not only the API URL.',
        'Pass --stack <name> (reads `terraform output` in cdktf.out/stacks/<name>) or --outputs <file> (from `cdktf deploy --outputs-file`).',
      );
    }
    const need = (name: string) => {
      const value = this.outputs?.[name];
      if (!value) throw new UsageError(`The stack outputs have no ${name}.`, 'Deploy the current version of the stack, then try again.');
      return value;
    };
    const orderDlqUrl = need('order_dlq_url');
    return {
      region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? regionOfQueue(orderDlqUrl),
      ordersTable: need('orders_table'),
      failedOrdersTable: need('failed_orders_table'),
      orderQueueUrl: need('order_queue_url'),
      orderDlqUrl,
      orderDlqArn: queueArn(orderDlqUrl),
    };
  }
}

/** https://sqs.us-east-1.amazonaws.com/123456789012/name -> us-east-1 */
export function regionOfQueue(queueUrl: string): string {
  const match = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(queueUrl);
  if (!match) throw new UsageError(`Cannot tell the region from ${queueUrl}.`, 'Set AWS_REGION.');
  return match[1]!;
}

/** https://sqs.us-east-1.amazonaws.com/123456789012/name -> arn:aws:sqs:us-east-1:123456789012:name */
export function queueArn(queueUrl: string): string {
  const { pathname } = new URL(queueUrl);
  const [account, name] = pathname.split('/').filter(Boolean);
  if (!account || !name) throw new UsageError(`${queueUrl} is not an SQS queue URL.`);
  return `arn:aws:sqs:${regionOfQueue(queueUrl)}:${account}:${name}`;
}

/**
 * Stack outputs as `terraform output -json` prints them ({name: {value}}) or as `cdktf deploy
 * --outputs-file` writes them ({stack: {name: value}}), flattened to {name: value}.
 */
export function parseOutputs(json: unknown, stack?: string): Outputs {
  const object = (json ?? {}) as Record<string, unknown>;
  const values = Object.values(object);
  if (values.length > 0 && values.every((value) => typeof value === 'object' && value !== null && 'value' in value)) {
    return Object.fromEntries(Object.entries(object).map(([name, value]) => [name, String((value as { value: unknown }).value)]));
  }
  const stacks = Object.keys(object);
  const chosen = stack ?? (stacks.length === 1 ? stacks[0] : undefined);
  if (!chosen || !(chosen in object)) {
    throw new UsageError(`The outputs file has stacks ${stacks.join(', ') || '(none)'}; choose one with --stack.`);
  }
  return Object.fromEntries(Object.entries(object[chosen] as Record<string, unknown>).map(([name, value]) => [name, String(value)]));
}

function readOutputsFile(path: string, stack?: string): Outputs {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`Cannot read the outputs file ${path}: ${(error as Error).message}`, 'Write it with `npx cdktf deploy <stack> --outputs-file outputs.json`.');
  }
  return parseOutputs(json, stack);
}

function terraformOutputs(stack: string): Outputs {
  const directory = join('cdktf.out', 'stacks', stack);
  if (!existsSync(directory)) {
    throw new UsageError(`There is no synthesized stack ${stack} here (${directory}).`, 'Run the command from the project directory after `npx cdktf deploy`, or use --outputs.');
  }
  const result = spawnSync('terraform', [`-chdir=${directory}`, 'output', '-json'], { encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw new UsageError('terraform is not on PATH, so the stack outputs cannot be read.', 'Install terraform, or pass --outputs <file>.');
  if (result.status !== 0) {
    throw new OperationFailedError(`terraform output failed for ${stack}: ${result.stderr.trim().split('\n')[0] ?? ''}`, 'Is the stack deployed, and its state reachable (AWS credentials for the S3 backend)?');
  }
  return parseOutputs(JSON.parse(result.stdout || '{}'));
}

/** Where the command line looks when no flag says: DOFS_URL, DOFS_API_URL, and PORT as `npm start` reads it. */
function readTargetSettings(env: NodeJS.ProcessEnv): { localUrl: string; apiUrl: string | undefined } {
  try {
    return readEnv(env, (read) => ({
      localUrl: read.text('DOFS_URL') ?? `http://localhost:${read.number('PORT', 3000, { min: 1, max: 65535, integer: true }, 'a port from 1 to 65535')}`,
      apiUrl: read.text('DOFS_API_URL'),
    }));
  } catch (error) {
    if (error instanceof ConfigurationError) throw new UsageError(`${error.message}.`);
    throw error;
  }
}

function checkedUrl(value: string, flag: string): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) throw new UsageError(`${flag} must be an http(s) URL (got "${value}").`);
  return value.replace(/\/+$/, '');
}

export function resolveTarget(options: TargetOptions, env: NodeJS.ProcessEnv = process.env): Target {
  const settings = readTargetSettings(env);
  const apiUrl = options.apiUrl ?? settings.apiUrl;
  if (!apiUrl && !options.stack && !options.outputs) return new LocalTarget(checkedUrl(options.url ?? settings.localUrl, '--url'));
  if (options.url) throw new UsageError('--url is for the local runtime; it cannot be combined with --api-url, --stack or --outputs.');
  const outputs = options.outputs ? readOutputsFile(options.outputs, options.stack) : options.stack ? terraformOutputs(options.stack) : undefined;
  const url = apiUrl ?? outputs?.api_url;
  if (!url) throw new UsageError('The stack outputs have no api_url.', 'Pass --api-url.');
  return new AwsTarget(checkedUrl(url, '--api-url'), outputs);
}

export function requireLocal(target: Target, what: string, instead: string): LocalTarget {
  if (target instanceof LocalTarget) return target;
  throw new NotSupportedError(`${what} is available on the local runtime only.`, instead);
}
