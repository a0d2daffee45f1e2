/**
 * The order workflow in Amazon States Language, built from references. The cdktf stack and the local
 * runtime both call buildOrderWorkflow, so what runs on a laptop is what deploys.
 *
 *   ValidateOrder -> StoreOrder -> NeedsFulfillment? -> EnqueueForFulfillment -> Accepted
 *        |               |
 *   RejectInvalidOrder  RejectConflictingOrder   (Fail states; the API maps them to 400 and 409)
 */
export interface WorkflowReferences {
  readonly validatorFunctionArn: string;
  readonly orderStorageFunctionArn: string;
  readonly orderQueueUrl: string;
}

/** State names, shared with the local runtime (task overrides) and the API (error mapping). */
export const WORKFLOW_STATES = {
  validate: 'ValidateOrder',
  rejectInvalid: 'RejectInvalidOrder',
  store: 'StoreOrder',
  rejectConflict: 'RejectConflictingOrder',
  needsFulfillment: 'NeedsFulfillment',
  enqueue: 'EnqueueForFulfillment',
  accepted: 'Accepted',
} as const;

/** Error names thrown by the handlers (their `name`) and matched by Catch. */
export const WORKFLOW_ERRORS = {
  validation: 'ValidationError',
  conflict: 'OrderConflictError',
} as const;

export const SQS_SEND_MESSAGE_RESOURCE = 'arn:aws:states:::sqs:sendMessage';

/** Below api_handler's timeout, so the API answers even when the workflow times out. */
export const WORKFLOW_TIMEOUT_SECONDS = 25;
const TASK_TIMEOUT_SECONDS = 5;

// Transient failures of the Lambda service itself (throttling, cold-start hiccups, SDK client errors).
const TRANSIENT_LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

const BACKOFF = { IntervalSeconds: 1, BackoffRate: 2, MaxDelaySeconds: 4, JitterStrategy: 'FULL' } as const;

/**
 * Retriers are matched in order, so a domain error (bad input, conflicting payload) is listed first
 * with MaxAttempts 0: it must fail at once, not be retried by the catch-all below it.
 */
function lambdaRetry(domainErrors: string[]) {
  return [
    ...(domainErrors.length > 0 ? [{ ErrorEquals: domainErrors, MaxAttempts: 0 }] : []),
    { ErrorEquals: TRANSIENT_LAMBDA_ERRORS, MaxAttempts: 3, ...BACKOFF },
    // A handler error other than a domain error is a dependency fault (e.g. DynamoDB throttling that
    // outlived the SDK's own retries). Both tasks are idempotent, so one more attempt is safe.
    { ErrorEquals: ['States.TaskFailed', 'States.Timeout'], MaxAttempts: 2, ...BACKOFF },
  ];
}

export function buildOrderWorkflow(refs: WorkflowReferences): Record<string, unknown> {
  const s = WORKFLOW_STATES;
  return {
    Comment: 'DOFS order workflow: validate, store idempotently, enqueue for fulfillment',
    StartAt: s.validate,
    TimeoutSeconds: WORKFLOW_TIMEOUT_SECONDS,
    States: {
      [s.validate]: {
        Type: 'Task',
        Resource: refs.validatorFunctionArn,
        InputPath: '$.order',
        ResultPath: '$.order',
        TimeoutSeconds: TASK_TIMEOUT_SECONDS,
        Retry: lambdaRetry([WORKFLOW_ERRORS.validation]),
        Catch: [{ ErrorEquals: [WORKFLOW_ERRORS.validation], ResultPath: '$.failure', Next: s.rejectInvalid }],
        Next: s.store,
      },
      [s.rejectInvalid]: { Type: 'Fail', Error: WORKFLOW_ERRORS.validation, CausePath: '$.failure.Cause' },
      [s.store]: {
        Type: 'Task',
        Resource: refs.orderStorageFunctionArn,
        InputPath: '$.order',
        ResultPath: '$.stored',
        TimeoutSeconds: TASK_TIMEOUT_SECONDS,
        Retry: lambdaRetry([WORKFLOW_ERRORS.conflict, WORKFLOW_ERRORS.validation]),
        Catch: [
          { ErrorEquals: [WORKFLOW_ERRORS.conflict], ResultPath: '$.failure', Next: s.rejectConflict },
          { ErrorEquals: [WORKFLOW_ERRORS.validation], ResultPath: '$.failure', Next: s.rejectInvalid },
        ],
        Next: s.needsFulfillment,
      },
      [s.rejectConflict]: { Type: 'Fail', Error: WORKFLOW_ERRORS.conflict, CausePath: '$.failure.Cause' },
      [s.needsFulfillment]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.stored.enqueue', BooleanEquals: true, Next: s.enqueue }],
        Default: s.accepted,
      },
      [s.enqueue]: {
        Type: 'Task',
        Resource: SQS_SEND_MESSAGE_RESOURCE,
        Parameters: { QueueUrl: refs.orderQueueUrl, 'MessageBody.$': '$.order' },
        ResultPath: null,
        TimeoutSeconds: TASK_TIMEOUT_SECONDS,
        Retry: [{ ErrorEquals: ['States.TaskFailed', 'States.Timeout'], MaxAttempts: 3, ...BACKOFF }],
        Next: s.accepted,
      },
      [s.accepted]: { Type: 'Pass', OutputPath: '$.stored', End: true },
    },
  };
}
