import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { buildOrderWorkflow, SQS_SEND_MESSAGE_RESOURCE, WORKFLOW_STATES as S } from '../../topology/workflow';

type Json = Parameters<StateMachine['run']>[0];

const refs = {
  validatorFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:dofs-dev-validator',
  orderStorageFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:dofs-dev-order_storage',
  orderQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/dofs-dev-order_queue',
};
// Built for each test, not at import: mutation testing (stryker.config.mjs) then reruns only the tests
// that read the part of the definition a mutant changed.
let definition: Record<string, unknown>;
let states: Record<string, Record<string, unknown>>;
beforeEach(() => {
  definition = buildOrderWorkflow(refs);
  states = definition.States as Record<string, Record<string, unknown>>;
});
const order = { order_id: 'order-1', item: 'laptop', quantity: 1 };

function namedError(name: string, message = name): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Runs the definition with local stand-ins for its three tasks; returns the result and what ran. */
async function run(tasks: Partial<Record<string, (input: Json) => Json | Promise<Json>>>, input: Json = { order }) {
  const calls: Record<string, Json[]> = {};
  const handler = (name: string) => async (taskInput: Json) => {
    (calls[name] ??= []).push(taskInput);
    const task = tasks[name];
    if (!task) throw new Error(`unexpected task ${name}`);
    return task(taskInput);
  };
  // Validity is the first test's subject; each run skips the validator (most of a run's time).
  const machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
  const execution = machine.run(input, {
    overrides: {
      taskResourceLocalHandlers: { [S.validate]: handler(S.validate), [S.store]: handler(S.store), [S.enqueue]: handler(S.enqueue) },
      retryIntervalOverrides: { [S.validate]: 0, [S.store]: 0, [S.enqueue]: 0 },
    },
  });
  const entered: string[] = [];
  const events = (async () => {
    for await (const event of execution.eventLogs) if (event.type === 'StateEntered') entered.push(event.state.name);
  })();
  try {
    return { output: await execution.result, error: undefined, calls, entered };
  } catch (error) {
    return { output: undefined, error: (error as ExecutionError).cause as Error, calls, entered };
  } finally {
    await events;
  }
}

const stored = { order_id: 'order-1', status: 'PENDING', duplicate: false, enqueue: true };

