/**
 * The .env rewriter: a value that held a migrated secret becomes a reference that
 * `secret-sweep run -- COMMAND` resolves from Secrets Manager into the command's environment:
 *
 *   PGPASS=<value>                      ->  PGPASS=sm://prod/etl/db#password
 *   export STRIPE="<value>"             ->  export STRIPE="sm://prod/api/stripe#api_key"
 *   DATABASE_URL=postgres://etl:<value>@db:5432/app
 *                                       ->  DATABASE_URL=postgres://etl:${sm://prod/etl/db#password}@db:5432/app
 *
 * (The syntax is documented in src/migrate/run-env.ts.) Only the value's characters change: comments,
 * quotes, `export `, spacing and line endings stay. Context values (host, user, ...) stay literal, as in
 * the Python rewriter. Left for a human: a variable a front-end bundler inlines into browser code
 * (`VITE_*`, `NEXT_PUBLIC_*`, ...: browser-code.ts), a value with
 * escapes in double quotes, percent-encoded URL passwords, sites outside a value, and the dotenv backend
 * (there the values live in the git-ignored .env itself).
 */
import path from 'node:path';
import type { RewriteInput, RewriteResult, RewriteSite, Rewriter, TextEdit } from './rewriter.js';
import { isValidRefPart, parseEnvText, smReference } from '../run-env.js';
import { backendFor } from '../backend/backends.js';
import { BROWSER_SUGGESTION, publicEnvReason } from './browser-code.js';
import { lineStarts, siteOffsets, URI_RULE, type UnhandledSite } from './sites.js';
import { applyEdits } from './fixer.js';

/**
 * `edits` of a .env text with each unquoted value whose new text holds `#` put in single quotes (when the
 * text has no quote, backslash or line break): Node's dotenv ends an unquoted value at `#`, so a program
 * that loads the file itself (js-dotenv-resolve.ts) would get `sm://NAME` for `sm://NAME#KEY`. Every
 * reader (python-dotenv, Node's, compose, the shell, `secret-sweep run`) takes single quotes literally.
 */
