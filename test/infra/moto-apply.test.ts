import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SFNClient, DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { MOTO_UNSUPPORTED, motoProviderOverride, motoTargets, startMoto, type Moto } from '../support/moto';
import { readStack, removeSynthDir, synthToDir } from '../support/synth';
import { describeTerraform, motoTools, terraform } from '../support/terraform';

const tools = motoTools();
const suite = tools.available ? describe : describe.skip;

type State = { resources?: { mode: 'managed' | 'data'; type: string; name: string }[] };

suite('terraform apply and destroy of dofs-dev against moto', () => {
  let moto: Moto;
  let outdir: string;
  let dir: string;
  let targets: string[];

  beforeAll(async () => {
    moto = await startMoto();
    outdir = synthToDir({ DOFS_ALARM_EMAIL: 'ops@example.com' });
    dir = join(outdir, 'stacks', 'dofs-dev');
    const stack = readStack(outdir, 'dofs-dev');
    targets = motoTargets(stack);
    for (const [type, why] of Object.entries(MOTO_UNSUPPORTED)) {
      const count = Object.keys(stack.resource[type] ?? {}).length;
      if (count > 0) process.stderr.write(`moto apply: ${count} ${type} not applied: ${why}\n`);
    }
    writeFileSync(join(dir, 'moto_override.tf.json'), JSON.stringify(motoProviderOverride(moto.endpoint), null, 2));
    const init = await terraform(dir, ['init', '-input=false']);
    if (init.status !== 0) throw new Error(`terraform init failed: ${describeTerraform(init)}`);
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
    if (outdir) removeSynthDir(outdir);
  });

  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

  it('applies every resource, with outputs that name them', async () => {
    const apply = await terraform(dir, ['apply', '-auto-approve', '-input=false', '-parallelism=20', ...targets], 600_000);
    expect({ apply: apply.status === 0 ? 'ok' : describeTerraform(apply) }).toEqual({ apply: 'ok' });

    const outputs = JSON.parse((await terraform(dir, ['output', '-json'])).stdout) as Record<string, { value: string }>;
    expect(outputs.orders_table!.value).toBe('dofs-dev-orders');
    expect(outputs.failed_orders_table!.value).toBe('dofs-dev-failed_orders');
    expect(outputs.order_queue_url!.value).toMatch(/dofs-dev-order_queue$/);
    expect(outputs.state_machine_arn!.value).toMatch(/:stateMachine:dofs-dev-order-workflow$/);
    expect(outputs.api_url!.value).toMatch(/^https?:\/\//);

    // What moto now holds is what was asked for.
    const dynamodb = new DynamoDBClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials });
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: 'dofs-dev-orders' }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'order_id', KeyType: 'HASH' }]);
    const sqs = new SQSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials });
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: outputs.order_queue_url!.value, AttributeNames: ['All'] }));
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toMatchObject({ maxReceiveCount: 3 });
    expect(Attributes!.VisibilityTimeout).toBe('60');
    const sfn = new SFNClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials });
    const machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: outputs.state_machine_arn!.value }));
    expect(JSON.parse(machine.definition!).StartAt).toBe('ValidateOrder');
    expect(moto.answeredByProxy).toContain('AWSStepFunctions.ValidateStateMachineDefinition');
    // Everything but the named gaps was created.
    expect(apply.stdout).toMatch(new RegExp(`Apply complete! Resources: ${targets.length} added`));
  }, 600_000);

  it('destroys everything it created', async () => {
    const destroy = await terraform(dir, ['destroy', '-auto-approve', '-input=false', '-parallelism=20', ...targets], 600_000);
    expect({ destroy: destroy.status === 0 ? 'ok' : describeTerraform(destroy) }).toEqual({ destroy: 'ok' });
    const state = JSON.parse(readFileSync(join(outdir, '..', 'terraform.dofs-dev.tfstate'), 'utf8')) as State;
    // Data sources (the policy documents) may stay in state; no managed resource may.
    expect((state.resources ?? []).filter((resource) => resource.mode === 'managed')).toEqual([]);
  }, 600_000);
});
