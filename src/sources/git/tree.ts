/** Git's tree objects as `cat-file --batch` prints them: `<mode> <name>\0<object id>` per entry, ids in binary. */
import { SweepError } from '../../errors.js';

export interface TreeEntry {
  /** As ls-tree prints it: six octal digits (`040000` for a folder, `100644` for a file, `120000` a symlink). */
  mode: string;
  /** The object id, in hex. */
  sha: string;
}

/** The entries of a raw tree object by name (names that are not UTF-8 read with U+FFFD); `idBytes`: 20 (SHA-1) or 32 (SHA-256). */
export function treeEntries(data: Buffer, idBytes: number): Map<string, TreeEntry> {
  const out = new Map<string, TreeEntry>();
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    const nul = sp < 0 ? -1 : data.indexOf(0, sp + 1);
    if (nul < 0 || nul + 1 + idBytes > data.length) throw new SweepError('a tree object git returned is malformed');
    out.set(data.toString('utf8', sp + 1, nul), { mode: data.toString('latin1', pos, sp).padStart(6, '0'), sha: data.toString('hex', nul + 1, nul + 1 + idBytes) });
    pos = nul + 1 + idBytes;
  }
  return out;
}
