/**
 * The history progress bar: stderr only, and only on a TTY outside CI. Drawn by hand with \r at most
 * ten times a second; cleared when the scan ends.
 */
export interface ProgressState {
  commits: number;
  totalCommits?: number;
  blobs: number;
  bytes: number;
}

export function progressWanted(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI;
}

function mb(n: number): string {
  return (n / (1024 * 1024)).toFixed(1);
}

function clock(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '--:--';
  const m = Math.floor(s / 60);
  const r = Math.floor(s % 60);
  return m >= 60 ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

export class ProgressBar {
  private timer?: NodeJS.Timeout;
  private readonly started = Date.now();
  private drawn = false;

  constructor(
    private readonly state: () => ProgressState,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  start(): this {
    this.timer = setInterval(() => this.draw(), 100);
    this.timer.unref();
    return this;
  }

  line(): string {
    const s = this.state();
    const secs = (Date.now() - this.started) / 1000;
    const rate = secs > 0 ? s.bytes / secs : 0;
    const width = 24;
    let bar = '';
    let eta = '';
    if (s.totalCommits && s.totalCommits > 0) {
      const frac = Math.min(1, s.commits / s.totalCommits);
      const full = Math.round(frac * width);
      bar = `[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${s.commits}/${s.totalCommits} commits · `;
      eta = frac > 0 ? ` · ETA ${clock((secs * (1 - frac)) / frac)}` : '';
    } else bar = `${s.commits} commits · `;
    return `${bar}${s.blobs} blobs · ${mb(s.bytes)} MB · ${mb(rate)} MB/s${eta}`;
  }

  private draw(): void {
    const cols = this.out.columns || 100;
    this.out.write(`\r${this.line().slice(0, cols - 1)}\x1b[K`);
    this.drawn = true;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.drawn) this.out.write('\r\x1b[K');
  }
}
