/**
 * One progress line for long work: redrawn in place on a terminal, printed at each tenth of the way
 * otherwise (CI logs), always on stderr so that stdout stays machine-readable.
 */
export class Progress {
  private lastShown = -1;
  private readonly started = Date.now();
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  update(done: number, total: number): void {
    if (done === this.lastShown) return;
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    const line = `${this.label}: ${done}/${total} through the pipeline (${seconds} s)`;
    if (this.tty) this.stream.write(`\r${line}\x1b[K`);
    else if (total === 0 || done === total || Math.floor((done * 10) / total) !== Math.floor((this.lastShown * 10) / total)) this.stream.write(`${line}\n`);
    this.lastShown = done;
  }

  done(): void {
    if (this.tty && this.lastShown >= 0) this.stream.write('\n');
  }
}
