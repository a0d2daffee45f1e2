/**
 * `npx dofs …`: operate DOFS from a terminal or a script, against the local runtime (default) or a
 * deployed stack. Each command is a module in ./commands; this file only declares the interface.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import * as v from 'valibot';
import { ORDER_STATUSES, QUANTITY_MAX } from '../lambdas/shared/order';
import { FAILURE_THRESHOLD, FailureThresholdSchema } from '../topology/env';
import { executions } from './commands/executions';
import { failed, type FailedOptions } from './commands/failed';
import { get, type GetOptions } from './commands/get';
import { list, type ListOptions } from './commands/list';
import { load, type LoadOptions } from './commands/load';
import { redrive, type RedriveOptions } from './commands/redrive';
import { submit, type SubmitOptions } from './commands/submit';
import { CliError, EXIT } from './errors';
import { Output } from './output';
import { resolveTarget, type Target, type TargetOptions } from './target';

interface GlobalOptions extends TargetOptions {
  json?: boolean;
}

function integer(min: number, max: number) {
  return (raw: string) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`);
    return value;
  };
}

/** A FAILURE_THRESHOLD given as a flag, checked as the runtime checks one it is sent (topology/env.ts). */
function failureThreshold(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !v.is(FailureThresholdSchema, value)) throw new InvalidArgumentError(`must be ${FAILURE_THRESHOLD.expected}.`);
  return value;
}

const EXIT_CODES = `
Exit codes:
  0  done
  1  the target answered no: refused or unknown order, orders not fulfilled, load with errors
  2  wrong usage (unknown command or option, bad value, unreadable file)
  3  the target could not be reached (is \`npm start\` running?)
  4  not available on this target (e.g. executions or get --journey on a deployed stack)`;

const TARGETS = `
Targets:
  local runtime (default)   http://localhost:$PORT (3000), or --url / DOFS_URL
  deployed stack            --stack dofs-dev (reads \`terraform output\` in cdktf.out/stacks/dofs-dev),
                            --outputs outputs.json (from \`cdktf deploy --outputs-file\`), or --api-url / DOFS_API_URL
                            for submit, get and load; AWS credentials as for the AWS CLI`;

