import { PassThrough, Writable } from 'node:stream';
import { onFunctionOutput, relayFunctionOutput, type FunctionOutputLine } from '../../local/function-output';

/** A function's output stream relayed to a destination of its own; what was published and passed on. */
function relay() {
  const output = new PassThrough();
  const passedOn: Buffer[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      passedOn.push(chunk);
      done();
    },
  });
  const published: FunctionOutputLine[] = [];
  const stop = onFunctionOutput((line) => published.push(line));
  relayFunctionOutput('dofs-local-api_handler', output, destination);
  const ended = new Promise((resolve) => output.on('end', resolve));
  return {
    output,
    published,
    passedOn: () => Buffer.concat(passedOn).toString('utf8'),
    async end() {
      output.end();
      await ended;
      stop();
    },
  };
}

describe("A function's output, relayed and read line by line (local/function-output.ts)", () => {
  it('passes every byte on and publishes whole lines, however the chunks split them', async () => {
    const stream = relay();
    const text = '{"a":1}\n{"b":"é"}\n\nlast without newline';
    const bytes = Buffer.from(text, 'utf8');
    // One byte at a time: lines and a two-byte character cut at every place.
    for (const byte of bytes) stream.output.write(Buffer.from([byte]));
    await stream.end();
    expect(stream.passedOn()).toBe(text);
    expect(stream.published).toEqual([
      { functionName: 'dofs-local-api_handler', line: '{"a":1}' },
      { functionName: 'dofs-local-api_handler', line: '{"b":"é"}' },
      { functionName: 'dofs-local-api_handler', line: 'last without newline' },
    ]);
  });

  it.each([
    ['in two chunks', [600_000]],
    ['in chunks that pass 1 MB before the line ends', [400_000, 800_000, 1_200_000]],
  ])('passes on a line over 1 MB but publishes none of it, and reads the next line (%s)', async (_, cuts) => {
    const stream = relay();
    const long = 'x'.repeat(1024 * 1024 + 300_000);
    let from = 0;
    for (const cut of cuts) {
      stream.output.write(long.slice(from, cut));
      from = cut;
    }
    stream.output.write(`${long.slice(from)}\nnext\n`);
    await stream.end();
    expect(stream.passedOn() === `${long}\nnext\n`).toBe(true);
    expect(stream.published.map((line) => (line.line.length > 20 ? `${line.line.length} characters` : line.line))).toEqual(['next']);
  });

  it('publishes nothing to a listener that unsubscribed', async () => {
    const stream = relay();
    stream.output.write('one\n');
    await stream.end();
    const other = new PassThrough();
    relayFunctionOutput('dofs-local-validator', other, new PassThrough());
    const ended = new Promise((resolve) => other.on('end', resolve));
    other.end('two\n');
    await ended;
    expect(stream.published.map((line) => line.line)).toEqual(['one']);
  });
});
