import { DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, DeleteRolePolicyCommand, IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, DeleteEventSourceMappingCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteStateMachineCommand, DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { waitFor } from '../../cli/poll';
import { as, DEPLOY_DEV, deployStage, DEV_STATE_KEY, KEYS, ok, ROLES, startFixture, STATE_BUCKET, type Fixture } from '../support/deploy-fixture';
import { ACCOUNT } from '../support/iam-enforcer';
import { readStack } from '../support/synth';
import { requireMoto, terraform } from '../support/terraform';

/**
 * Deploys as AWS would judge them: moto holds the CI/CD roles exactly as the synthesized dofs-cicd stack
 * creates them (applied by an administrator), and every request the dev deploy role and the build role
 * make is authorized against those roles' policies and boundaries before moto sees it
 * (test/support/iam-enforcer.ts). State is in moto's S3, under each stack's own key.
 */
requireMoto();

describe('dofs-dev deployed by the CI roles with IAM enforced (moto)', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startFixture();
  }, 600_000);
  afterAll(() => fixture?.stop());

  it("lives through apply, the next build's plan, a wait for another run's lock, a stale plan refused, and destroy, with nothing denied", async () => {
    const { moto } = fixture;
    const denied = moto.iam.denied.length;
    const newDenials = () => moto.iam.denied.slice(denied);
    const dev = await fixture.prepare('dofs-dev', as(KEYS.deployDev));
    const resources = Object.values(readStack(fixture.outdir, 'dofs-dev').resource).reduce((n, r) => n + Object.keys(r).length, 0);

    const started = Date.now();
    const apply = await terraform(dev, ['apply', '-auto-approve', '-input=false', '-parallelism=20'], 600_000, as(KEYS.deployDev));
    const applySeconds = (Date.now() - started) / 1000;
    expect({ apply: ok(apply), denied: newDenials() }).toEqual({ apply: 'ok', denied: [] });
    expect(apply.stdout).toMatch(new RegExp(`Apply complete! Resources: ${resources} added`));
    await expectOutputsAndResources(dev, as(KEYS.deployDev));

    // The Build stage of the next push: a refresh and a saved plan of the applied stack, as the build role.
    await fixture.prepare('dofs-dev', as(KEYS.build));
    const plan = await terraform(dev, ['plan', '-input=false', '-lock-timeout=60s', '-out=tfplan'], 300_000, as(KEYS.build));
    expect({ plan: ok(plan), denied: newDenials() }).toEqual({ plan: 'ok', denied: [] });

    // The deploy stage waits for a lock another run holds, and applies once it is released.
    const s3 = new S3Client(fixture.client());
    const lock = { Bucket: STATE_BUCKET, Key: `${DEV_STATE_KEY}.tflock` };
    await s3.send(new PutObjectCommand({ ...lock, Body: JSON.stringify({ ID: 'held-by-the-test', Operation: 'OperationTypeApply', Who: 'another-run', Version: '1.11.4', Path: `${STATE_BUCKET}/${DEV_STATE_KEY}` }) }));
    const lockAttempts = () => moto.iam.authorized.filter((a) => a.role === DEPLOY_DEV && a.operation === 's3:PutObject' && a.requests[0]!.resource.endsWith('.tflock')).length;
    const attemptsBefore = lockAttempts();
    const waiting = deployStage(fixture, { DOFS_LOCK_TIMEOUT: '120s' });
    await waitFor('the deploy stage to retry the held lock', async () => (lockAttempts() >= attemptsBefore + 2 ? true : undefined), 60_000, 200);
    await s3.send(new DeleteObjectCommand(lock));
    const applied = await waiting;
    expect({ deploy: ok(applied), denied: newDenials() }).toEqual({ deploy: 'ok', denied: [] });
    expect(applied.stdout).toMatch(/Apply complete!/);

    // A plan made before the state changed is refused, and nothing is applied.
    await fixture.prepare('dofs-dev', as(KEYS.build));
    expect(ok(await terraform(dev, ['plan', '-input=false', '-out=tfplan'], 300_000, as(KEYS.build)))).toBe('ok');
    await fixture.prepare('dofs-dev', as(KEYS.deployDev));
    const target = Object.keys(readStack(fixture.outdir, 'dofs-dev').resource.aws_cloudwatch_event_target!)[0]!;
    const change = await terraform(dev, ['apply', '-auto-approve', '-input=false', `-replace=aws_cloudwatch_event_target.${target}`], 300_000, as(KEYS.deployDev));
    expect(ok(change)).toBe('ok');
    const stale = await deployStage(fixture);
    expect(stale.status).toBe(1);
    expect(`${stale.stdout}${stale.stderr}`).toMatch(/Saved plan is stale/);
    expect(stale.stderr).toMatch(/dofs: the saved plan for dofs-dev is stale: .* Nothing was applied\. Release the change again/);

    await fixture.prepare('dofs-dev', as(KEYS.deployDev));
    const destroy = await terraform(dev, ['destroy', '-auto-approve', '-input=false', '-parallelism=20'], 600_000, as(KEYS.deployDev));
    expect({ destroy: ok(destroy), denied: newDenials() }).toEqual({ destroy: 'ok', denied: [] });

    const report = { applySeconds, resources, deployRole: moto.iam.summary(DEPLOY_DEV), buildRole: moto.iam.summary(ROLES[KEYS.build]) };
    process.stdout.write(`deploy-as-role: ${JSON.stringify(report, null, 1)}\n`);
    expect(Object.keys(report.deployRole)).toEqual(expect.arrayContaining(['dynamodb', 'iam', 'lambda', 'sqs', 'states', 's3']));
  }, 1_200_000);

  it("denies the dev deploy role prod's resources, every CI/CD role, prod's mappings and other stacks' state, in each service's error format", async () => {
    const admin = fixture.client();
    const dev = fixture.client(KEYS.deployDev);
    // A prod mapping to try to delete: made by the administrator.
    const roleArn = (await new IAMClient(admin).send(new CreateRoleCommand({ RoleName: 'dofs-prod-fulfill_order', AssumeRolePolicyDocument: '{}' }))).Role!.Arn!;
    const queue = await new SQSClient(admin).send(new CreateQueueCommand({ QueueName: 'dofs-prod-order_queue' }));
    const { QueueUrl } = queue;
    const queueArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:dofs-prod-order_queue`;
    await new LambdaClient(admin).send(new CreateFunctionCommand({ FunctionName: 'dofs-prod-fulfill_order', Role: roleArn, Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: new Uint8Array([80, 75, 5, 6, ...new Array<number>(18).fill(0)]) } }));
    const mapping = await new LambdaClient(admin).send(new CreateEventSourceMappingCommand({ FunctionName: 'dofs-prod-fulfill_order', EventSourceArn: queueArn }));

    const refusals: [string, () => Promise<unknown>, RegExp][] = [
      ['dynamodb:DeleteTable', () => new DynamoDBClient(dev).send(new DeleteTableCommand({ TableName: 'dofs-prod-orders' })), /AccessDeniedException/],
      ['sqs:DeleteQueue', () => new SQSClient(dev).send(new DeleteQueueCommand({ QueueUrl })), /AccessDenied/],
      ['lambda:UpdateFunctionConfiguration', () => new LambdaClient(dev).send(new UpdateFunctionConfigurationCommand({ FunctionName: 'dofs-prod-fulfill_order', Timeout: 1 })), /AccessDeniedException/],
      ['states:DeleteStateMachine', () => new SFNClient(dev).send(new DeleteStateMachineCommand({ stateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:dofs-prod-order-workflow` })), /AccessDeniedException/],
      ['lambda:DeleteEventSourceMapping', () => new LambdaClient(dev).send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID! })), /AccessDeniedException/],
      ...['dofs-cicd-pipeline', 'dofs-cicd-build', 'dofs-cicd-deploy-dev', 'dofs-cicd-deploy-prod'].flatMap((role): [string, () => Promise<unknown>, RegExp][] => [
        ['iam:UpdateAssumeRolePolicy', () => new IAMClient(dev).send(new UpdateAssumeRolePolicyCommand({ RoleName: role, PolicyDocument: '{}' })), /AccessDenied/],
        ['iam:DeleteRolePolicy', () => new IAMClient(dev).send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName: 'least-privilege' })), /AccessDenied/],
        // Handing a CI/CD role to a function the dev role may create.
        ['iam:PassRole', () => new LambdaClient(dev).send(new CreateFunctionCommand({ FunctionName: 'dofs-dev-borrowed', Role: `arn:aws:iam::${ACCOUNT}:role/${role}`, Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: new Uint8Array(22) } })), /AccessDeniedException/],
      ]),
      ['s3:PutObject', () => new S3Client(dev).send(new PutObjectCommand({ Bucket: STATE_BUCKET, Key: 'dofs/dofs-prod/terraform.tfstate', Body: '{}' })), /AccessDenied/],
      ['s3:GetObject', () => new S3Client(dev).send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key: 'dofs/dofs-cicd/terraform.tfstate' })), /AccessDenied/],
    ];
    for (const [action, call, name] of refusals) {
      const error = (await call().then(() => new Error('allowed'), (e: unknown) => e)) as Error;
      expect({ action, name: error.name, message: error.message }).toEqual({ action, name: expect.stringMatching(name), message: expect.stringContaining(`not authorized to perform: ${action} on resource:`) });
    }
  }, 120_000);

  /** The stack's outputs name what it created, and moto holds what was asked for. */
  async function expectOutputsAndResources(dir: string, env: NodeJS.ProcessEnv) {
    const outputs = JSON.parse((await terraform(dir, ['output', '-json'], 60_000, env)).stdout) as Record<string, { value: string }>;
    expect(outputs.orders_table!.value).toBe('dofs-dev-orders');
    expect(outputs.failed_orders_table!.value).toBe('dofs-dev-failed_orders');
    expect(outputs.order_queue_url!.value).toMatch(/dofs-dev-order_queue$/);
    expect(outputs.state_machine_arn!.value).toMatch(/:stateMachine:dofs-dev-order-workflow$/);
    expect(outputs.api_url!.value).toMatch(/^https?:\/\//);
    const client = fixture.client();
    const { Table } = await new DynamoDBClient(client).send(new DescribeTableCommand({ TableName: 'dofs-dev-orders' }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'order_id', KeyType: 'HASH' }]);
    const sqs = new SQSClient(client);
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: outputs.order_queue_url!.value, AttributeNames: ['All'] }));
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toMatchObject({ maxReceiveCount: 3 });
    expect(Attributes!.VisibilityTimeout).toBe('60');
    const dlq = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: outputs.order_dlq_url!.value, AttributeNames: ['RedriveAllowPolicy'] }));
    expect(JSON.parse(dlq.Attributes!.RedriveAllowPolicy!)).toMatchObject({ redrivePermission: 'byQueue' });
    const machine = await new SFNClient(client).send(new DescribeStateMachineCommand({ stateMachineArn: outputs.state_machine_arn!.value }));
    expect((JSON.parse(machine.definition!) as { StartAt: string }).StartAt).toBe('ValidateOrder');
    expect(fixture.moto.answeredByProxy).toContain('AWSStepFunctions.ValidateStateMachineDefinition');
  }
});
