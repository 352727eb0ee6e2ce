/** Writing reports and other files the user asked for: atomically, mode 0600 (they describe secrets). */
import { writeFileSync } from 'node:fs';
import { SweepError } from '../errors.js';
import { writeFileAtomic } from '../fs/write-file.js';

export function writePrivateFile(file: string, content: string): void {
  if (file === '-' ) {
    process.stdout.write(content);
    return;
  }
  if (file === '/dev/null' || file.startsWith('/dev/') || file.startsWith('/proc/self/fd/')) {
    writeFileSync(file, content);
    return;
  }
  try {
    writeFileAtomic(file, content, { private: true });
  } catch (e) {
    if (e instanceof SweepError) throw e;
    throw new SweepError(`cannot write output: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, file);
  }
}