export function buildProgram(run: (action: (target: Target, out: Output) => Promise<void>, command: Command) => Promise<void>): Command {
  const program = new Command('dofs')
    .description('Operate DOFS, the Distributed Order Fulfillment System: submit and inspect orders, redrive failures, generate load.')
    .option('--url <url>', 'the local runtime (default: DOFS_URL, else http://localhost:$PORT or 3000)')
    .option('--api-url <url>', 'a deployed stack\'s API (default: DOFS_API_URL)')
    .option('--stack <name>', 'a deployed stack whose outputs to read, e.g. dofs-dev')
    .option('--outputs <file>', 'stack outputs written by `cdktf deploy --outputs-file`')
    .option('--json', 'print one JSON document instead of text')
    .addHelpText('after', `${TARGETS}\n${EXIT_CODES}`)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('submit')
    .description('submit an order, from flags or a JSON file (an object, or an array of them)')
    .option('--order-id <id>', 'order_id (default: a new cli-… id)')
    .option('--item <item>', 'what is ordered')
    .option('--quantity <n>', `how many (1–${QUANTITY_MAX})`, integer(1, QUANTITY_MAX))
    .option('--file <path>', 'read the order(s) from a JSON file, or - for standard input')
    .option('--wait', 'wait for each order to be FULFILLED or FAILED (exit 1 unless all are FULFILLED)')
    .option('--timeout <seconds>', 'how long --wait waits', integer(1, 3600), 60)
    .addHelpText('after', '\nExamples:\n  npx dofs submit --item widget --quantity 2\n  npx dofs submit --file orders.json --wait')
    .action((options: SubmitOptions, command: Command) => run((target, out) => submit(target, options, out), command));

  program
    .command('get')
    .description('show one order and its status; with --journey, every step it took on one timeline')
    .argument('<order_id>')
    .option('--journey', 'the POST, each workflow state, each receive and attempt, order_dlq, failed_orders and redrives, in time order (local runtime)')
    .addHelpText('after', "\nOn a deployed stack, --journey exits 4 and prints the CloudWatch Logs Insights query that lists the order's log lines.\n\nExamples:\n  npx dofs get ord-1\n  npx dofs get ord-1 --journey\n  npx dofs --json get ord-1 --journey")
    .action((orderId: string, options: GetOptions, command: Command) => run((target, out) => get(target, orderId, out, options), command));

  program
    .command('list')
    .description('the most recently changed orders, optionally in one status')
    .addOption(new Option('--status <status>', 'only orders in this status').choices(ORDER_STATUSES))
    .option('--limit <n>', 'how many', integer(1, 1000), 20)
    .action((options: ListOptions, command: Command) => run((target, out) => list(target, options, out), command));

  program
    .command('failed')
    .description('rows of failed_orders, newest first, with the reason each order failed')
    .option('--limit <n>', 'how many', integer(1, 10_000), 20)
    .action((options: FailedOptions, command: Command) => run((target, out) => failed(target, options, out), command));

  program
    .command('redrive')
    .description('replay what sits in order_dlq back into order_queue; with --failed, FAILED orders too')
    .option('--failed', 'also requeue FAILED orders (FAILED -> PENDING, their failed_orders row removed)')
    .option('--order-id <id...>', 'requeue only these FAILED orders (order_dlq is left alone)')
    .option('--dry-run', 'say what would be redriven, change nothing')
    .option('--limit <n>', 'at most this many orders per source', integer(1, 100_000), 1000)
    .option('--timeout <seconds>', 'how long to wait for an AWS message move task', integer(1, 3600), 300)
    .addHelpText(
      'after',
      '\nOn AWS, order_dlq is redriven by an SQS message move task (to the queue the messages came from);\nlocally, message by message. Every order gets an audit line.\n\nExamples:\n  npx dofs redrive --failed --dry-run\n  npx dofs redrive --order-id ord-1 ord-2',
    )
    .action((options: RedriveOptions, command: Command) => run((target, out) => redrive(target, options, out), command));

  program
    .command('load')
    .description('send orders from concurrent clients and report throughput, latency and outcomes')
    .option('--orders <n>', 'how many orders', integer(1, 1_000_000), 100)
    .option('--concurrency <n>', 'concurrent clients', integer(1, 1000), 8)
    .option('--failure-threshold <x>', 'FAILURE_THRESHOLD during the load, restored after (local runtime only)', failureThreshold)
    .option('--prefix <prefix>', 'order_id prefix (default: load-<time>)')
    .option('--timeout <seconds>', 'how long to wait for final states after sending', integer(1, 3600), 120)
    .action((options: LoadOptions, command: Command) => run((target, out) => load(target, options, out), command));

  program
    .command('executions')
    .description('the workflow path each execution for an order took (local runtime)')
    .argument('<order_id>')
    .action((orderId: string, _options, command: Command) => run((target, out) => executions(target, orderId, out), command));

  return program;
}

function report(error: unknown, json: boolean): number {
  if (error instanceof CommanderError) {
    // Help and --version are exit 0; every other parse problem was already printed by commander.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof CliError) {
    if (json) process.stderr.write(`${JSON.stringify({ error: error.message, hint: error.hint, exit_code: error.exitCode })}\n`);
    else process.stderr.write(`dofs: ${error.message}\n${error.hint ? `  ${error.hint}\n` : ''}`);
    return error.exitCode;
  }
  // A bug or an SDK error (credentials, permissions): one line, the stack only on request.
  const { name, message, stack } = error as Error;
  process.stderr.write(`dofs: ${name}: ${message}${process.env.DOFS_DEBUG ? `\n${stack}` : ''}\n`);
  return EXIT.failed;
}

export async function main(argv: string[]): Promise<number> {
  let json = argv.includes('--json');
  const program = buildProgram(async (action, command) => {
    const options = command.optsWithGlobals<GlobalOptions>();
    json = Boolean(options.json);
    await action(resolveTarget(options), new Output(json));
  });
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    return report(error, json);
  }
}

// Exit once stdout and stderr have drained (a pipe into jq or head), without waiting for the SDK's
// keep-alive sockets to time out.
const code = await main(process.argv);
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