export function quoteHashedReferences(text: string, edits: readonly TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  const done = new Set<TextEdit>();
  for (const e of parseEnvText(text)) {
    if (e.quote !== '') continue;
    const inside = edits.filter((x) => e.valueStart <= x.start && x.end <= e.valueEnd);
    if (!inside.some((x) => x.replacement.includes('#'))) continue;
    const value = applyEdits(text.slice(e.valueStart, e.valueEnd), inside.map((x) => ({ ...x, start: x.start - e.valueStart, end: x.end - e.valueStart })));
    if (/['\\\r\n]/.test(value)) continue;
    out.push({ start: e.valueStart, end: e.valueEnd, replacement: `'${value}'` });
    for (const x of inside) done.add(x);
  }
  return [...edits.filter((x) => !done.has(x)), ...out];
}

/**
 * The edits quoting, as above, each unquoted `sm://…#KEY` reference of a .env an earlier version wrote
 * (before it quoted them): Node's readers would hand the program `sm://NAME`, which resolves to the whole
 * secret, not its key.
 */
export function quoteUnquotedReferences(text: string): TextEdit[] {
  return parseEnvText(text).filter((e) => e.quote === '').flatMap((e) => {
    const value = text.slice(e.valueStart, e.valueEnd);
    return value.includes('sm://') && value.includes('#') && !/['\\\r\n]/.test(value) ? [{ start: e.valueStart, end: e.valueEnd, replacement: `'${value}'` }] : [];
  });
}

export class DotenvRewriter implements Rewriter {
  readonly id = 'dotenv';

  appliesTo(file: string): boolean {
    const base = path.basename(file);
    if (/^\.env\.(example|sample|template|dist)$/i.test(base)) return false;
    return base === '.env' || /^\.env\.[A-Za-z0-9_.-]+$/.test(base) || /\.env$/i.test(base);
  }

  rewrite(input: RewriteInput): RewriteResult & { unhandled: UnhandledSite[] } {
    const out: RewriteResult & { unhandled: UnhandledSite[] } = { edits: [], notes: [], unhandled: [] };
    if (input.sites.length === 0) return out;
    const manual = (s: RewriteSite, reason: string, suggestion?: string) => {
      if (s.kind !== 'secret') return;
      out.unhandled.push({ ...s, reason, ...(suggestion ? { suggestion } : {}) });
      out.notes.push(`${s.file}:${s.line}:${s.column}: left for you: ${reason}${suggestion ? `; ${suggestion}` : ''}`);
    };
    const suggestion = (s: RewriteSite) => `set the value to ${smReference(s.ref.secretName, s.ref.jsonKey)} and start the program with \`secret-sweep run -- ...\``;
    const partSuggestion = (key: string, s: RewriteSite, own = `${s.ref.secretName}-${key.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`) => `the secret is part of ${key}'s value: store the whole value as a secret of its own (\`aws secretsmanager create-secret --name ${own} --secret-string …\`) and set the line to \`${key}=sm://${own}\`, or give the secret its own line (\`${key}_${(s.ref.jsonKey ?? 'SECRET').toUpperCase()}=${smReference(s.ref.secretName, s.ref.jsonKey)}\`) and build the value in the program (a URL password with encodeURIComponent / urllib.parse.quote); start it with \`secret-sweep run -- ...\``;
    if (!backendFor(input.backend).capabilities.runReferences) {
      for (const s of input.sites) manual(s, 'with the dotenv backend the values live in the git-ignored .env; point this variable at it by hand', undefined);
      return out;
    }
    const starts = lineStarts(input.text);
    const entries = parseEnvText(input.text);
    const groups = new Map<number, Array<{ site: RewriteSite; start: number; end: number }>>();
    for (const site of input.sites) {
      const off = siteOffsets(starts, input.text.length, site);
      const idx = off ? entries.findIndex((e) => e.valueStart <= off[0] && off[1] <= e.valueEnd) : -1;
      if (!off || idx < 0) {
        manual(site, 'the value is not the value of a KEY=value line', suggestion(site));
        continue;
      }
      const g = groups.get(idx) ?? [];
      g.push({ site, start: off[0], end: off[1] });
      groups.set(idx, g);
    }
    for (const [idx, items] of groups) {
      const e = entries[idx]!;
      const secrets = items.filter((x) => x.site.kind === 'secret');
      if (secrets.length === 0) continue;
      // A bundler inlines it into browser code: an sm:// reference would be inlined as text.
      const inBrowser = publicEnvReason(e.key);
      if (inBrowser) {
        for (const x of secrets) manual(x.site, inBrowser, BROWSER_SUGGESTION);
        continue;
      }
      items.splice(0, items.length, ...secrets.sort((a, b) => a.start - b.start));
      const raw = input.text.slice(e.valueStart, e.valueEnd);
      let bad: string | undefined;
      // The whole value goes to the vault as python-dotenv decodes it (plan/literals.ts) and is replaced as a
      // whole; a part of one with escapes would not match what is stored.
      const whole = items.length === 1 && items[0]!.start === e.valueStart && items[0]!.end === e.valueEnd;
      if (e.quote === '"' && raw.includes('\\') && !whole) bad = 'the quoted value has escapes, so the stored text differs from what programs read';
      else if (raw.includes('\n') && !whole) bad = 'a value over several lines';
      for (let i = 0; i < items.length && !bad; i++) {
        const x = items[i]!;
        if (i > 0 && x.start < items[i - 1]!.end) bad = 'overlapping sites';
        else if (!isValidRefPart(x.site.ref.secretName, 'name') || (x.site.ref.jsonKey && !isValidRefPart(x.site.ref.jsonKey, 'key'))) bad = 'the secret name or key cannot be written as an sm:// reference';
        else if (x.site.rule && URI_RULE.test(x.site.rule) && /%[0-9A-Fa-f]{2}/.test(input.text.slice(x.start, x.end))) bad = 'a percent-encoded value in a URL';
      }
      if (bad) {
        // A reference as the whole value would replace the URL (or text) around the secret by the secret alone.
        for (const x of secrets) manual(x.site, bad, whole ? suggestion(x.site) : partSuggestion(e.key, x.site));
        continue;
      }
      let edits: TextEdit[];
      if (items.length === 1 && items[0]!.start === e.valueStart && items[0]!.end === e.valueEnd) {
        const s = items[0]!.site;
        edits = [{ start: e.valueStart, end: e.valueEnd, replacement: smReference(s.ref.secretName, s.ref.jsonKey) }];
      } else {
        edits = items.map((x) => ({ start: x.start, end: x.end, replacement: `\${${smReference(x.site.ref.secretName, x.site.ref.jsonKey)}}` }));
      }
      out.edits.push(...edits);
      out.notes.push(`${input.file}: ${e.key} (line ${e.line}) now refers to Secrets Manager (see the start commands)`);
    }
    return out;
  }
}
