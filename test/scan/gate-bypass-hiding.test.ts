// Bypass attempts through places a folder scan treats lightly: file names that switch generic rules off
// (lock files, bundles, snapshots, SVG, source maps) and the findings cap per file (a thousand marked
// decoys before the real secret). A gate judges the content, not the name the change gave the file, and
// a file it stopped reading early without reporting anything is not a pass.
import { describe, expect, it } from 'vitest';
import { githubToken, password } from '../support/fake-secrets.js';
import { gateScan, git, repoWith } from '../support/gate-repo.js';
import { runCli } from '../support/cli.js';

const passwordLine = (seed: number) => `db_password = "${password(seed)}"\n`;
const PASSWORD_LINE = passwordLine(7700);

describe('a generic credential in a file named like a lock file or a bundle', () => {
  const names = ['package-lock.json', 'yarn.lock', 'Cargo.lock', 'go.sum', 'app.min.js', 'dist/app.js', 'vendor/lib.js', 'app.js.map', 'logo.svg', 'ui.snap'];
  it('is reported by --range, --history and --staged (a folder scan still skips it by name)', () => {
    // One password each: the same secret in several files is one finding (seen at each place).
    const files = Object.fromEntries(names.map((n, i) => [n, passwordLine(7710 + i)]));
    const { dir } = repoWith({}, files);
    for (const args of [['--range', 'main..pr'], ['--history']]) {
      const r = gateScan(dir, args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.findings.map((f) => f.file).sort(), args.join(' ')).toEqual([...names].sort());
    }
    git(dir, 'reset', '-q', '--soft', 'main');
    const staged = gateScan(dir, ['--staged']);
    expect(staged.findings.map((f) => f.file).sort()).toEqual([...names].sort());
    const folder = runCli(['scan', dir, '--format', 'json'], { cwd: dir });
    expect(folder.code, folder.stderr).toBe(0);
  });

  it('a minified line is still judged minified (content, not name)', () => {
    const long = `var a=${'x'.repeat(1200)};${PASSWORD_LINE}`;
    const { dir } = repoWith({}, { 'app.min.js': long });
    expect(gateScan(dir, ['--range', 'main..pr']).code).toBe(0);
  });
});

describe('the findings cap does not hide a secret behind suppressed decoys', () => {
  const decoy = githubToken(7702);
  const real = githubToken(7703);
  const text = Array.from({ length: 1001 }, (_, i) => `d${i} = "${decoy}"  # gitleaks:allow\n`).join('') + `real = "${real}"\n`;

  it('--range with the base trusting markers, and --staged: the gate refuses (exit 2), naming the cap', () => {
    const { dir } = repoWith({ '.secret-sweep.yaml': 'inline_allow: true\n' }, { 'app.py': text });
    const r = gateScan(dir, ['--range', 'main..pr']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('findings cap');
    git(dir, 'reset', '-q', '--soft', 'main');
    expect(gateScan(dir, ['--staged']).code).toBe(2);
    // No cap: the real secret is found.
    const all = gateScan(dir, ['--staged', '--max-findings-per-file', '0']);
    expect(all.code, all.stderr).toBe(1);
    expect(all.findings).toContainEqual(expect.objectContaining({ file: 'app.py', line: 1002 }));
  });

  it('a folder scan keeps its old exit code (not a gate)', () => {
    const { dir } = repoWith({}, { 'app.py': text });
    expect(runCli(['scan', dir, '--format', 'json'], { cwd: dir }).code).toBe(0);
  });
});
