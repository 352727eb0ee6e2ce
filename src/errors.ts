/**
 * A user-facing error: one line, exit code 2, no stack trace unless --debug.
 * `where` is "file" or "file:line" when the fault has a location.
 */
export class SweepError extends Error {
  constructor(
    message: string,
    readonly where?: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'SweepError';
  }

  /** The one line printed on stderr. */
  oneLine(): string {
    const msg = this.message.replace(/\s*\n\s*/g, ' ');
    return this.where ? `${this.where}: ${msg}` : msg;
  }
}

export function isSweepError(e: unknown): e is SweepError {
  return e instanceof SweepError;
}
