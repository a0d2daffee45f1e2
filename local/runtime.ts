import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { join } from 'node:path';
import { ENV, type EnvName, type ResourceRef } from '../topology/access';
import { readEnv } from '../topology/env';
import { FailedOrderRepository, OrderRepository } from '../lambdas/shared/order-repository';
import { FUNCTION_KEYS, type FunctionKey } from '../topology/functions';
import { resourceName } from '../topology/names';
import { QUEUE_CONSUMERS } from '../topology/queues';
import { buildOrderWorkflow } from '../topology/workflow';
import { workflowGraph } from '../topology/workflow-graph';
import { ConsoleAssets } from './console-assets';
import { buildSnapshot, ConsoleFeed } from './console-feed';
import type { Revocation } from './config';
import type { DataDir, EmulatorThread } from './emulators';
import { ExecutionHistory } from './executions';
import { close, listen } from './http-util';
import { createGateway } from './gateway';
import { functionEnvironment } from './function-env';
import { loadFunction, type LocalFunction } from './lambda-host';
import { localResolver } from './resolver';
import { localRoles, type LocalRole } from './roles';
import { LocalAuthorizer, type RoleGrant } from './authorizer';
import { ensureResources, type LocalResources } from './resources';
import { createSfnApiServer } from './sfn-api';
import { commandNames } from './faults';
import { PendingSweep } from './pending-sweep';
import { logDenial, logRuntimeError } from './runtime-log';
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
  /** Actions taken from roles (DOFS_REVOKE). */
  readonly revoke?: readonly Revocation[];
  /** Where the esbuild bundles are (dist/lambdas). */
  readonly bundleDir: string;
  /** The built local/function-worker (dist/local/function-worker.mjs by default). */
  readonly functionWorker?: string;
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

function mergeCounts(...counts: Record<string, number>[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const each of counts) for (const [key, n] of Object.entries(each)) merged[key] = (merged[key] ?? 0) + n;
  return merged;
}

/**
 * What Step Functions reports when its role may not invoke a task's function: the Lambda service's
 * AccessDeniedException, surfaced as Lambda.AWSLambdaException (a name the workflow's Retry lists).
 */
class LambdaInvokeDeniedError extends Error {
  constructor(message: string) {
    super(`${message} (Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException)`);
    this.name = 'Lambda.AWSLambdaException';
  }
}

