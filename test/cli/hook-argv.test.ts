/**
 * The hook's fast path (src/cli/hook-argv.ts) must hand the scan command exactly what yargs would, and
 * must give every other command line back to yargs.
 */
import yargs from 'yargs';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hookScanArgs, quickScanArgs } from '../../src/cli/hook-argv.js';
import { scanCommand, type ScanArgs } from '../../src/cli/commands/scan.js';
import { runCli } from '../support/cli.js';
import { cleanup, commit, keyLine, makeRepo, stage } from '../sources/git/helpers.js';

/** The arguments yargs passes to the scan handler for this argv (kebab-case keys of ScanArgs only). */
async function viaYargs(argv: string[]): Promise<Partial<ScanArgs> | undefined> {
  let got: Record<string, unknown> | undefined;
  const cmd = scanCommand(() => {});
  await yargs(argv)
    .option('debug', { type: 'boolean', global: true })
    .command({ ...cmd, handler: (a: Record<string, unknown>) => void (got = a) } as never)
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new Error(msg);
    })
    .parseAsync();
  if (!got) return undefined;
  const keys: Array<keyof ScanArgs> = ['path', 'staged', 'history', 'range', 'ci', 'branch', 'all-lines', 'format', 'output', 'config', 'baseline', 'max-file-size', 'max-findings-per-file', 'show-secrets', 'color', 'gitignore', 'debug', 'jobs'];
  return Object.fromEntries(keys.filter((k) => got![k] !== undefined).map((k) => [k, got![k]])) as Partial<ScanArgs>;
}

describe('hook command lines without yargs', () => {
  const hookShapes = [
    ['scan', '--staged'],
    ['scan', '--staged', '--baseline', '.secret-sweep-baseline.json'],
    ['scan', '--staged', 'sub dir'],
    ['scan', 'repo', '--staged'],
    ['scan', '--staged', '--all-lines', '--no-color', '--debug'],
    ['scan', '--staged', '--config', 'conf/sweep.yaml', '--baseline', 'b.json', '.'],
    ['scan', '--debug', '--staged', 'x'],
    ['scan', '--staged', '.'],
    ['scan', '--staged', '--baseline', '.b.json', '../repo'],
  ];
  for (const argv of hookShapes) {
    it(`${argv.join(' ')}: the same arguments as yargs builds`, async () => {
      const fast = hookScanArgs(argv);
      expect(fast).toBeDefined();
      expect(fast).toEqual(await viaYargs(argv));
    });
  }

  const others = [
    ['scan', '.'], // not staged
    ['scan', '--history'],
    ['scan', '--staged', '--history'], // yargs' handler reports the conflict
    ['scan', '--staged', '--help'],
    ['scan', '--staged', '-h'],
    ['scan', '--staged', '--version'],
    ['scan', '--staged', '--baseline=b.json'],
    ['scan', '--staged', '--baseline'],
    ['scan', '--staged', '--baseline', '--all-lines'],
    ['scan', '--staged', '--staged'],
    ['scan', '--staged', 'a', 'b'],
    ['scan', '--staged', '-'],
    ['scan', '--staged', '42'],
    ['scan', '--staged', '--baseline', '0x1f'],
    ['scan', '--staged', ' '],
    ['scan', '--staged', '--format', 'json'],
    ['scan', '--staged', '--no-staged'],
    ['scan', '--staged', '--unknown-flag'],
    ['baseline', '--staged'],
    ['--staged', 'scan'],
    [],
  ];
  for (const argv of others) {
    it(`${argv.join(' ') || '(nothing)'}: left to yargs`, () => {
      expect(hookScanArgs(argv)).toBeUndefined();
    });
  }

  it('the hooks this project installs use a recognised shape', async () => {
    // .husky/pre-commit and the pre-commit framework entry run `scan --staged [--baseline FILE]`.
    const { readFileSync } = await import('node:fs');
    expect(readFileSync('.husky/pre-commit', 'utf8')).toMatch(/__ss_run scan --staged \$\{__ss_bl:\+--baseline "\$__ss_bl"\}/);
    expect(readFileSync('.pre-commit-hooks.yaml', 'utf8')).toMatch(/entry: secret-sweep scan --staged\n/);
  });
});

