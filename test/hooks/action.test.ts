// action.yml: its shape, and its job-summary script run on a real (redacted) jsonl report.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../support/cli.js';
import { githubToken } from '../support/fake-secrets.js';

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
const action = parse(readFileSync(fileURLToPath(new URL('../../action.yml', import.meta.url)), 'utf8')) as {
  runs: { using: string; steps: Step[] };
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
};
const steps = action.runs.steps;
const step = (name: string) => steps.find((s) => s.name === name)!;

/** Scan a folder holding `deploy.sh` to jsonl (expecting exit `code`), then run the summary step's script on it. */
function summaryOfScan(deploySh: string, code: number, ssPath: string) {
  const dir = mkdtempSync(join(tmpdir(), 'ss-action-'));
  writeFileSync(join(dir, 'deploy.sh'), deploySh);
  const jsonl = join(dir, 'out.jsonl');
  const scan = runCli(['scan', dir, '--format', 'jsonl', '-o', jsonl]);
  expect(scan.code, scan.stderr).toBe(code);
  const summary = join(dir, 'summary.md');
  const r = spawnSync(process.execPath, ['-e', step('Job summary and annotations').env!.SS_SUMMARY_JS!], {
    encoding: 'utf8',
    env: { ...process.env, SS_JSONL: jsonl, SS_EXIT: String(code), SS_PATH: ssPath, GITHUB_STEP_SUMMARY: summary },
  });
  expect(r.status, r.stderr).toBe(0);
  return { r, md: readFileSync(summary, 'utf8'), jsonl };
}

describe('action.yml', () => {
  it('is a composite action: node, install from the action path, scan --ci, summary, SARIF upload on request, fail on exit 1', () => {
    expect(action.runs.using).toBe('composite');
    expect(steps[0]!.uses).toMatch(/^actions\/setup-node@/);
    expect(step('Install secret-sweep').run).toContain('npm ci');
    expect(step('Install secret-sweep')).toMatchObject({ 'working-directory': '${{ github.action_path }}' });
    expect(step('Scan').run).toContain('--ci');
    expect(step('Scan').run).toContain('--format jsonl');
    expect(step('Upload SARIF to code scanning').uses).toMatch(/^github\/codeql-action\/upload-sarif@/);
    expect(step('SARIF report').if).toContain("inputs.upload-sarif == 'true'");
    expect(step('Result').run).toMatch(/1\)[\s\S]*exit 1/);
    expect(action.inputs['upload-sarif']!.default).toBe('false');
    for (const s of steps) if (s.run) expect(s.shell, s.name).toBeDefined();
  });

  it('never interpolates inputs into scripts (they go through env)', () => {
    for (const s of steps) if (s.run) expect(s.run, s.name).not.toMatch(/\$\{\{\s*inputs\./);
  });

  it('the summary script writes a Markdown table and annotations, redacted', () => {
    const token = githubToken(601);
    const { r, md } = summaryOfScan(`export GH_TOKEN="${token}"\n`, 1, 'svc');
    expect(md).toContain('## secret-sweep');
    expect(md).toContain('**1 finding(s)**');
    expect(md).toMatch(/\| Rule \| File \| Line \| Commit \| Match \(redacted\) \|/);
    expect(md).toContain('<code>deploy.sh</code>');
    expect(r.stdout).toMatch(/^::error file=svc\/deploy\.sh,line=1,col=\d+,title=secret-sweep [\w-]+::/m);
    expect(md.includes(token) || r.stdout.includes(token)).toBe(false);
  });

  it('suppressed entries are listed and annotated as warnings, not counted as findings', () => {
    const token = githubToken(602);
    const { r, md, jsonl } = summaryOfScan(`export GH_TOKEN="${token}"  # gitleaks:allow\n`, 0, '.');
    // The Scan step's count.
    const count = spawnSync('sh', ['-c', `grep -cv '"suppressed":true' "$1" || true`, 'sh', jsonl], { encoding: 'utf8' });
    expect(count.stdout.trim()).toBe('0');
    expect(step('Scan').run).toContain(`grep -cv '"suppressed":true'`);
    expect(md).toContain('No credentials found');
    expect(md).toMatch(/\*\*\d+ suppressed by inline allow markers\*\*/);
    expect(md).toContain('gitleaks:allow');
    expect(r.stdout).toMatch(/^::warning file=deploy\.sh,line=1,col=\d+,title=secret-sweep [\w-]+ \(suppressed\)::suppressed by inline allow marker/m);
    expect(r.stdout).not.toMatch(/^::error/m);
    expect(md.includes(token) || r.stdout.includes(token)).toBe(false);
  });

  it('the summary says clean when nothing was found', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-action-'));
    const summary = join(dir, 'summary.md');
    writeFileSync(join(dir, 'empty.jsonl'), '');
    const r = spawnSync(process.execPath, ['-e', step('Job summary and annotations').env!.SS_SUMMARY_JS!], {
      encoding: 'utf8',
      env: { ...process.env, SS_JSONL: join(dir, 'empty.jsonl'), SS_EXIT: '0', GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.status).toBe(0);
    expect(readFileSync(summary, 'utf8')).toContain('No credentials found');
    expect(r.stdout).toBe('');
  });
});
