/**
 * Progress of a long read on standard error, when it is a terminal: events read, their rate and,
 * where the source can tell how far it is, the time left. One line, rewritten at most once a
 * second; nothing at all for a read that ends within the first two seconds.
 */
export interface ProgressWriter {
  isTTY?: boolean;
  write(text: string): unknown;
}

export class Progress {
  private started = Date.now();
  private shown = 0;
  private wrote = false;

  constructor(
    private readonly out: ProgressWriter,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new source begins. */
  begin(): void {
    this.started = this.now();
    this.shown = this.started;
  }

  update(source: string, events: number, fraction?: number): void {
    const now = this.now();
    if (now - this.shown < 1000 || now - this.started < 2000) return;
    this.shown = now;
    const seconds = (now - this.started) / 1000;
    const rate = Math.round(events / seconds);
    let left = '';
    if (fraction !== undefined && fraction > 0.001 && fraction < 1) {
      const remaining = Math.round((seconds * (1 - fraction)) / fraction);
      left = `, about ${Math.floor(remaining / 60)}:${String(remaining % 60).padStart(2, '0')} left`;
    }
    this.out.write(
      `\r\x1b[2Kchs: ${source}: ${events.toLocaleString('en-US')} events read, ${rate.toLocaleString('en-US')}/s${left}`,
    );
    this.wrote = true;
  }

  /** Clears the line once the read is over. */
  end(): void {
    if (this.wrote) this.out.write('\r\x1b[2K');
    this.wrote = false;
  }
}
