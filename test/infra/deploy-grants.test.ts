import { as, DEPLOY_DEV, KEYS, startFixture, type Fixture } from '../support/deploy-fixture';
import { readStack } from '../support/synth';
import { requireMoto, terraform } from '../support/terraform';

requireMoto();

/**
 * A sample per service of the deploy role's grants: with that one action taken out of its policy, an
 * apply of a resource that needs it fails, and the failure names the action. (Every action would take an
 * apply each, about 80 of them; states:* is left out because a state machine needs both task functions
 * and order_queue, whose creation alone takes 25 s against moto. kms:DescribeKey is not sampled: the
 * provider swallows its denial (clearSSEDefaultKey in its DynamoDB table code) and the apply succeeds; the
 * grant lets it recognise the tables' default key, so plans show no spurious kms_key_arn change.)
 */
const SAMPLES: readonly { action: string; type: string; name: RegExp }[] = [
  { action: 'dynamodb:CreateTable', type: 'aws_dynamodb_table', name: /^tables_failed_orders_/ },
  { action: 'sqs:TagQueue', type: 'aws_sqs_queue', name: /order_dlq/ },
  { action: 'iam:TagRole', type: 'aws_iam_role', name: /pending_sweeper/ },
  { action: 'iam:PassRole', type: 'aws_lambda_function', name: /validator/ },
  { action: 'lambda:TagResource', type: 'aws_lambda_function', name: /order_storage/ },
  { action: 'logs:PutRetentionPolicy', type: 'aws_cloudwatch_log_group', name: /access_logs/ },
  { action: 'sns:TagResource', type: 'aws_sns_topic', name: /alarms/ },
  { action: 'events:TagResource', type: 'aws_cloudwatch_event_rule', name: /schedule/ },
  { action: 'apigateway:POST', type: 'aws_apigatewayv2_api', name: /api/ },
  { action: 'cloudwatch:TagResource', type: 'aws_cloudwatch_metric_alarm', name: /validator_errors/ },
  // The state itself: taking the lock file and saving the state are both refused.
  { action: 's3:PutObject', type: 'aws_dynamodb_table', name: /^tables_orders_/ },
];

describe("The deploy role's grants, one removed at a time (moto)", () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startFixture();
  }, 600_000);
  afterAll(() => fixture?.stop());

  it('fails the apply of a resource that needs the removed action, naming it', async () => {
    const stack = readStack(fixture.outdir, 'dofs-dev');
    const dev = await fixture.prepare('dofs-dev', as(KEYS.deployDev));
    for (const { action, type, name } of SAMPLES) {
      const resource = Object.keys(stack.resource[type] ?? {}).find((id) => name.test(id));
      expect({ action, resource }).toEqual({ action, resource: expect.any(String) });
      fixture.moto.iam.revoke(DEPLOY_DEV, action);
      try {
        const apply = await terraform(dev, ['apply', '-auto-approve', '-input=false', `-target=${type}.${resource}`], 300_000, as(KEYS.deployDev));
        expect({ action, status: apply.status, names: `${apply.stdout}${apply.stderr}`.includes(`not authorized to perform: ${action} on resource:`) }).toEqual({ action, status: 1, names: true });
      } finally {
        fixture.moto.iam.restore();
      }
    }
  }, 1_200_000);
});
