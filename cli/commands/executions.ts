import type { ExecutionRecord } from '../../local/executions';
import { executionPath } from '../../local/executions';
import { WORKFLOW_STATES } from '../../topology/workflow';
import { fetchOrder } from '../api';
import { OperationFailedError } from '../errors';
import type { Output } from '../output';
import { requireLocal, type Target } from '../target';

const MARK = { succeeded: '✓', entered: '…', failed: '✗', caught: '✗' } as const;

/** What happens to an accepted order after the workflow, by its current status. */
function afterWorkflow(status: string | undefined): string | undefined {
  if (status === 'FULFILLED') return 'then order_queue → fulfill_order → FULFILLED';
  if (status === 'FAILED') return 'then order_queue → fulfill_order (failed 3x) → order_dlq → dlq_handler → FAILED, row in failed_orders';
  if (status === 'PENDING') return 'then order_queue → fulfill_order (not fulfilled yet)';
  return undefined;
}

/** The workflow path each execution for an order took, and what happened to the order afterwards. */
export async function executions(target: Target, orderId: string, out: Output): Promise<void> {
  const local = requireLocal(
    target,
    'The path of each execution',
    'The deployed Express workflow logs errors only (ERROR level, no execution data: see "Performance and cost" in the README); its failed executions are in CloudWatch Logs under /aws/vendedlogs/states/, and X-Ray traces show sampled paths.',
  );
  const [{ body }, order] = await Promise.all([
    local.local('GET', `/_local/executions?order_id=${encodeURIComponent(orderId)}`),
    fetchOrder(target, orderId).catch(() => undefined),
  ]);
  const records = ((body.executions ?? []) as ExecutionRecord[]).slice().reverse();
  if (records.length === 0) {
    throw new OperationFailedError(
      `No workflow execution for ${orderId} in this runtime.`,
      'The runtime keeps the last 1000 executions since it started; submit the order with `npx dofs submit`.',
    );
  }
  const result = records.map((record) => ({
    name: record.name,
    status: record.status,
    startDate: record.startDate,
    stopDate: record.stopDate,
    error: record.error,
    path: executionPath(record.states),
  }));
  out.result({ order_id: orderId, order_status: order?.status, executions: result }, () => [
    `Order ${orderId}: ${order?.status ?? 'not stored'}`,
    ...result.flatMap((execution) => [
      `Execution ${execution.name}  ${execution.status}${execution.stopDate ? ` in ${Date.parse(execution.stopDate) - Date.parse(execution.startDate)} ms` : ''}  (started ${execution.startDate})`,
      ...execution.path.map((step) => `  ${MARK[step.outcome]} ${step.name}${step.retries ? ` (retried ${step.retries}x)` : ''}${step.error ? `  ${step.error}` : ''}`),
      ...(execution.path.some((step) => step.name === WORKFLOW_STATES.enqueue) && afterWorkflow(order?.status) ? [`  ${afterWorkflow(order?.status)}`] : []),
      ...(execution.error ? [`  error: ${execution.error}`] : []),
    ]),
  ]);
}
