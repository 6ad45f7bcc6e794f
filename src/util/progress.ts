/**
 * A one-line progress counter on stderr, shown only when stderr is a terminal and the work has taken
 * more than a second: CI logs and pipes stay clean.
 */
export class ProgressReporter {
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, total: number): void {
    this.draw(`${this.label} ${done}/${total} files`);
  }

  /** A phase of a long job (`running cargo metadata`). */
  message(text: string): void {
    this.draw(`${this.label}: ${text}`);
  }

  private draw(text: string): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.started < 1000 || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.drawn = true;
    this.stream.write(`\r\x1b[2Kenvrace: ${text}`);
  }

  finish(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
