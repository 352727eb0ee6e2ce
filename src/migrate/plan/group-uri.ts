/**
 * Grouping: a connection URI (`scheme://user:PASSWORD@host:port/db`, JDBC) becomes one secret: a database ->
 * {engine, host, port, username, password, dbname}; another URL -> its parts. For rules whose `migrate:`
 * says `grouping: database-uri` or `uri`.
 */
import type { Cand, CandField, GroupingContext } from './occurrences.js';
import { slug } from './naming.js';
import { parseKeyBefore, parseUriAround } from './values.js';
import type { Span } from './types.js';
import { isUriGrouping } from './rule-facts.js';

export function uriGroups(ctx: GroupingContext): Cand[] {
  const { occs, used, lineOf, contextField, literalField, secretField, resourceFrom } = ctx;
  const out: Cand[] = [];
  for (const o of occs) {
    if (!isUriGrouping(ctx.migration(o.f.rule))) continue;
    const line = lineOf(o);
    if (line === undefined || o.loc.endLine !== o.loc.line) continue;
    const s0 = o.loc.column - 1;
    const s1 = o.loc.endColumn;
    if (line.slice(s0, s1) !== o.raw) continue;
    const u = parseUriAround(line, s0, s1);
    if (!u) continue;
    const isDb = ctx.migration(o.f.rule)?.grouping === 'database-uri' || u.engine !== undefined;
    const ln = o.loc.line;
    const fields: CandField[] = [];
    if (isDb && u.engine) fields.push(literalField('engine', u.engine));
    if (u.host) fields.push(contextField('host', o, ln, u.host.start, u.host.end, u.host.value));
    if (u.port) fields.push(contextField('port', o, ln, u.port.start, u.port.end, u.port.value));
    else if (isDb && u.defaultPort !== undefined && u.host) fields.push(literalField('port', String(u.defaultPort), 'number'));
    if (u.username) {
      let v = u.username.value;
      try {
        v = decodeURIComponent(v);
      } catch {
        /* keep */
      }
      fields.push(contextField('username', o, ln, u.username.start, u.username.end, v));
      if (v !== u.username.value) fields[fields.length - 1]!.source = { ...(fields[fields.length - 1]!.source as Span & { kind: 'span' }), decode: 'uri' };
    }
    fields.push(secretField('password', o));
    if (u.dbname) fields.push(contextField('dbname', o, ln, u.dbname.start, u.dbname.end, u.dbname.value));
    const key = parseKeyBefore(line.slice(0, u.uriStart));
    let resource = '';
    if (key) {
      const parts = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
      while (parts.length && ['url', 'uri', 'dsn', 'conn', 'connection', 'string', 'str'].includes(parts[parts.length - 1]!)) parts.pop();
      resource = resourceFrom(parts);
    }
    if (!resource) resource = slug([u.engine ?? u.scheme.replace(/^jdbc:/, '').replace(/\+.*$/, ''), u.dbname?.value ?? u.host?.value.split('.')[0] ?? ''].filter(Boolean).join('-'));
    used.add(o);
    out.push({ kind: isDb ? 'database' : 'url', resource: resource || 'db', fields, first: o.loc });
  }
  return out;
}
