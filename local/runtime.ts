import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { join } from 'node:path';
import { ENV, readFailureThreshold } from '../lambdas/shared/config';
import { FailedOrderRepository, OrderRepository } from '../lambdas/shared/order-repository';
import { FUNCTION_KEYS, type FunctionKey } from '../topology/functions';
import { resourceName } from '../topology/names';
import { ORDER_DLQ_EVENT_SOURCE, ORDER_QUEUE_EVENT_SOURCE } from '../topology/queues';
import { buildOrderWorkflow } from '../topology/workflow';
import { workflowGraph } from '../topology/workflow-graph';
import { ConsoleAssets } from './console-assets';
import { buildSnapshot, ConsoleFeed } from './console-feed';
import type { DataDir, Emulator, EmulatorThread } from './emulators';
import { ExecutionHistory } from './executions';
import { close, listen } from './http-util';
import { createGateway } from './gateway';
import { loadFunction, type LocalFunction } from './lambda-host';
import { ensureResources, type LocalResources } from './resources';
import { createSfnApiServer } from './sfn-api';
import { commandNames } from './faults';
import { PendingSweep } from './pending-sweep';
import { SqsEventSource } from './sqs-event-source';
import { RuntimeStats } from './stats';
import { LocalStateMachine } from './step-functions';
import { createWorkflowTasks } from './workflow-tasks';

export const LOCAL_ENVIRONMENT = 'local';
export const LOCAL_REGION = 'us-east-1';
const ACCOUNT = '000000000000';

export interface RuntimeOptions {
  readonly port: number;
  readonly host: string;
  readonly dataDir: DataDir;
  readonly visibilityTimeoutSeconds: number;
  readonly failureThreshold: string | undefined;
  /** Where the esbuild bundles are (dist/lambdas). */
  readonly bundleDir: string;
  /** Where the console's page, script and style are (dist/console by default). */
  readonly consoleDir?: string;
  /** The emulator thread, started by the caller (after it locked the data directory). */
  readonly emulators: Promise<EmulatorThread>;
  /** Releases the data directory's lock when the runtime stops. */
  readonly releaseDataDir?: () => void;
}

export interface Runtime {
  readonly url: string;
  readonly port: number;
  readonly resources: LocalResources;
  readonly redriven: number;
  stop(): Promise<void>;
}

/** The runtime's own errors, as one JSON line like the handlers' (Powertools' shape), on stderr. */
function logRuntimeError(message: string, error: unknown): void {
  const { name, message: detail } = error as Error;
  process.stderr.write(`${JSON.stringify({ level: 'ERROR', message, timestamp: new Date().toISOString(), service: 'dofs-local-runtime', error: name, error_message: detail })}\n`);
}

const arn = (service: string, resource: string) => `arn:aws:${service}:${LOCAL_REGION}:${ACCOUNT}:${resource}`;

/**
 * The handlers read their configuration from the environment at import, exactly as on Lambda, and
 * their SDK clients find the emulators through the standard AWS_ENDPOINT_URL_* variables.
 */
