/** Writing reports and other files the user asked for: atomically, mode 0600 (they describe secrets). */
import { chmodSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SweepError } from '../errors.js';

export function writePrivateFile(file: string, content: string): void {
  if (file === '-' ) {
    process.stdout.write(content);
    return;
  }
  if (file === '/dev/null' || file.startsWith('/dev/') || file.startsWith('/proc/self/fd/')) {
    writeFileSync(file, content);
    return;
  }
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* nothing to clean */ }
    throw new SweepError(`cannot write output: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, file);
  }
}
