// Usage errors keep their detail on one line (the option, what was given, the choices), unknown commands
// list the commands (no far-fetched "did you mean run?"), help shows each alias once, --color works
// through a pipe, and `run COMMAND -x` needs no `--`.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { githubToken } from '../support/fake-secrets.js';

const oneLine = (s: string) => s.trim().split('\n').length === 1;

describe('usage errors', () => {
  it('an invalid --format names the option, the value and the choices', () => {
    const r = runCli(['scan', '.', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(/--format: "xml" is not one of text, json, jsonl, sarif, junit, gitlab/);
  });

  it('an invalid rules action names the choices', () => {
    const r = runCli(['rules', 'bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"bogus" is not one of list, test, explain/);
  });

  it('an unknown command lists the commands and suggests only a near miss', () => {
    const dir = runCli(['dir', '.']);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toContain('unknown command "dir"');
    expect(dir.stderr).toContain('scan, baseline, rules');
    expect(dir.stderr).not.toMatch(/did you mean/i);
    expect(runCli(['sacn', '.']).stderr).toMatch(/Did you mean scan\?/);
  });

  it('hook install in a folder that does not exist names it (not "git is not installed")', () => {
    const missing = join(tmpdir(), 'ss-no-such-folder-' + process.pid);
    const r = runCli(['hook', 'install', missing]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`secret-sweep: ${missing}: no such file or folder`);
  });

  it('scan --range without a value is exit 2, not a whole-history scan', () => {
    const r = runCli(['scan', '--range']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--range');
  });

  it('baseline --help shows -o once and no report or --verify flag; giving one is a usage error', () => {
    const r = runCli(['baseline', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s*-o, --output\b/m);
    expect(r.stdout).not.toContain('-o, -o');
    expect(r.stdout).toMatch(/^\s*--staged\b/m);
    // (an option line starts with the flag; the description and examples name `scan --baseline`)
    for (const flag of ['format', 'show-secrets', 'verify', 'only-verified', 'color', 'baseline']) expect(r.stdout).not.toMatch(new RegExp(`^\\s+--${flag}\\b`, 'm'));
    // Rejected before anything is scanned or written.
    const out = join(mkdtempSync(join(tmpdir(), 'ss-bl-')), 'bl');
    for (const flag of ['--show-secrets', '--verify']) {
      const bad = runCli(['baseline', '.', '-o', out, flag]);
      expect(bad.code, flag).toBe(2);
      expect(bad.stderr.trim(), flag).toBe(`secret-sweep: Unknown argument: ${flag.slice(2)} (see --help)`);
    }
    expect(runCli(['baseline', '.', '-o', out, '--format', 'json']).code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('--help shows examples, as each command\'s does (CLI.md)', () => {
    for (const cmd of [[], ['verify-refs']]) {
      const r = runCli([...cmd, '--help']);
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.stdout, cmd.join(' ')).toMatch(/^Examples:\n {2}secret-sweep \S/m);
    }
  });
});

describe('--color and run', () => {
  it('--color colours the text report through a pipe; without it a pipe gets none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-color-'));
    writeFileSync(join(dir, 'a.py'), `TOKEN = "${githubToken(931)}"\n`);
    const coloured = runCli(['scan', '.', '--color'], { cwd: dir });
    expect(coloured.code).toBe(1);
    expect(coloured.stdout).toContain('\u001b[');
    const plain = runCli(['scan', '.'], { cwd: dir });
    expect(plain.stdout).not.toContain('\u001b[');
  });

  it('run node -e CODE runs without --', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-run-'));
    const r = runCli(['run', 'node', '-e', 'process.exit(7)'], { cwd: dir });
    expect(r.code, r.stderr).toBe(7);
    writeFileSync(join(dir, 'args.js'), 'process.stdout.write(process.argv.slice(2).join(","));\n');
    const withOpt = runCli(['run', '--region', 'us-east-1', process.execPath, 'args.js', '-x', 'y', '--region', 'z'], { cwd: dir });
    expect(withOpt.code, withOpt.stderr).toBe(0);
    expect(withOpt.stdout).toBe('-x,y,--region,z');
  });
});
