import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceRole } from '../platform/service-role';
import type { PolicyStatement } from '../topology/access';
import { FUNCTIONS, LAMBDA_LOGGING, type FunctionKey } from '../topology/functions';
import { resourceName } from '../topology/names';

export const LAMBDA_RUNTIME = 'nodejs22.x';

/** X-Ray offers no resource-level permissions for sending traces: `*` is the narrowest resource there is. */
export const XRAY_WRITE: PolicyStatement = {
  sid: 'XRayTraces',
  actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
  resources: ['*'],
};

export interface DofsFunctionOptions {
  readonly key: FunctionKey;
  readonly environment: string;
  /** dist/lambdas: where `npm run build` put the bundles and their deployment zips. */
  readonly bundleDir: string;
  readonly logRetentionDays: number;
  readonly reservedConcurrency?: number | undefined;
  /** What the handler may do (from its declaration in topology/access.ts), beyond its logs and traces. */
  readonly statements: readonly PolicyStatement[];
  /** Its environment: the names of the resources it uses, and its settings. */
  readonly variables: Readonly<Record<string, string>>;
  readonly permissionsBoundary?: string | undefined;
}

/**
 * One handler with every default fixed in one place: nodejs22.x on arm64, the esbuild bundle as a
 * zipped asset, active tracing, its own log group with retention, and its own least-privilege role.
 */
export class DofsFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly role: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly functionName: string;

  constructor(scope: Construct, id: string, options: DofsFunctionOptions) {
    super(scope, id);
    const definition = FUNCTIONS[options.key];
    this.functionName = resourceName(options.environment, options.key);
    const bundle = join(options.bundleDir, `${options.key}.zip`);
    if (!existsSync(bundle)) {
      throw new Error(`no bundle for ${options.key} in ${bundle}: run \`npm run build\` before synthesizing`);
    }

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${this.functionName}`,
      retentionInDays: options.logRetentionDays,
    });
    this.role = new ServiceRole(this, 'execution', {
      roleName: this.functionName,
      servicePrincipal: 'lambda.amazonaws.com',
      permissionsBoundary: options.permissionsBoundary,
      statements: [
        {
          sid: 'WriteOwnLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${this.logGroup.arn}:*`],
        },
        XRAY_WRITE,
        ...options.statements,
      ],
    });

    const asset = new TerraformAsset(this, 'bundle', { path: bundle, type: AssetType.FILE });
    const variables = options.variables;
    this.fn = new LambdaFunction(this, 'function', {
      functionName: this.functionName,
      description: definition.description,
      role: this.role.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: Fn.filebase64sha256(asset.path),
      timeout: definition.timeoutSeconds,
      memorySize: definition.memoryMb,
      tracingConfig: { mode: 'Active' },
      loggingConfig: { ...LAMBDA_LOGGING },
      ...(Object.keys(variables).length > 0 ? { environment: { variables } } : {}),
      ...(options.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: options.reservedConcurrency } : {}),
      // The log group must exist (with its retention) before Lambda would create one without it.
      dependsOn: [this.logGroup, this.role.policy],
    });
  }
}