describe('Order workflow definition', () => {
  it('is valid Amazon States Language, ARNs and paths included (the local runtime relies on this check)', () => {
    expect(() => new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } })).not.toThrow();
    const broken = { ...definition, StartAt: 'NoSuchState' };
    expect(() => new StateMachine(broken as never, { validationOptions: { checkArn: true, checkPaths: true } })).toThrow();
  });

  it('gives every Task a timeout and retries transient Lambda errors with full jitter', () => {
    const tasks = Object.entries(states).filter(([, state]) => state.Type === 'Task');
    expect(tasks.map(([name]) => name)).toEqual([S.validate, S.store, S.enqueue]);
    for (const [, state] of tasks) {
      expect(state.TimeoutSeconds).toBeGreaterThan(0);
      const retriers = state.Retry as { ErrorEquals: string[]; JitterStrategy?: string; MaxAttempts: number }[];
      expect(retriers.some((r) => r.MaxAttempts > 0 && r.JitterStrategy === 'FULL')).toBe(true);
    }
    expect((states[S.validate]!.Retry as { ErrorEquals: string[] }[])[1]!.ErrorEquals).toEqual(
      expect.arrayContaining(['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException']),
    );
    expect(states[S.enqueue]).toMatchObject({ Resource: SQS_SEND_MESSAGE_RESOURCE, Parameters: { QueueUrl: refs.orderQueueUrl } });
  });

  it('retries a Task that timed out: States.TaskFailed, its wildcard, matches every error but States.Timeout (AWS docs)', () => {
    for (const [, state] of Object.entries(states).filter(([, candidate]) => candidate.Type === 'Task')) {
      const retriers = state.Retry as { ErrorEquals: string[]; MaxAttempts: number }[];
      expect(retriers.some((retrier) => retrier.MaxAttempts > 0 && retrier.ErrorEquals.includes('States.Timeout'))).toBe(true);
      expect(retriers.some((retrier) => retrier.MaxAttempts > 0 && retrier.ErrorEquals.includes('States.TaskFailed'))).toBe(true);
    }
  });

  it('validates, stores and enqueues a new order, answering with the storage result', async () => {
    const { output, calls } = await run({ [S.validate]: (o) => o, [S.store]: () => stored, [S.enqueue]: () => ({ MessageId: 'm' }) });
    expect(output).toEqual(stored);
    expect(calls[S.validate]).toEqual([order]);
    expect(calls[S.enqueue]).toEqual([{ QueueUrl: refs.orderQueueUrl, MessageBody: order }]);
  });

  it('fails early at the validation state, naming the ValidationError, without storing', async () => {
    const { error, calls } = await run({
      [S.validate]: () => {
        throw namedError('ValidationError', '{"details":[]}');
      },
    });
    expect(error?.name).toBe('ValidationError');
    expect(error?.message).toBe('{"details":[]}');
    expect(calls[S.validate]).toHaveLength(1); // never retried
    expect(calls[S.store]).toBeUndefined();
  });

  it('does not enqueue a duplicate whose order is already final', async () => {
    const duplicate = { ...stored, status: 'FULFILLED', duplicate: true, enqueue: false };
    const { output, calls } = await run({ [S.validate]: (o) => o, [S.store]: () => duplicate });
    expect(output).toEqual(duplicate);
    expect(calls[S.enqueue]).toBeUndefined();
  });

  it('fails with OrderConflictError when the order_id holds a different payload', async () => {
    const { error, calls } = await run({
      [S.validate]: (o) => o,
      [S.store]: () => {
        throw namedError('OrderConflictError');
      },
    });
    expect(error?.name).toBe('OrderConflictError');
    expect(calls[S.store]).toHaveLength(1);
  });

  it('retries a throttled Lambda and a failed SQS send, then succeeds', async () => {
    let storeAttempts = 0;
    let sendAttempts = 0;
    const { output, calls } = await run({
      [S.validate]: (o) => o,
      [S.store]: () => {
        storeAttempts += 1;
        if (storeAttempts === 1) throw namedError('Lambda.TooManyRequestsException');
        return stored;
      },
      [S.enqueue]: () => {
        sendAttempts += 1;
        if (sendAttempts < 3) throw namedError('SQS.SdkClientException');
        return { MessageId: 'm' };
      },
    });
    expect(output).toEqual(stored);
    expect(calls[S.store]).toHaveLength(2);
    expect(calls[S.enqueue]).toHaveLength(3);
  });

  it('gives up after bounded retries and fails the execution', async () => {
    const { error, calls } = await run({
      [S.validate]: (o) => o,
      [S.store]: () => stored,
      [S.enqueue]: () => {
        throw namedError('SQS.AmazonSQSException');
      },
    });
    expect(error?.name).toBe('SQS.AmazonSQSException');
    expect(calls[S.enqueue]).toHaveLength(4); // the first attempt and 3 retries
  });

  it('ends an invalid order in RejectInvalidOrder, with the validator\'s message as the cause, whichever task found it', async () => {
    const invalid = () => {
      throw namedError('ValidationError', '{"error":"Invalid order","details":[{"field":"item","message":"is required"}]}');
    };
    const atValidation = await run({ [S.validate]: invalid });
    expect(atValidation.entered).toEqual([S.validate, S.rejectInvalid]);
    expect(atValidation.error?.message).toBe('{"error":"Invalid order","details":[{"field":"item","message":"is required"}]}');
    const atStorage = await run({ [S.validate]: (o) => o, [S.store]: invalid });
    expect(atStorage.entered).toEqual([S.validate, S.store, S.rejectInvalid]);
    expect(atStorage.error).toMatchObject({ name: 'ValidationError', message: '{"error":"Invalid order","details":[{"field":"item","message":"is required"}]}' });
    expect(atStorage.calls[S.store]).toHaveLength(1); // never retried
  });

  it('ends a conflicting order in RejectConflictingOrder, with order_storage\'s message as the cause', async () => {
    const { entered, error } = await run({
      [S.validate]: (o) => o,
      [S.store]: () => {
        throw namedError('OrderConflictError', 'order order-1 already exists with a different payload');
      },
    });
    expect(entered).toEqual([S.validate, S.store, S.rejectConflict]);
    expect(error).toMatchObject({ name: 'OrderConflictError', message: 'order order-1 already exists with a different payload' });
  });

  it('retries a task whose handler failed for another reason, or timed out, then gives up', async () => {
    let attempts = 0;
    const flaky = await run({
      [S.validate]: (o) => o,
      [S.store]: () => {
        attempts += 1;
        if (attempts === 1) throw namedError('ProvisionedThroughputExceededException');
        if (attempts === 2) throw namedError('States.Timeout');
        return stored;
      },
      [S.enqueue]: () => ({ MessageId: 'm' }),
    });
    expect(flaky.output).toEqual(stored);
    expect(flaky.calls[S.store]).toHaveLength(3);
    const broken = await run({
      [S.validate]: (o) => o,
      [S.store]: () => {
        throw namedError('ProvisionedThroughputExceededException');
      },
    });
    expect(broken.error?.name).toBe('ProvisionedThroughputExceededException');
    expect(broken.calls[S.store]).toHaveLength(3); // the first attempt and 2 retries
    expect(broken.entered).not.toContain(S.rejectInvalid);
  });

  it('retries a send to order_queue that timed out', async () => {
    let sends = 0;
    const { output, calls } = await run({
      [S.validate]: (o) => o,
      [S.store]: () => stored,
      [S.enqueue]: () => {
        sends += 1;
        if (sends === 1) throw namedError('States.Timeout');
        return { MessageId: 'm' };
      },
    });
    expect(output).toEqual(stored);
    expect(calls[S.enqueue]).toHaveLength(2);
  });
});
