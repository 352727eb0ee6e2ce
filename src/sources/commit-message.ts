/**
 * The message file a `commit-msg` hook gets (`scan --commit-msg FILE`): the message of a commit not yet
 * made, shown as file `(commit message)` like the messages `--range`/`--ci`/`--history` read.
 *
 * Git runs the hook before it cleans the message up, and whether it then drops `#` lines depends on how
 * the commit was made (`-m` keeps them: cleanup `whitespace`), so comment lines are read. Only the diff
 * that `git commit -v` puts below the scissors line is left out where it shows lines the commit does not
 * add (removed and context lines: removing a token from a file must not block the commit that removes
 * it; added lines are the pre-commit hook's, and reading them here again only repeats its findings).
 */
import { readFileSync } from 'node:fs';
import { SweepError } from '../errors.js';
import { decodeText } from './decode-text.js';
import { emptyStats, type Fragment, type SourceStats, type TextSource } from './source.js';

export const COMMIT_MESSAGE_PATH = '(commit message)';

/** Git's scissors line: its comment string, then `------------------------ >8 ------------------------`. */
const SCISSORS = /^\S{1,8} -{24} >8 -{24}$/;

/** The message as read: lines below a scissors line that start with `-` or a space are blanked (kept as empty lines, so line numbers stay the file's). */
export function messageText(text: string): string {
  const lines = text.split('\n');
  const cut = lines.findIndex((l) => SCISSORS.test(l.replace(/\r$/, '')));
  if (cut < 0) return text;
  return lines.map((l, i) => (i > cut && /^[- ]/.test(l) ? '' : l)).join('\n');
}

export class CommitMessageSource implements TextSource {
  readonly name = 'commit message';
  private readonly st: SourceStats = emptyStats();

  constructor(private readonly file: string, private readonly maxSize = Infinity) {}

  stats(): SourceStats {
    return this.st;
  }

  async *fragments(): AsyncIterable<Fragment> {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.file);
    } catch (e) {
      throw new SweepError(`cannot read the commit message file: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, this.file);
    }
    if (bytes.length > this.maxSize) {
      this.st.skipped.push({ path: COMMIT_MESSAGE_PATH, reason: 'too-large', detail: `over ${this.maxSize} bytes` });
      return;
    }
    const dec = decodeText(bytes);
    // Git refuses a message with a NUL; read past one anyway rather than skip the message.
    const text = 'binary' in dec ? bytes.toString('utf8').replace(/\0/g, '\n') : dec.text;
    this.st.files = 1;
    this.st.bytes = bytes.length;
    yield { text: messageText(text), provenance: { kind: 'staged', path: COMMIT_MESSAGE_PATH } };
  }
}