describe('common `scan PATH` lines without yargs (the full CLI\'s fast path)', () => {
  const quickShapes = [
    ['scan'],
    ['scan', '.'],
    ['scan', '.', '--format', 'jsonl', '--output', '/dev/null'],
    ['scan', 'src', '--format', 'sarif', '-o', 'out.sarif'],
    ['scan', '--format', 'json', 'some dir', '--no-color'],
    ['scan', '--no-gitignore', '.', '--config', 'c.yaml', '--baseline', 'b.json', '--debug'],
    ['scan', '--staged', '--format', 'json'],
    ['scan', '--staged', '--all-lines', '-o', 'r.txt', 'repo'],
  ];
  for (const argv of quickShapes) {
    it(`${argv.join(' ')}: the same arguments as yargs builds`, async () => {
      const fast = quickScanArgs(argv);
      expect(fast).toBeDefined();
      expect(fast).toEqual(await viaYargs(argv));
    });
  }
  const others = [
    ['scan', '.', '--format', 'xml'], // yargs' choices message
    ['scan', '.', '--format'],
    ['scan', '.', '--format=json'],
    ['scan', '.', '-o', 'a', '--output', 'b'],
    ['scan', 'a', 'b'],
    ['scan', '-'],
    ['scan', '.', '--history'],
    ['scan', '.', '--verify'],
    ['scan', '.', '--exclude', '*.min.js'],
    ['scan', '.', '-j', '2'],
    ['scan', '.', '--help'],
    ['scan', '.', '--no-gitignore', '--no-gitignore'],
    ['rules', 'list'],
  ];
  for (const argv of others) {
    it(`${argv.join(' ')}: left to yargs`, () => {
      expect(quickScanArgs(argv)).toBeUndefined();
    });
  }
  it('the hook entry still takes only hook shapes (its bundle has text output only)', () => {
    expect(hookScanArgs(['scan', '.', '--format', 'jsonl'])).toBeUndefined();
    expect(hookScanArgs(['scan', '--staged', '-o', 'r.txt'])).toBeUndefined();
  });
});

describe('the hook path through the built CLI (git started before the scanner loads)', () => {
  afterAll(cleanup);
  it('from the top, from a subdirectory (the early git processes are then not the ones used) and with --all-lines: the same findings, and the process ends', () => {
    const r = makeRepo();
    commit(r, { 'sub/old.py': keyLine(71), 'README.md': 'hi\n' });
    stage(r, { 'sub/new.py': keyLine(72), 'top.env': keyLine(73) });
    // Text output (the hook's own format: `--format` would take the yargs path): `path:line:column  rule`.
    const rows = (args: string[], cwd: string) => {
      const out = runCli(['scan', '--staged', ...args], { cwd });
      expect(out.code, out.stderr).toBe(1);
      return out.stdout.split('\n').flatMap((l) => /^(\S+):(\d+):\d+\s/.exec(l)?.slice(1, 3).join(':') ?? []).sort();
    };
    const want = ['sub/new.py:1', 'top.env:1'];
    expect(rows([], r)).toEqual(want);
    expect(rows(['sub'], r)).toEqual(want);
    expect(rows([r], `${r}/sub`)).toEqual(want);
    expect(rows(['.'], `${r}/sub`)).toEqual(want);
    expect(rows(['--all-lines'], r)).toEqual(['sub/new.py:1', 'top.env:1']);
  });
});

