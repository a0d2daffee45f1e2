import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT } from '../support/iam-enforcer';
import { motoBackendConfig, motoProviderOverride, startMoto, type Moto } from '../support/moto';
import { readStack, removeSynthDir, synthToDir } from '../support/synth';
import { describeTerraform, motoTools, terraform, type TerraformResult } from '../support/terraform';

/**
 * The first deploy as AWS would judge it: moto holds the CI/CD roles exactly as the synthesized dofs-cicd
 * stack creates them (applied by an administrator), and every request the dev deploy role and the build
 * role make is authorized against those roles' policies and boundaries before moto sees it
 * (test/support/iam-enforcer.ts). State is in moto's S3, under each stack's own key.
 */
const tools = motoTools();
const suite = tools.available ? describe : describe.skip;

const STATE_BUCKET = 'dofs-terraform-state';
const KEYS = { deployDev: 'AKIADOFSDEPLOYDEV001', build: 'AKIADOFSBUILDROLE001' } as const;
const ROLES = { [KEYS.deployDev]: 'dofs-cicd-deploy-dev', [KEYS.build]: 'dofs-cicd-build' };
const BOUNDARY_DEV = `arn:aws:iam::${ACCOUNT}:policy/dofs-cicd-boundary-dev`;

suite('dofs-dev deployed by the CI roles with IAM enforced (moto)', () => {
  let moto: Moto;
  let outdir: string;
  const as = (key: string) => ({ AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' });
  const admin = as('testing');
  const ok = (result: TerraformResult) => (result.status === 0 ? 'ok' : describeTerraform(result));

  async function prepare(stack: string, env: NodeJS.ProcessEnv): Promise<string> {
    const dir = join(outdir, 'stacks', stack);
    writeFileSync(join(dir, 'moto_override.tf.json'), JSON.stringify(motoProviderOverride(moto.endpoint, { fromEnvironment: true }), null, 2));
    writeFileSync(join(dir, 'moto.s3.tfbackend'), motoBackendConfig(moto.endpoint));
    const init = await terraform(dir, ['init', '-input=false', '-reconfigure', ...(stack === 'dofs-bootstrap' ? [] : ['-backend-config=moto.s3.tfbackend'])], 120_000, env);
    if (init.status !== 0) throw new Error(`terraform init of ${stack} failed: ${describeTerraform(init)}`);
    return dir;
  }

  beforeAll(async () => {
    moto = await startMoto({ roles: ROLES });
    outdir = synthToDir({
      DOFS_STATE_BUCKET: STATE_BUCKET,
      DOFS_PIPELINE_SOURCE: 'token',
      DOFS_PIPELINE_PROD: 'true',
      DOFS_PERMISSIONS_BOUNDARY_ARN_DEV: BOUNDARY_DEV,
      DOFS_ALARM_EMAIL: 'ops@example.com',
    });
    // The administrator's one-time steps: the state bucket, then the CI/CD roles and boundaries.
    // All but the bucket policy: its TLS-only Deny holds in moto too, and these calls are plain HTTP.
    const bootstrap = await prepare('dofs-bootstrap', admin);
    const bucketParts = Object.entries(readStack(outdir, 'dofs-bootstrap').resource)
      .filter(([type]) => type !== 'aws_s3_bucket_policy')
      .flatMap(([type, items]) => Object.keys(items).map((name) => `-target=${type}.${name}`));
    const created = await terraform(bootstrap, ['apply', '-auto-approve', '-input=false', '-var', `state_bucket=${STATE_BUCKET}`, ...bucketParts], 300_000, admin);
    if (created.status !== 0) throw new Error(`bootstrap failed: ${describeTerraform(created)}`);
    const cicd = await prepare('dofs-cicd', admin);
    const cicdStack = readStack(outdir, 'dofs-cicd');
    const roles = Object.keys(cicdStack.resource.aws_iam_role_policy ?? {}).map((name) => `-target=aws_iam_role_policy.${name}`);
    const vars = ['-var', 'github_repository=acme/dofs', '-var', `state_bucket=${STATE_BUCKET}`, '-var', 'github_token=unused'];
    const applied = await terraform(cicd, ['apply', '-auto-approve', '-input=false', '-parallelism=20', ...vars, ...roles, '-target=aws_iam_policy.boundary_dev'], 300_000, admin);
    if (applied.status !== 0) throw new Error(`dofs-cicd roles failed: ${describeTerraform(applied)}`);
  }, 600_000);

  afterAll(async () => {
    await moto?.stop();
    if (outdir) removeSynthDir(outdir);
  });

  it('applies all of dofs-dev as the dev deploy role, plans it again as the build role, and destroys it, with nothing denied', async () => {
    const dev = await prepare('dofs-dev', as(KEYS.deployDev));
    const resources = Object.values(readStack(outdir, 'dofs-dev').resource).reduce((n, r) => n + Object.keys(r).length, 0);

    const started = Date.now();
    const apply = await terraform(dev, ['apply', '-auto-approve', '-input=false', '-parallelism=20'], 600_000, as(KEYS.deployDev));
    const applySeconds = (Date.now() - started) / 1000;
    expect({ apply: ok(apply), denied: moto.iam.denied }).toEqual({ apply: 'ok', denied: [] });
    expect(apply.stdout).toMatch(new RegExp(`Apply complete! Resources: ${resources} added`));
    await expectOutputsAndResources(dev, as(KEYS.deployDev));

    // The Build stage of the next push: a refresh and plan of the applied stack, as the build role.
    await prepare('dofs-dev', as(KEYS.build));
    const plan = await terraform(dev, ['plan', '-input=false', '-detailed-exitcode', '-lock-timeout=60s'], 300_000, as(KEYS.build));
    expect({ plan: plan.status === 0 || plan.status === 2 ? 'ok' : describeTerraform(plan), denied: moto.iam.denied }).toEqual({ plan: 'ok', denied: [] });

    await prepare('dofs-dev', as(KEYS.deployDev));
    const destroy = await terraform(dev, ['destroy', '-auto-approve', '-input=false', '-parallelism=20'], 600_000, as(KEYS.deployDev));
    expect({ destroy: ok(destroy), denied: moto.iam.denied }).toEqual({ destroy: 'ok', denied: [] });

    const report = { applySeconds, resources, deployRole: moto.iam.summary(ROLES[KEYS.deployDev]), buildRole: moto.iam.summary(ROLES[KEYS.build]) };
    process.stdout.write(`deploy-as-role: ${JSON.stringify(report, null, 1)}\n`);
    expect(Object.keys(report.deployRole)).toEqual(expect.arrayContaining(['dynamodb', 'iam', 'lambda', 'sqs', 'states', 's3']));

  }, 1_200_000);

  /** The stack's outputs name what it created, and moto holds what was asked for. */
  async function expectOutputsAndResources(dir: string, env: NodeJS.ProcessEnv) {
    const outputs = JSON.parse((await terraform(dir, ['output', '-json'], 60_000, env)).stdout) as Record<string, { value: string }>;
    expect(outputs.orders_table!.value).toBe('dofs-dev-orders');
    expect(outputs.failed_orders_table!.value).toBe('dofs-dev-failed_orders');
    expect(outputs.order_queue_url!.value).toMatch(/dofs-dev-order_queue$/);
    expect(outputs.state_machine_arn!.value).toMatch(/:stateMachine:dofs-dev-order-workflow$/);
    expect(outputs.api_url!.value).toMatch(/^https?:\/\//);
    const client = { region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    const { Table } = await new DynamoDBClient(client).send(new DescribeTableCommand({ TableName: 'dofs-dev-orders' }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'order_id', KeyType: 'HASH' }]);
    const sqs = new SQSClient(client);
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: outputs.order_queue_url!.value, AttributeNames: ['All'] }));
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toMatchObject({ maxReceiveCount: 3 });
    expect(Attributes!.VisibilityTimeout).toBe('60');
    const dlq = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: outputs.order_dlq_url!.value, AttributeNames: ['RedriveAllowPolicy'] }));
    expect(JSON.parse(dlq.Attributes!.RedriveAllowPolicy!)).toMatchObject({ redrivePermission: 'byQueue' });
    const machine = await new SFNClient(client).send(new DescribeStateMachineCommand({ stateMachineArn: outputs.state_machine_arn!.value }));
    expect(JSON.parse(machine.definition!).StartAt).toBe('ValidateOrder');
    expect(moto.answeredByProxy).toContain('AWSStepFunctions.ValidateStateMachineDefinition');
  }

});
