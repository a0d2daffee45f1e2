import { join } from 'node:path';
import { ENV } from '../topology/access';
import { FUNCTION_KEYS, type FunctionKey } from '../topology/functions';
import { workflowGraph } from '../topology/workflow-graph';
import { localClients } from './aws-clients';
import { BusinessMetrics } from './business-metrics';
import { ConsoleAssets } from './console-assets';
import { ConsoleFeed } from './console-feed';
import { snapshotReader } from './console-snapshot';
import type { Revocation } from './config';
import type { DataDir, EmulatorThread } from './emulators';
import { createEventSources } from './event-sources';
import { ExecutionHistory } from './executions';
import { FailureThresholdSetting } from './failure-threshold';
import { commandNames } from './faults';
import { onFunctionOutput } from './function-output';
import { FunctionSettings } from './function-settings';
import { loadFunctions } from './functions';
import { createGateway } from './gateway';
import { close, listen } from './http-util';
import { journeyReader } from './journey-reader';
import type { LocalFunction } from './lambda-host';
import { LOCAL_ENVIRONMENT, LOCAL_REGION, LOCAL_STATE_MACHINE_ARN, localFunctionArn, localFunctionName, localTableArn } from './names';
import { OrderLogIndex } from './order-log-index';
import { createOrderWorkflow } from './order-workflow';
import { PendingSweep } from './pending-sweep';
import { localResolver } from './resolver';
import { ensureResources, type LocalResources } from './resources';
import { grantRoles } from './role-access';
import { logDenial, logRuntimeError } from './runtime-log';
import { createSfnApiServer } from './sfn-api';
import { ShutdownSequence } from './shutdown';
import { mergeCounts, RuntimeStats } from './stats';

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

/**
 * Starts the pipeline's parts in the order they depend on one another, registering each one's stopper
 * as soon as it has started: a start-up that fails stops what did start, and stop() stops them newest
 * first.
 */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const shutdown = new ShutdownSequence();
  const stop = () => shutdown.stop();
  try {
    shutdown.register(async () => options.releaseDataDir?.());
    const emulators = await options.emulators;
    shutdown.register(() => emulators.close());

    const clients = localClients({ dynamodb: emulators.dynamodb.endpoint, sqs: emulators.sqs.endpoint });
    const resources = await ensureResources(clients.dynamodb, clients.sqs, {
      environment: LOCAL_ENVIRONMENT,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    });
    const resolver = localResolver({ resources, stateMachineArn: LOCAL_STATE_MACHINE_ARN, functionArn: localFunctionArn, tableArn: localTableArn });
    const { roles, authorizer } = await grantRoles(emulators, resolver, options.revoke ?? []);
    // Reads the EMF lines in every function's output from the first one on (the start-up sweep's included).
    const businessMetrics = new BusinessMetrics();
    shutdown.register(async () => businessMetrics.close());
    const stats = new RuntimeStats(async () => {
      const { requests, denials } = await emulators.counts();
      return { requests, denials: mergeCounts(authorizer.denials(), denials) };
    }, businessMetrics);
    shutdown.register(async () => stats.close());
    const history = new ExecutionHistory();
    // Each order's log lines, indexed as the functions write them (an order's journey reads them).
    const orderLogs = new OrderLogIndex();
    const stopIndexingLogs = onFunctionOutput((output) => orderLogs.recordOutput(output));
    shutdown.register(async () => stopIndexingLogs());

    // Filled in below: the functions are loaded once the Step Functions endpoint (which api_handler's
    // environment names) is listening, and the workflow's tasks look them up when they run.
    const functions = {} as Record<FunctionKey, LocalFunction>;
    const workflow = createOrderWorkflow({
      resources,
      role: roles.stateMachine,
      authorizer,
      sqsEndpoint: emulators.sqs.endpoint,
      history,
      observe: (transitions, ms) => stats.recordExecution(transitions, ms),
      functionOf: (key) => functions[key],
    });
    const sfnApi = createSfnApiServer(workflow.stateMachine, authorizer, logDenial);
    const sfnPort = await listen(sfnApi, 0, '127.0.0.1');
    shutdown.register(() => close(sfnApi));

    const endpoints = { dynamodb: emulators.dynamodb.endpoint, sqs: emulators.sqs.endpoint, stepfunctions: `http://127.0.0.1:${sfnPort}` };
    const settings = new FunctionSettings({
      [ENV.environment]: LOCAL_ENVIRONMENT,
      ...(options.failureThreshold === undefined ? {} : { [ENV.failureThreshold]: options.failureThreshold }),
    });
    const loaded = await loadFunctions(
      {
        bundleDir: options.bundleDir,
        functionWorker: options.functionWorker,
        roles,
        endpoints,
        resolver,
        settings,
        observe: (name, ms, failed) => stats.recordInvocation(name, ms, failed),
      },
      shutdown,
    );
    Object.assign(functions, loaded);

    const sources = createEventSources({ sqsEndpoint: emulators.sqs.endpoint, roles, resolver, functions, onError: (error) => logRuntimeError('event source error', error) });
    for (const source of sources) {
      source.start();
      shutdown.register(() => source.stop());
    }

    // The pending sweep runs once now (orders an earlier run left PENDING), then on the deployed
    // schedule, time-scaled: an order stored while order_queue refused messages is re-sent once the
    // queue takes them again, without a restart or a client retry.
    const sweep = new PendingSweep(functions.pending_sweeper, options.visibilityTimeoutSeconds, (error) => logRuntimeError('pending sweep failed', error));
    const redriven = await sweep.sweepAllNow();
    sweep.start();
    shutdown.register(() => sweep.stop());

    const failureThreshold = new FailureThresholdSetting(settings, functions.fulfill_order);
    const snapshot = snapshotReader({ clients, resources, executions: history, failureThreshold: () => failureThreshold.get() });
    const feed = new ConsoleFeed({ snapshot, metrics: () => businessMetrics.frame() });
    shutdown.register(async () => feed.stop());

    const gateway = createGateway({
      apiHandler: functions.api_handler,
      executions: history,
      describe: () => ({
        region: LOCAL_REGION,
        endpoints,
        resources: { ...resources, stateMachineArn: LOCAL_STATE_MACHINE_ARN },
        functions: FUNCTION_KEYS.map(localFunctionName),
      }),
      stats: () => stats.snapshot(),
      snapshot,
      feed,
      workflowGraph: workflowGraph(workflow.definition),
      console: new ConsoleAssets(options.consoleDir ?? join(options.bundleDir, '..', 'console')),
      failureThreshold,
      faults: (change) => emulators.faults(change),
      faultOperations: { dynamodb: commandNames(await import('@aws-sdk/client-dynamodb')), sqs: commandNames(await import('@aws-sdk/client-sqs')) },
      journey: journeyReader({ clients, resources, executions: history, logs: orderLogs }),
    });
    const port = await listen(gateway, options.port, options.host);
    shutdown.register(() => close(gateway));

    return { url: `http://localhost:${port}`, port, resources, redriven, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
