import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Construct } from 'constructs';
import { PENDING_SWEEP_SCHEDULE } from '../topology/recovery';
import { resourceName } from '../topology/names';
import type { DofsFunction } from './function';

/** Runs the pending sweeper on a schedule (EventBridge), so no stored order stays PENDING for good. */
export class PendingSweep extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, options: { environment: string; sweeper: DofsFunction }) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, 'schedule', {
      name: resourceName(options.environment, 'pending-sweep'),
      description: 'Re-send orders stuck in PENDING to order_queue',
      scheduleExpression: PENDING_SWEEP_SCHEDULE,
    });
    new CloudwatchEventTarget(this, 'target', { rule: this.rule.name, arn: options.sweeper.fn.arn });
    new LambdaPermission(this, 'invoke', {
      statementId: 'AllowInvokeFromPendingSweepSchedule',
      action: 'lambda:InvokeFunction',
      functionName: options.sweeper.fn.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: this.rule.arn,
    });
  }
}
