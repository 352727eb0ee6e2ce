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

  /**
   * The one line printed on stderr. Messages quote user input (keys, ids, file names), so any line break
   * (LF, a lone CR, U+2028/9) becomes a space and other control characters are shown as \xNN: a crafted
   * key must not split the line or move the terminal cursor.
   */
  oneLine(): string {
    const line = (this.where ? `${this.where}: ${this.message}` : this.message).replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' ');
    // eslint-disable-next-line no-control-regex
    return line.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  }
}

export function isSweepError(e: unknown): e is SweepError {
  return e instanceof SweepError;
}
