/** Human-readable output on stdout, or one JSON document with `--json`; progress and errors on stderr. */
export class Output {
  constructor(readonly json: boolean) {}

  /** Prints `data` as JSON, or the human lines. */
  result(data: unknown, human: () => string[]): void {
    if (this.json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    else for (const line of human()) process.stdout.write(`${line}\n`);
  }

  /** A line for people only (audit lines are part of the JSON result instead). */
  line(text: string): void {
    if (!this.json) process.stdout.write(`${text}\n`);
  }
}

/** Columns padded to their widest cell; the last column is left unpadded. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (row: string[]) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [format(header), ...rows.map(format)];
}

/** A cell that keeps a table readable: one line, at most `max` characters. */
export function cell(value: unknown, max = 60): string {
  const text = value === undefined || value === null ? '' : String(value).replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
