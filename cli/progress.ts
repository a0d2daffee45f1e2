/**
 * One progress line on stderr for long steps: redrawn in place on a terminal, printed at most every
 * few seconds otherwise (CI logs), and cleared when the step ends.
 */
export class Progress {
  private lastPrinted = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  update(text: string): void {
    const now = Date.now();
    if (this.tty) {
      process.stderr.write(`\r\x1b[2K  ${text}`);
    } else if (now - this.lastPrinted >= 5000) {
      process.stderr.write(`  ${text}\n`);
      this.lastPrinted = now;
    }
  }

  done(text?: string): void {
    if (this.tty) process.stderr.write('\r\x1b[2K');
    if (text) process.stderr.write(`  ${text}\n`);
    this.lastPrinted = 0;
  }
}
