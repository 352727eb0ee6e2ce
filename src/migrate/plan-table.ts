/** The dry-run plan table: secret name, JSON keys, action, where found (redacted), cost, code edits. */
import { backendFor } from './backend/backends.js';
import { formatLocation, type Plan } from './plan.js';
import type { RewriteRunResult } from './rewrite/run-rewriters.js';
import { lockStepLine } from './lockfiles/lock-step.js';

const PRICE_PER_SECRET = 0.4;
const PRICE_PER_10K_CALLS = 0.05;

/** The plan table: secret name, JSON keys, where found (redacted), action. */
export function renderPlanTable(plan: Plan, opts: { backend: string; vaultNote?: string; rewrites?: RewriteRunResult }): string {
  const rows: string[][] = [];
  for (const s of plan.secrets) {
    const keys = s.fields.map((f) => (f.secret ? `${f.key}*` : f.key)).join(', ');
    const found: string[] = [];
    for (const f of s.fields) {
      if (!f.secret) continue;
      const locs = f.locations.map(formatLocation);
      found.push(`${f.key} ${f.redacted} ${locs.slice(0, 3).join(', ')}${locs.length > 3 ? ` +${locs.length - 3} more` : ''}`);
    }
    const action = s.action + (s.note ? ` (${s.note})` : '');
    rows.push([s.name, keys, action, found[0] ?? '']);
    for (const extra of found.slice(1)) rows.push(['', '', '', extra]);
  }
  const head = ['SECRET', 'KEYS', 'ACTION', 'FOUND AT (redacted)'];
  const w = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  ').trimEnd();
  const out = [line(head), ...rows.map(line)];
  const created = plan.secrets.filter((s) => s.action === 'create').length;
  const calls = plan.secrets.length * 2 + plan.secrets.filter((s) => s.action !== 'reuse' && s.action !== 'skip').length * 2;
  out.push('', '* = secret value; the other keys are plain settings found next to it and stored with it.');
  out.push(
    `Cost: ${plan.secrets.length} secret(s) x $${PRICE_PER_SECRET.toFixed(2)} = $${(plan.secrets.length * PRICE_PER_SECRET).toFixed(2)}/month`
    + ` (${created} new), plus $${PRICE_PER_10K_CALLS.toFixed(2)} per 10,000 API calls (this migration: about ${calls} calls, $${((calls / 10000) * PRICE_PER_10K_CALLS).toFixed(4)});`
    + ' list prices, check your region.',
  );
  const note = backendFor(opts.backend).planNote;
  if (note) out.push(`(${note})`);
  out.push(`Code edits: ${plan.edits.length} file(s)${plan.edits.length ? ':' : ''}`);
  for (const e of plan.edits) out.push(`  ${e.summary}`);
  const rw = opts.rewrites;
  if (rw?.generated.length) out.push(`Generated: ${rw.generated.join(', ')}`);
  if (rw?.lockfiles.length) {
    out.push(`Lock files: ${rw.lockfiles.length}:`);
    for (const l of rw.lockfiles) out.push(`  ${l.status === 'manual' ? 'manual: ' : ''}${lockStepLine(l)}`);
  }
  if (rw?.manual.length) {
    out.push(`Left for you (manual): ${rw.manual.length} place(s):`);
    for (const m of rw.manual) out.push(`  ${m.file}:${m.line}: ${m.secretName}#${m.jsonKey}: ${m.reason}`);
  }
  out.push(...notMigratedLines(plan));
  for (const w2 of plan.warnings) out.push(`warning: ${w2}`);
  if (opts.vaultNote) out.push(`note: ${opts.vaultNote}`);
  return out.join('\n') + '\n';
}

/** The values the plan does not store, each with why (also when there is nothing else to migrate). */
export function notMigratedLines(plan: Plan): string[] {
  if (!plan.skipped.length) return [];
  return [`Not migrated: ${plan.skipped.length} value(s):`, ...plan.skipped.map((k) => `  ${formatLocation(k.location)}: ${k.reason}`)];
}
