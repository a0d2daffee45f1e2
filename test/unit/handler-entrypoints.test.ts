import { ENV, variablesOf } from '../../topology/access';
import { FUNCTION_KEYS } from '../../topology/functions';

/**
 * The exported `handler` of each entry point reads its configuration at import (Lambda's init phase)
 * and refuses to start without it, naming the variable.
 */
const ENTRY_POINTS: [string, Record<string, string>, string][] = [
  ['api_handler', { ORDERS_TABLE: 'orders' }, 'STATE_MACHINE_ARN is required but not set'],
  ['api_handler', { ORDERS_TABLE: 'orders', STATE_MACHINE_ARN: 'machine' }, 'STATE_MACHINE_ARN must be an ARN (arn:aws:...)'],
  ['order_storage', {}, 'ORDERS_TABLE is required but not set'],
  ['fulfill_order', { ORDERS_TABLE: 'orders', FAILURE_THRESHOLD: '2' }, 'FAILURE_THRESHOLD must be a number from 0.0 to 1.0 (got "2")'],
  ['dlq_handler', { ORDERS_TABLE: 'orders' }, 'FAILED_ORDERS_TABLE is required but not set'],
  ['pending_sweeper', { ORDERS_TABLE: 'orders' }, 'FAILED_ORDERS_TABLE is required but not set'],
  ['pending_sweeper', { ORDERS_TABLE: 'orders', FAILED_ORDERS_TABLE: 'failed' }, 'ORDER_QUEUE_URL is required but not set'],
  ['pending_sweeper', { ORDERS_TABLE: 'orders', FAILED_ORDERS_TABLE: 'failed', ORDER_QUEUE_URL: 'https://sqs/q', PENDING_REDRIVE_AFTER_SECONDS: 'soon' }, 'PENDING_REDRIVE_AFTER_SECONDS must be a whole number of seconds (got "soon")'],
  // The functions that emit metrics need their environment, the metrics' `environment` dimension.
  ['api_handler', { ORDERS_TABLE: 'orders', STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:1:stateMachine:m' }, 'DOFS_ENVIRONMENT is required but not set'],
  ['fulfill_order', { ORDERS_TABLE: 'orders' }, 'DOFS_ENVIRONMENT is required but not set'],
  ['dlq_handler', { ORDERS_TABLE: 'orders', FAILED_ORDERS_TABLE: 'failed', DOFS_ENVIRONMENT: ' ' }, 'DOFS_ENVIRONMENT is required but not set'],
  ['pending_sweeper', { ORDERS_TABLE: 'orders', FAILED_ORDERS_TABLE: 'failed', ORDER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/q' }, 'DOFS_ENVIRONMENT is required but not set'],
];

const CONFIG_VARIABLES: string[] = Object.values(ENV);

function importWith(handler: string, env: Record<string, string>): unknown {
  const saved = { ...process.env };
  for (const name of CONFIG_VARIABLES) delete process.env[name];
  Object.assign(process.env, { AWS_REGION: 'us-east-1' }, env);
  try {
    let loaded: unknown;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- isolateModules loads synchronously, into a fresh registry
      loaded = require(`../../lambdas/${handler}/index`);
    });
    return loaded;
  } finally {
    process.env = saved;
  }
}

describe('Handler entry points', () => {
  it.each(ENTRY_POINTS)('%s refuses to start with %p, naming the variable', (handler, env, message) => {
    expect(() => importWith(handler, env)).toThrow(message);
  });

  it.each([
    ['api_handler', { ORDERS_TABLE: 'orders', STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:1:stateMachine:m', DOFS_ENVIRONMENT: 'dev' }],
    ['validator', {}],
    ['order_storage', { ORDERS_TABLE: 'orders' }],
    ['fulfill_order', { ORDERS_TABLE: 'orders', DOFS_ENVIRONMENT: 'dev' }],
    ['dlq_handler', { ORDERS_TABLE: 'orders', FAILED_ORDERS_TABLE: 'failed', DOFS_ENVIRONMENT: 'dev' }],
    ['pending_sweeper', { ORDERS_TABLE: 'orders', FAILED_ORDERS_TABLE: 'failed', ORDER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/q', DOFS_ENVIRONMENT: 'dev' }],
  ])('%s starts with its variables and exports a handler function', (handler, env) => {
    expect(importWith(handler, env)).toEqual({ handler: expect.any(Function) });
  });

  // The declaration in topology/access.ts is what the stack gives each function and what the local
  // runtime will; the entry point must read exactly those variables, no more (undefined on AWS) and no
  // fewer (an unused grant).
  it.each(FUNCTION_KEYS)('%s reads exactly the variables its declaration lists', (key) => {
    const valid: Record<string, string> = {
      ORDERS_TABLE: 'orders',
      FAILED_ORDERS_TABLE: 'failed',
      ORDER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/q',
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:1:stateMachine:m',
      FAILURE_THRESHOLD: '1',
      PENDING_REDRIVE_AFTER_SECONDS: '900',
      DOFS_ENVIRONMENT: 'dev',
    };
    expect(Object.keys(valid).sort()).toEqual([...CONFIG_VARIABLES].sort());
    const read = new Set<string>();
    const saved = process.env;
    process.env = new Proxy({ ...saved, AWS_REGION: 'us-east-1', ...valid }, {
      get: (target, name) => {
        if (typeof name === 'string' && CONFIG_VARIABLES.includes(name)) read.add(name);
        return Reflect.get(target, name) as unknown;
      },
    });
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- isolateModules loads synchronously, into a fresh registry
        require(`../../lambdas/${key}/index`);
      });
    } finally {
      process.env = saved;
    }
    expect([...read].sort()).toEqual(variablesOf(key));
  });
});
