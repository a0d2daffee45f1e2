import { channel, subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

export interface FunctionOutputLine {
  readonly functionName: string;
  readonly line: string;
}

/**
 * Every line a function writes, as CloudWatch Logs receives it on AWS. Published on a diagnostics
 * channel, the way Node's HTTP server publishes its requests (local/stats.ts counts them so): whatever
 * reads function output subscribes, and the functions need not know who does.
 */
const FUNCTION_OUTPUT = 'dofs:function-output';
const functionOutput = channel(FUNCTION_OUTPUT);

/** Calls `listener` with each line any function writes, until the returned function is called. */
export function onFunctionOutput(listener: (output: FunctionOutputLine) => void): () => void {
  const handler = (message: unknown) => listener(message as FunctionOutputLine);
  subscribe(FUNCTION_OUTPUT, handler);
  return () => void unsubscribe(FUNCTION_OUTPUT, handler);
}

/** A longer line is passed on but not published: CloudWatch Logs takes no event over 1 MB. */
const MAX_LINE_CHARS = 1024 * 1024;

/**
 * Passes a function's output stream on unchanged (to the runtime's own stdout or stderr, where `npm
 * start` shows the handlers' logs) and publishes it line by line on the function-output channel.
 */
export function relayFunctionOutput(functionName: string, output: Readable, destination: Writable): void {
  // Written through rather than piped: a pipe per thread would add listeners to process.stdout with
  // every new execution environment, and the runtime's stdout (a pipe or a file) writes synchronously
  // on Linux and macOS, so there is no backpressure to relay.
  const decoder = new StringDecoder('utf8');
  let partial = '';
  // Set while the rest of an overlong line goes by.
  let skipping = false;
  const complete = (rest: string) => {
    const overlong = skipping || partial.length + rest.length > MAX_LINE_CHARS;
    const line = overlong ? '' : partial + rest;
    partial = '';
    skipping = false;
    if (line.length > 0 && functionOutput.hasSubscribers) functionOutput.publish({ functionName, line } satisfies FunctionOutputLine);
  };
  const read = (text: string) => {
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      complete(text.slice(start, newline));
      start = newline + 1;
    }
    partial += text.slice(start);
    if (partial.length > MAX_LINE_CHARS) {
      partial = '';
      skipping = true;
    }
  };
  output.on('data', (chunk: Buffer) => {
    destination.write(chunk);
    read(decoder.write(chunk));
  });
  // A last line without its newline (the thread ended mid-write) is still a line.
  output.on('end', () => {
    read(decoder.end());
    complete('');
  });
}
