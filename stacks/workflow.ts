import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { Construct } from 'constructs';
import { ServiceRole } from '../platform/service-role';
import type { PolicyStatement } from '../topology/access';
import { resourceName } from '../topology/names';
import { buildOrderWorkflow } from '../topology/workflow';
import type { DofsFunction } from './function';

export interface WorkflowOptions {
  readonly environment: string;
  readonly validator: DofsFunction;
  readonly orderStorage: DofsFunction;
  readonly orderQueue: SqsQueue;
  /** What the state machine may do: its tasks and the enqueue (STATE_MACHINE_ACCESS). */
  readonly statements: readonly PolicyStatement[];
  readonly logRetentionDays: number;
  readonly permissionsBoundary?: string | undefined;
}

/**
 * The Express order workflow, from the same definition the local runtime runs. It references only the
 * validator, order_storage and order_queue, so api_handler (which starts it) is created after it.
 */
export class OrderWorkflow extends Construct {
  readonly stateMachine: SfnStateMachine;

  constructor(scope: Construct, id: string, options: WorkflowOptions) {
    super(scope, id);
    const name = resourceName(options.environment, 'order-workflow');
    const logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/vendedlogs/states/${name}`,
      retentionInDays: options.logRetentionDays,
    });
    const role = new ServiceRole(this, 'execution', {
      roleName: name,
      servicePrincipal: 'states.amazonaws.com',
      permissionsBoundary: options.permissionsBoundary,
      statements: [
        ...options.statements,
        // Step Functions sets up log delivery through CloudWatch Logs' delivery APIs, which take no
        // resource ARN: AWS documents `*` as the only resource for them.
        {
          sid: 'DeliverExecutionLogs',
          actions: [
            'logs:CreateLogDelivery',
            'logs:GetLogDelivery',
            'logs:UpdateLogDelivery',
            'logs:DeleteLogDelivery',
            'logs:ListLogDeliveries',
            'logs:PutResourcePolicy',
            'logs:DescribeResourcePolicies',
            'logs:DescribeLogGroups',
          ],
          resources: ['*'],
        },
        // X-Ray has no resource-level permissions.
        {
          sid: 'XRayTraces',
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
          resources: ['*'],
        },
      ],
    });
    const definition = buildOrderWorkflow({
      validatorFunctionArn: options.validator.fn.arn,
      orderStorageFunctionArn: options.orderStorage.fn.arn,
      orderQueueUrl: options.orderQueue.url,
    });
    this.stateMachine = new SfnStateMachine(this, 'state_machine', {
      name,
      type: 'EXPRESS',
      roleArn: role.role.arn,
      definition: JSON.stringify(definition),
      // ERROR without execution data: failures are visible, order payloads are not copied into logs.
      loggingConfiguration: { logDestination: `${logGroup.arn}:*`, includeExecutionData: false, level: 'ERROR' },
      tracingConfiguration: { enabled: true },
      dependsOn: [role.policy],
    });
  }
}
