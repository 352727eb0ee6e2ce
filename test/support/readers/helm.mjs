/**
 * Reads a chart value as Helm renders it: values.yaml is taken literally (Helm does not expand `${…}`).
 * A value that is a `${…}` reference, or that moved to an existingSecret only a cluster can provide,
 * fails with that reason.
 * Usage: node helm.mjs CHART_DIR dotted.path
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { at, fail, fp } from './common.mjs';

const [chart, path] = process.argv.slice(2);
const values = parse(readFileSync(join(chart, 'values.yaml'), 'utf8'));
const v = at(values, path);
if (v === undefined || v === null || v === '') {
  const parent = at(values, path.split('.').slice(0, -1).join('.'));
  if (parent?.existingSecret) fail(`helm: ${path} comes from the Kubernetes Secret ${parent.existingSecret} (needs a cluster)`);
  fail(`helm: ${path} is empty`);
}
if (typeof v !== 'string' && typeof v !== 'number') fail(`helm: ${path} is not a scalar`);
if (/\$\{[^}]*\}/.test(String(v))) fail(`helm: ${path} deploys the literal text ${/\$\{[^}]*\}/.exec(String(v))[0]}`);
if (String(v).startsWith('sm://')) fail(`helm: ${path} deploys the literal text sm://…`);
console.log('helm', fp(v));