describe('the one-file hook entry (dist/bundle/hook.cjs, which bin/secret-sweep.js loads for `scan --staged`)', () => {
  afterAll(cleanup);
  const hookCjs = join(process.cwd(), 'dist/bundle/hook.cjs');
  const cliJs = join(process.cwd(), 'dist/bundle/cli.js');

  it('is one module: it requires no other file of the package, and loads neither node:tls nor worker threads', () => {
    const text = readFileSync(hookCjs, 'utf8');
    expect(text.match(/(?:from|import\(|require\()\s*["']\.{1,2}\/[^"']*["']/g) ?? []).toEqual([]);
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(hookCjs)}); console.log(JSON.stringify(process.moduleLoadList))`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const loaded = JSON.parse(r.stdout) as string[];
    expect(loaded.filter((m) => /^NativeModule (tls|worker_threads)$/.test(m))).toEqual([]);
  });

  it('answers hook command lines as the full CLI does (findings, clean, not a repository) and declines others', () => {
    const r = makeRepo();
    commit(r, { 'README.md': 'hi\n' });
    const viaFullCli = (args: string[], cwd: string) => {
      const p = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(cliJs).href)}); process.exitCode = await m.main(${JSON.stringify(args)});`], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', CI: 'true' } });
      return { code: p.status ?? -1, stdout: p.stdout, stderr: p.stderr };
    };
    const same = (args: string[], cwd: string, code: number) => {
      const viaHook = runCli(args, { cwd });
      expect(viaHook.code, viaHook.stderr).toBe(code);
      expect(viaHook).toEqual(viaFullCli(args, cwd));
    };
    same(['scan', '--staged'], r, 0);
    stage(r, { 'new.py': keyLine(74) });
    same(['scan', '--staged', '--no-color'], r, 1);
    same(['scan', '--staged', '--all-lines', '.'], r, 1);
    same(['scan', '--staged', join(r, 'no-such-dir')], r, 2);
    // Not a hook shape: the hook entry says so, and bin hands the command line to the full CLI.
    const declined = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(hookCjs)}).hookMain(['scan', '--staged', '--format', 'json']).then((c) => console.log(String(c)))`], { cwd: r, encoding: 'utf8' });
    expect(declined.stdout.trim()).toBe('undefined');
    expect(runCli(['scan', '--staged', '--format', 'json'], { cwd: r }).code).toBe(1);
  });
});

describe('the one-file scan entry (dist/bundle/scan.cjs, which bin/secret-sweep.js loads for other `scan` lines)', () => {
  afterAll(cleanup);
  const scanJs = join(process.cwd(), 'dist/bundle/scan.cjs');
  const cliJs = join(process.cwd(), 'dist/bundle/cli.js');

  it('is one module, answers common scan lines as the full CLI does, and declines others', () => {
    const text = readFileSync(scanJs, 'utf8');
    expect(text.match(/(?:from|import\(|require\()\s*["']\.{1,2}\/[^"']*["']/g) ?? []).toEqual([]);
    const r = makeRepo();
    commit(r, { 'README.md': 'hi\n', 'app/settings.py': keyLine(75) });
    const plainEnv: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
    delete plainEnv.NO_COLOR;
    delete plainEnv.FORCE_COLOR;
    const via = (entry: string, fn: string, args: string[]) => {
      const p = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(entry).href)}); const c = await m.${fn}(${JSON.stringify(args)}); console.log('exit', String(c));`], { cwd: r, encoding: 'utf8', env: plainEnv, maxBuffer: 256 * 1024 * 1024 });
      return { stdout: p.stdout, stderr: p.stderr };
    };
    for (const args of [['scan', '.', '--format', 'jsonl'], ['scan', '--format', 'sarif'], ['scan', 'app', '--no-color']]) {
      const viaScan = via(scanJs, 'scanMain', args);
      const viaFull = via(cliJs, 'main', args);
      expect(viaScan.stdout).toMatch(/exit 1\n$/);
      // Same report and summary (SARIF's and JSON's start and end times aside).
      const stable = (s: string) => s.replace(/"(startTimeUtc|endTimeUtc|startedAt|finishedAt)":\s*"[^"]*"/g, '');
      expect(stable(viaScan.stdout)).toBe(stable(viaFull.stdout));
      expect(viaScan.stderr).toBe(viaFull.stderr);
    }
    expect(via(scanJs, 'scanMain', ['scan', '.', '--history']).stdout.trim()).toBe('exit undefined');
    expect(runCli(['scan', '.', '--format', 'jsonl'], { cwd: r }).code).toBe(1);
  });
});
