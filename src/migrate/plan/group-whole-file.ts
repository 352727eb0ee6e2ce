/**
 * Grouping: a file that is itself the credential (a PEM key file, a GCP service-account JSON, .netrc,
 * .pypirc, .npmrc, .docker/config.json) becomes one secret that holds the file byte for byte under the
 * key `file` (plus the detected values, so each finding has its home). Apply stores it, untracks and
 * ignores the file, and the program starts under `secret-sweep run --file PATH=sm://NAME#file` (issue 13,
 * defect 11). For rules whose `migrate:` has `whole_file`; the file must be that kind of file as a whole.
 */
import path from 'node:path';
import type { RuleMigration } from '../../rules/rule.js';
import type { Cand, CandField, GroupingContext } from './occurrences.js';
import { slug } from './naming.js';
import { lineStarts } from './values.js';

/** The key of the whole file's text in its secret (`sm://NAME#file`). */
export const WHOLE_FILE_KEY = 'file';

type WholeFileKind = NonNullable<RuleMigration['whole_file']>;

/** True when `file` (with `text`) is, as a whole, a credential file of this kind. */
export function isWholeFile(kind: WholeFileKind, file: string, text: string): boolean {
  const base = path.posix.basename(file);
  switch (kind) {
    case 'private-key':
      return /\.(pem|key|p8|ppk)$/i.test(base) || /^id_(rsa|dsa|ecdsa|ed25519)$/.test(base)
        || /^-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----\s*$/.test(text.trimStart());
    case 'service-account-json':
      try {
        return /\.json$/i.test(base) && (JSON.parse(text) as { type?: unknown }).type === 'service_account';
      } catch {
        return false;
      }
    case 'netrc':
      return base === '.netrc' || base === '_netrc';
    case 'pypirc':
      return base === '.pypirc';
    case 'npmrc':
      return base === '.npmrc' || base === '.yarnrc' || base === '.yarnrc.yml';
    case 'docker-config':
      return /(^|\/)\.?docker\/config\.json$/.test(file);
    default:
      // pip-index: a requirements file holds more than the credential (manual, with PIP_INDEX_URL).
      return false;
  }
}

/** A file of one line, the value itself (a final newline allowed), that is not source code or a settings file some rewriter knows. */
export function isTokenFile(file: string, text: string, value: string): boolean {
  const line = (x: string) => x.replace(/\r?\n$/, '');
  return line(value).length >= 8 && line(text) === line(value) && !/\.(py|ipynb|[cm]?[jt]sx?|json|ya?ml|toml|ini|cfg|conf|env|properties|sh|tf)$/i.test(file)
    && !/(^|\/)\.env(\.[^/]*)?$/.test(file);
}

export function wholeFileGroups(ctx: GroupingContext): Cand[] {
  const { occs, used, sameFile, textOf, secretField, digest } = ctx;
  const out: Cand[] = [];
  for (const o of occs) {
    if (used.has(o) || o.loc.historyOnly) continue;
    const kind = ctx.migration(o.f.rule)?.whole_file;
    const text = textOf(o);
    if (text === undefined || text.length === 0) continue;
    // A file that holds the value and nothing else (`api-token.txt`, read with `open(…).read()`): no reader
    // could be pointed at a reference in it, so it is stored whole too, whatever the rule.
    if (!(kind && isWholeFile(kind, o.loc.file, text)) && !isTokenFile(o.loc.file, text, o.value)) continue;
    const fields: CandField[] = [];
    const keys = new Set<string>([WHOLE_FILE_KEY]);
    for (const x of sameFile(o)) {
      if (used.has(x) || x.loc.historyOnly) continue;
      let key = ctx.migration(x.f.rule)?.field ?? 'secret';
      for (let i = 2; keys.has(key); i++) key = `${ctx.migration(x.f.rule)?.field ?? 'secret'}_${i}`;
      keys.add(key);
      fields.push(secretField(key, x));
      used.add(x);
    }
    // The file as it is, as a context field spanning all of it (re-read and checked at apply).
    // Its last line is the last one that starts before the end (a final newline ends that line).
    const starts = lineStarts(text).filter((st) => st < text.length);
    const last = starts.length;
    const span = { file: o.loc.file, line: 1, column: 1, endLine: last, endColumn: text.length - starts[last - 1]! };
    fields.push({
      key: WHOLE_FILE_KEY, secret: false, type: 'string', value: text, occs: [],
      source: { kind: 'span', ...span },
      contextLoc: { ...span, fingerprint: digest(text), historyOnly: false },
    });
    out.push({ kind: 'whole-file', resource: slug(path.posix.basename(o.loc.file).replace(/^\./, '').replace(/\./g, '-')), fields, first: o.loc });
  }
  return out;
}