const arn = (service: string, resource: string) => `arn:aws:${service}:${LOCAL_REGION}:${ACCOUNT}:${resource}`;

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

    const clientConfig = { region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    const dynamodb = new DynamoDBClient({ ...clientConfig, endpoint: dynamo.endpoint });
    const sqs = new SQSClient({ ...clientConfig, endpoint: sqsEmulator.endpoint });
    const resources = await ensureResources(dynamodb, sqs, {
      environment: LOCAL_ENVIRONMENT,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    });

    const functionName = (key: FunctionKey) => resourceName(LOCAL_ENVIRONMENT, key);
    const functionArn = (key: FunctionKey) => arn('lambda', `function:${functionName(key)}`);
    const stateMachineArn = arn('states', `stateMachine:${resourceName(LOCAL_ENVIRONMENT, 'order-workflow')}`);
    const resolver = localResolver({ resources, stateMachineArn, functionArn, tableArn: (name) => arn('dynamodb', `table/${name}`) });
    // Each function, the state machine and the event source mappings act with their own role's
    // credentials, as on AWS; the runtime's own calls (resources, console) are the operator's.
    const roles = localRoles(LOCAL_ENVIRONMENT, ACCOUNT, resolver, options.revoke ?? []);
    const asRole = (role: LocalRole) => ({ region: LOCAL_REGION, credentials: role.credentials });
    // Every call made with a role's credentials is authorized against its policy: in the emulator thread
    // for DynamoDB and SQS, here for the Step Functions API and the state machine's task invocations.
    const grants: RoleGrant[] = [...Object.values(roles.functions), roles.stateMachine].map((role) => ({ name: role.name, arn: role.arn, accessKeyId: role.credentials.accessKeyId, statements: role.statements }));
    const authorizer = new LocalAuthorizer(ACCOUNT, grants);
    await emulators.setRoles(grants);
    const stats = new RuntimeStats(async () => {
      const { requests, denials } = await emulators.counts();
      return { requests, denials: mergeCounts(authorizer.denials(), denials) };
    });
    const history = new ExecutionHistory();

    // Task handlers resolve the functions when they run: the functions are loaded once the Step Functions
    // endpoint (which api_handler's environment names) is listening.
    const functions = {} as Record<FunctionKey, LocalFunction>;
    const definition = buildOrderWorkflow({
      validatorFunctionArn: functionArn('validator'),
      orderStorageFunctionArn: functionArn('order_storage'),
      orderQueueUrl: resources.orderQueueUrl,
    });
    // The state machine invokes its tasks with its own role (lambda:InvokeFunction on each function).
    const invokeAsStateMachine = (key: FunctionKey) => async (event: unknown) => {
      const decision = authorizer.authorizeAction(roles.stateMachine.credentials.accessKeyId, 'lambda:InvokeFunction', functionArn(key));
      if (!decision.allowed) {
        logDenial(decision.denial);
        throw new LambdaInvokeDeniedError(decision.message);
      }
      return functions[key].invoke(event);
    };
    const tasks = createWorkflowTasks(
      { validator: invokeAsStateMachine('validator'), orderStorage: invokeAsStateMachine('order_storage') },
      new SQSClient({ ...asRole(roles.stateMachine), endpoint: sqsEmulator.endpoint }),
    );
    const stateMachine = new LocalStateMachine(definition, tasks, stateMachineArn, history, {
      observe: (transitions, ms) => stats.recordExecution(transitions, ms),
    });
    const sfnApi = createSfnApiServer(stateMachine, authorizer, logDenial);
    const sfnPort = await listen(sfnApi, 0, '127.0.0.1');
    stoppers.push(() => close(sfnApi));

    const endpoints = { dynamodb: dynamo.endpoint, sqs: sqsEmulator.endpoint, stepfunctions: `http://127.0.0.1:${sfnPort}` };
    const settings: Partial<Record<EnvName, string>> = options.failureThreshold === undefined ? {} : { [ENV.failureThreshold]: options.failureThreshold };
    const observe = (name: string, ms: number, failed: boolean) => stats.recordInvocation(name, ms, failed);
    const settled = await Promise.allSettled(
      FUNCTION_KEYS.map((key) =>
        loadFunction({
          workerFile: options.functionWorker ?? join(options.bundleDir, '..', 'local', 'function-worker.mjs'),
          bundleDir: options.bundleDir,
          key,
          functionName: functionName(key),
          functionArn: functionArn(key),
          environment: () => functionEnvironment(key, { functionName: functionName(key), region: LOCAL_REGION, role: roles.functions[key], endpoints, resolver, settings }),
          observe,
        }),
      ),
    );
    // Every function that did start is stopped with the runtime, also when another failed to.
    for (const outcome of settled) {
      if (outcome.status !== 'fulfilled') continue;
      functions[outcome.value.key] = outcome.value;
      stoppers.push(() => outcome.value.stop());
    }
    const failedToStart = settled.find((outcome) => outcome.status === 'rejected');
    if (failedToStart) throw failedToStart.reason;

    const onError = (error: unknown) => logRuntimeError('event source error', error);
    // An event source mapping polls with its function's role (the consumer grants in topology/access.ts).
    const sources = QUEUE_CONSUMERS.map(({ queue, consumer, eventSource }) => {
      const ref: ResourceRef = { kind: 'queue', queue: queue.baseName as 'order_queue' | 'order_dlq' };
      return new SqsEventSource({
        sqs: new SQSClient({ ...asRole(roles.functions[consumer]), endpoint: sqsEmulator.endpoint }),
        queueUrl: resolver.identifier(ref, 'url'),
        queueArn: resolver.identifier(ref, 'arn'),
        region: LOCAL_REGION,
        fn: functions[consumer],
        settings: eventSource,
        onError,
      });
    });
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
    let failureThreshold = readEnv(settings, (env) => env.failureThreshold(ENV.failureThreshold));
    const failureThresholdSetting = {
      get: () => failureThreshold,
      async set(value: number) {
        const previous = settings[ENV.failureThreshold];
        settings[ENV.failureThreshold] = String(value);
        try {
          await functions.fulfill_order.reload();
        } catch (error) {
          // The old environment keeps serving; the next new one must not pick up the value that failed.
          if (previous === undefined) delete settings[ENV.failureThreshold];
          else settings[ENV.failureThreshold] = previous;
          throw error;
        }
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
      endpoints,
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
