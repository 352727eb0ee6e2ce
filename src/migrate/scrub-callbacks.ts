/**
 * The `git filter-repo` callbacks written beside the replacements file (scrub.ts). None holds a value: each
 * reads the replacements file once per filter-repo run and applies its lines where `--replace-text` and
 * `--replace-message` do not reach:
 * - blobs git calls binary (a NUL in the first 8 KB: binary files, UTF-16 text), as bytes and as UTF-16;
 * - file paths (`keys/AKIA….txt`), as `REMOVED`;
 * - people: author, committer and tagger names and emails (`--name-callback`, `--email-callback`), which the
 *   gate reads as `(commit header)` / the tag's tagger, and which no message option rewrites;
 * - ref names (`--refname-callback`): a branch or tag named after a token (`leak/ghp_…`) is pushed and
 *   fetched with the repository; `REMOVED`, as `*` may not stand in a ref name.
 * Headers other than these (`gpgsig`, `mergetag`, one `git hash-object -t commit` took) need no callback:
 * `git fast-export` does not export them, so every commit filter-repo writes is without them.
 */
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../fs/write-file.js';
import { AFTER, BEFORE } from './scrub.js';

export interface CallbackPaths {
  blobs: string;
  names: string;
  people: string;
  emails: string;
  refs: string;
}

/** The callbacks' files: beside the replacements file, named after it. */
export function callbackPaths(replacements: string): CallbackPaths {
  const stem = join(dirname(replacements), basename(replacements).replace(/\.txt$/, ''));
  return { blobs: `${stem}-binary-blobs.py`, names: `${stem}-file-names.py`, people: `${stem}-people.py`, emails: `${stem}-emails.py`, refs: `${stem}-ref-names.py` };
}

/** Python: the replacements file's lines, parsed once per filter-repo run as filter-repo parses them. */
function parseOnce(replacements: string): string[] {
  return [
    'g = globals()',
    "if 'secret_sweep_raw' not in g:",
    '  import re',
    '  raw, utf16 = [], []',
    `  with open(${JSON.stringify(replacements)}, 'rb') as f:`,
    '    for line in f:',
    "      line = line.rstrip(b'\\r\\n')",
    "      if b'==>' not in line:",
    '        continue',
    "      pat, rep = line.rsplit(b'==>', 1)",
    "      if pat.startswith(b'regex:'):",
    '        raw.append((re.compile(pat[6:]), rep))',
    `        lit = re.sub(rb'\\\\(.)', rb'\\1', pat[6:].replace(b${JSON.stringify(BEFORE)}, b'').replace(b${JSON.stringify(AFTER)}, b''))`,
    "      elif pat.startswith(b'literal:'):",
    '        lit = pat[8:]',
    '        raw.append((lit, rep))',
    '      else:',
    '        continue',
    "      for enc in ('utf-16-le', 'utf-16-be'):",
    "        utf16.append((lit.decode('utf-8', 'replace').encode(enc), rep.decode('utf-8', 'replace').encode(enc)))",
    "  g['secret_sweep_raw'], g['secret_sweep_utf16'] = raw, utf16",
    '  def sub(data, pairs, to=None):',
    '    for pat, rep in pairs:',
    "      data = pat.sub(to or rep, data) if hasattr(pat, 'sub') else data.replace(pat, to or rep)",
    '    return data',
    "  g['secret_sweep_sub'] = sub",
  ];
}

/** A callback body: a comment, the parser, and what it returns or does with filter-repo's variable. */
function callback(replacements: string, why: string, body: string): string {
  return [`# secret-sweep: ${why} It holds no value.`, ...parseOnce(replacements), body, ''].join('\n');
}

/**
 * filter-repo's blob callback (run once per blob): the replacements file's lines applied to the blobs
 * `--replace-text` skips, as bytes and as UTF-16.
 */
export function blobCallback(replacements: string): string {
  return callback(replacements, '--replace-text skips every blob with a NUL in its first 8 KB (binary files, UTF-16 text);\n# this applies the same replacements there, as bytes and as UTF-16 (both byte orders).',
    "if b'\\0' in blob.data[0:8192]:\n  blob.data = secret_sweep_sub(blob.data, secret_sweep_raw + secret_sweep_utf16)");
}

/**
 * filter-repo's filename callback: a value in a file's path (`keys/AKIA….txt`) is in every commit that has
 * the file, and `--replace-text` reads contents only. `REMOVED`, without the asterisks a path should not hold.
 */
export function fileNameCallback(replacements: string): string {
  return callback(replacements, 'the same replacements in file paths (--replace-text reads contents only).', "return secret_sweep_sub(filename, secret_sweep_raw, b'REMOVED')");
}

/** Names and emails of authors, committers and taggers (a token pasted as `user.name`, or as the email's local part). */
export function peopleCallback(replacements: string, field: 'name' | 'email'): string {
  return callback(replacements, `the same replacements in author, committer and tagger ${field}s (no message option reads them).`, `return secret_sweep_sub(${field}, secret_sweep_raw)`);
}

/**
 * Ref names (`refs/heads/leak/ghp_…`, `refs/tags/rel-ghp_…`): the value becomes `REMOVED`; the mirror push
 * deletes the old name. Two refs that would get one name (`leak/<token1>`, `leak/<token2>`) get `REMOVED`,
 * `REMOVED-2`: filter-repo would otherwise write both to one ref and lose a branch. The same name always
 * maps the same way (filter-repo asks once per commit and tag).
 */
export function refNameCallback(replacements: string): string {
  return callback(replacements, 'the same replacements in branch, tag and other ref names, as REMOVED (no * in a ref name).', [
    "renamed = g.setdefault('secret_sweep_refs', {})",
    'if refname not in renamed:',
    "  new = base = secret_sweep_sub(refname, secret_sweep_raw, b'REMOVED')",
    '  n = 1',
    '  while new != refname and new in renamed.values():',
    '    n += 1',
    "    new = base + b'-' + str(n).encode()",
    '  renamed[refname] = new',
    'return renamed[refname]',
  ].join('\n'));
}

/** Writes every callback (0600, created new, never through a link) beside the replacements file. */
export function writeCallbacks(replacements: string): CallbackPaths {
  const cb = callbackPaths(replacements);
  const files: Array<[string, string]> = [
    [cb.blobs, blobCallback(replacements)],
    [cb.names, fileNameCallback(replacements)],
    [cb.people, peopleCallback(replacements, 'name')],
    [cb.emails, peopleCallback(replacements, 'email')],
    [cb.refs, refNameCallback(replacements)],
  ];
  for (const [path, text] of files) writeFileAtomic(path, text, { private: true, exclusive: true });
  return cb;
}