function configureHandlerEnvironment(dynamo: Emulator, sqs: Emulator, sfnEndpoint: string, resources: LocalResources, stateMachineArn: string, failureThreshold: string | undefined) {
  Object.assign(process.env, {
    AWS_REGION: process.env.AWS_REGION ?? LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_SFN: sfnEndpoint,
    [ENV.ordersTable]: resources.ordersTable,
    [ENV.failedOrdersTable]: resources.failedOrdersTable,
    [ENV.orderQueueUrl]: resources.orderQueueUrl,
    [ENV.stateMachineArn]: stateMachineArn,
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  if (failureThreshold === undefined) delete process.env[ENV.failureThreshold];
  else process.env[ENV.failureThreshold] = failureThreshold;
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => undefined);
  };
  try {
    stoppers.push(async () => options.releaseDataDir?.());
    const emulators = await options.emulators;
    stoppers.push(() => emulators.close());
    const { dynamodb: dynamo, sqs: sqsEmulator } = emulators;
    const stats = new RuntimeStats(() => emulators.requestCounts());

    const clientConfig = { region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    const dynamodb = new DynamoDBClient({ ...clientConfig, endpoint: dynamo.endpoint });
    const sqs = new SQSClient({ ...clientConfig, endpoint: sqsEmulator.endpoint });
    const resources = await ensureResources(dynamodb, sqs, {
      environment: LOCAL_ENVIRONMENT,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    });

    const functionName = (key: FunctionKey) => resourceName(LOCAL_ENVIRONMENT, key);
    const stateMachineArn = arn('states', `stateMachine:${resourceName(LOCAL_ENVIRONMENT, 'order-workflow')}`);
    const history = new ExecutionHistory();

    // Task handlers resolve the functions when they run: the bundles can only be imported once the
    // environment names the Step Functions endpoint, which needs the state machine first.
    const functions = {} as Record<FunctionKey, LocalFunction>;
    const definition = buildOrderWorkflow({
      validatorFunctionArn: arn('lambda', `function:${functionName('validator')}`),
      orderStorageFunctionArn: arn('lambda', `function:${functionName('order_storage')}`),
      orderQueueUrl: resources.orderQueueUrl,
    });
    const tasks = createWorkflowTasks(
      { validator: (event) => functions.validator.invoke(event), orderStorage: (event) => functions.order_storage.invoke(event) },
      sqs,
    );
    const stateMachine = new LocalStateMachine(definition, tasks, stateMachineArn, history, (transitions, ms) =>
      stats.recordExecution(transitions, ms),
    );
    const sfnApi = createSfnApiServer(stateMachine);
    const sfnPort = await listen(sfnApi, 0, '127.0.0.1');
    stoppers.push(() => close(sfnApi));

    configureHandlerEnvironment(dynamo, sqsEmulator, `http://127.0.0.1:${sfnPort}`, resources, stateMachineArn, options.failureThreshold);
    const observe = (name: string, ms: number, failed: boolean) => stats.recordInvocation(name, ms, failed);
    const loaded = await Promise.all(FUNCTION_KEYS.map((key) => loadFunction(options.bundleDir, key, functionName(key), observe)));
    for (const fn of loaded) functions[fn.key] = fn;

    const onError = (error: unknown) => logRuntimeError('event source error', error);
    const sources = [
      new SqsEventSource({ sqs, queueUrl: resources.orderQueueUrl, queueArn: resources.orderQueueArn, region: LOCAL_REGION, fn: functions.fulfill_order, settings: ORDER_QUEUE_EVENT_SOURCE, onError }),
      new SqsEventSource({ sqs, queueUrl: resources.orderDlqUrl, queueArn: resources.orderDlqArn, region: LOCAL_REGION, fn: functions.dlq_handler, settings: ORDER_DLQ_EVENT_SOURCE, onError }),
    ];
    for (const source of sources) {
      source.start();
      stoppers.push(() => source.stop());
    }

    // Orders left PENDING by an earlier run may have lost their message: the deployed pending sweeper,
    // run once now for every PENDING order, sends them again.
    let redriven = 0;
    try {
      ({ redriven } = (await functions.pending_sweeper.invoke({ olderThanSeconds: 0 })) as { redriven: number });
    } catch (error) {
      // The periodic sweep below tries again.
      logRuntimeError('pending sweep failed', error);
    }
    // From then on, the deployed schedule's rule, time-scaled: an order stored while order_queue refused
    // messages is re-sent once the queue takes them again, without a restart or a client retry.
    const sweep = new PendingSweep(functions.pending_sweeper, options.visibilityTimeoutSeconds, (error) => logRuntimeError('pending sweep failed', error));
    sweep.start();
    stoppers.push(() => sweep.stop());

    // Changing FAILURE_THRESHOLD is a configuration update: fulfill_order starts afresh with it.
    let failureThreshold = readFailureThreshold(process.env);
    const failureThresholdSetting = {
      get: () => failureThreshold,
      async set(value: number) {
        process.env[ENV.failureThreshold] = String(value);
        await functions.fulfill_order.reload();
        failureThreshold = value;
      },
    };

    const documents = DynamoDBDocumentClient.from(dynamodb);
    const snapshot = () =>
      buildSnapshot({
        orders: new OrderRepository(documents, resources.ordersTable),
        failedOrders: new FailedOrderRepository(documents, resources.failedOrdersTable),
        sqs,
        orderQueueUrl: resources.orderQueueUrl,
        orderDlqUrl: resources.orderDlqUrl,
        executions: history,
        failureThreshold: failureThresholdSetting.get,
      });
    const feed = new ConsoleFeed(snapshot);
    stoppers.push(async () => feed.stop());

    const describe = () => ({
      region: LOCAL_REGION,
      endpoints: { dynamodb: dynamo.endpoint, sqs: sqsEmulator.endpoint, stepfunctions: `http://127.0.0.1:${sfnPort}` },
      resources: { ...resources, stateMachineArn },
      functions: FUNCTION_KEYS.map(functionName),
    });
    const gateway = createGateway({
      apiHandler: functions.api_handler,
      executions: history,
      describe,
      stats: () => stats.snapshot(),
      snapshot,
      feed,
      workflowGraph: workflowGraph(definition),
      console: new ConsoleAssets(options.consoleDir ?? join(options.bundleDir, '..', 'console')),
      failureThreshold: failureThresholdSetting,
      faults: (change) => emulators.faults(change),
      faultOperations: { dynamodb: commandNames(await import('@aws-sdk/client-dynamodb')), sqs: commandNames(await import('@aws-sdk/client-sqs')) },
    });
    const port = await listen(gateway, options.port, options.host);
    stoppers.push(() => close(gateway));

    return { url: `http://localhost:${port}`, port, resources, redriven, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
