/**
 * Reading values and their context from text (pure string work): assignments, spans, connection URIs, the
 * key before a value, the YAML parent or INI section above a line.
 */
import type { Span } from './types.js';

export interface Assignment {
  indent: number;
  key: string;
  /** Value span within the line (end exclusive) and the value itself, quotes removed. */
  start: number;
  end: number;
  value: string;
  /** A plain literal (not a reference, template, call or empty). */
  plain: boolean;
}

const ASSIGN = /^(\s*)(?:export\s+|set\s+)?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*(?::=|=>|=|:)[ \t]*/;

export function parseAssignment(line: string): Assignment | undefined {
  const m = ASSIGN.exec(line);
  if (!m) return undefined;
  const indent = m[1]!.length;
  const key = m[2]!.split('.').pop()!;
  let start = m[0].length;
  let rest = line.slice(start);
  let value: string;
  let quoted = false;
  const q = /^(["'`])(.*?)\1/.exec(rest);
  if (q) {
    value = q[2]!;
    start += 1;
    quoted = true;
  } else {
    rest = rest.replace(/\s+#.*$/, '').replace(/\s*[,;]\s*$/, '').replace(/\s+$/, '');
    value = rest;
  }
  const end = start + value.length;
  const plain = value.length > 0 && value.length <= 200
    && !/\$\{|\{\{|%s|%\(|^\$|^(none|null|nil|undefined|~)$/i.test(value)
    && (quoted ? !/[\n]/.test(value) : /^[^\s'"`$(){}<>[\]]+$/.test(value));
  return { indent, key, start, end, value, plain };
}

export function lineStarts(text: string): number[] {
  const starts = [0];
  let i = -1;
  while ((i = text.indexOf('\n', i + 1)) !== -1) starts.push(i + 1);
  return starts;
}

export function linesOf(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** The offsets [start, end) of a span (1-based lines/columns, endColumn inclusive) in `text`. */
export function spanOffsets(text: string, span: Pick<Span, 'line' | 'column' | 'endLine' | 'endColumn'>, starts = lineStarts(text)): [number, number] | undefined {
  const a = starts[span.line - 1];
  const b = starts[span.endLine - 1];
  if (a === undefined || b === undefined) return undefined;
  const s = a + span.column - 1;
  const e = b + span.endColumn;
  if (s < 0 || e > text.length || e < s) return undefined;
  return [s, e];
}

/** The text of a span (1-based lines/columns, endColumn inclusive). */
export function spanText(text: string, span: Span): string | undefined {
  const o = spanOffsets(text, span);
  return o && text.slice(o[0], o[1]);
}

export interface UriParts {
  scheme: string;
  engine?: string;
  defaultPort?: number;
  username?: { value: string; start: number; end: number };
  host?: { value: string; start: number; end: number };
  port?: { value: string; start: number; end: number };
  dbname?: { value: string; start: number; end: number };
  /** Where the URI starts in the line (for the assignment key before it). */
  uriStart: number;
}

const ENGINES: Array<[RegExp, string, number | undefined]> = [
  [/^(postgres|postgresql|postgis|pgsql)$/, 'postgres', 5432],
  [/^(mysql|mysqlx)$/, 'mysql', 3306],
  [/^mariadb$/, 'mariadb', 3306],
  [/^mongodb$/, 'mongo', 27017],
  [/^mongodb\+srv$/, 'mongo', undefined],
  [/^rediss?$/, 'redis', 6379],
  [/^amqps?$/, 'amqp', 5672],
  [/^(mssql|sqlserver)$/, 'sqlserver', 1433],
  [/^oracle(:thin)?$/, 'oracle', 1521],
];

function engineOf(scheme: string): { engine?: string; port?: number } {
  let s = scheme.replace(/^jdbc:/, '');
  if (s !== 'mongodb+srv') s = s.replace(/\+.*$/, '');
  for (const [re, engine, port] of ENGINES) if (re.test(s)) return { engine, port };
  return {};
}

/** Parse the URI around a password at [s0, s1) of a line: scheme://user:PASSWORD@host:port/db, or JDBC. */
export function parseUriAround(line: string, s0: number, s1: number): UriParts | undefined {
  const before = line.slice(0, s0);
  const sep = before.lastIndexOf('://');
  if (sep < 0) return undefined;
  const sm = /([A-Za-z][A-Za-z0-9+.:-]*)$/.exec(before.slice(0, sep));
  if (!sm) return undefined;
  const scheme = sm[1]!.toLowerCase();
  const uriStart = sep - sm[1]!.length;
  const { engine, port: defaultPort } = engineOf(scheme);
  const out: UriParts = { scheme, engine, defaultPort, uriStart };
  const auth = sep + 3;
  if (scheme.startsWith('jdbc:')) {
    const hm = /^([A-Za-z0-9._-]+)(?::(\d{1,5}))?(?:\/([A-Za-z0-9_.$-]+))?/.exec(line.slice(auth));
    if (hm) {
      out.host = { value: hm[1]!, start: auth, end: auth + hm[1]!.length };
      if (hm[2]) {
        const ps = auth + hm[1]!.length + 1;
        out.port = { value: hm[2], start: ps, end: ps + hm[2].length };
      }
      if (hm[3]) {
        const ds = auth + hm[0].length - hm[3].length;
        out.dbname = { value: hm[3], start: ds, end: ds + hm[3].length };
      }
    }
    const tail = line.slice(auth);
    const um = /[;?&](?:user|username)=([^;&\s"'<>{}]+)/i.exec(tail);
    if (um) {
      const us = auth + um.index + um[0].length - um[1]!.length;
      out.username = { value: um[1]!, start: us, end: us + um[1]!.length };
    }
    if (!out.dbname) {
      const dm = /[;?&]database(?:name)?=([A-Za-z0-9_.$-]+)/i.exec(tail);
      if (dm) {
        const ds = auth + dm.index + dm[0].length - dm[1]!.length;
        out.dbname = { value: dm[1]!, start: ds, end: ds + dm[1]!.length };
      }
    }
    return out;
  }
  const userinfo = before.slice(auth);
  if (!userinfo.endsWith(':') || /[/@\s]/.test(userinfo.slice(0, -1))) return undefined;
  if (userinfo.length > 1) out.username = { value: userinfo.slice(0, -1), start: auth, end: s0 - 1 };
  if (line[s1] !== '@') return out;
  const hm = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?(?:\/([A-Za-z0-9_.$-]+))?/.exec(line.slice(s1 + 1));
  if (!hm) return out;
  const hs = s1 + 1;
  out.host = { value: hm[1]!, start: hs, end: hs + hm[1]!.length };
  if (hm[2]) {
    const ps = hs + hm[1]!.length + 1;
    out.port = { value: hm[2], start: ps, end: ps + hm[2].length };
  }
  if (hm[3]) {
    const ds = hs + hm[0].length - hm[3].length;
    out.dbname = { value: hm[3], start: ds, end: ds + hm[3].length };
  }
  return out;
}


/** The assignment name right before a position: `DATABASE_URL=`, `"url": "`, `engine = create_engine("` (none). */
export function parseKeyBefore(before: string): string | undefined {
  const m = /([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*(?::=|=>|[:=])\s*["'`]?$/.exec(before.slice(-200));
  return m ? m[1]!.split('.').pop() : undefined;
}

/** The YAML parent key or INI section a line sits under, if any. */
export function headerAbove(lines: string[], line: number): string | undefined {
  const t0 = lines[line - 1] ?? '';
  const indent = t0.length - t0.trimStart().length;
  for (let i = line - 1; i >= 1; i--) {
    const t = lines[i - 1] ?? '';
    if (t.trim() === '') continue;
    const sec = /^\s*\[([^\]]+)\]\s*$/.exec(t);
    if (sec) return sec[1];
    const ind = t.length - t.trimStart().length;
    if (ind < indent) {
      const y = /^\s*-?\s*["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*:\s*(?:#.*)?$/.exec(t);
      return y?.[1];
    }
  }
  return undefined;
}
