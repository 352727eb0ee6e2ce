import { describe, expect, it } from 'vitest';
import { formatSize, textReporter, visible } from '../../src/report/text.js';
import { commitOf } from '../../src/findings/finding.js';
import { ALL_SECRETS, makeCtx, sampleFindings } from './helpers.js';

const ESC = '\u001b';

describe('text reporter', () => {
  it('prints one block per finding, headed file:line:column  rule  description', () => {
    const out = textReporter(sampleFindings(), makeCtx());
    const lines = out.split('\n');
    expect(lines[0]).toBe('config/app settings.py:12:9  example-service-token  Example service token');
    expect(out).toContain('deploy/old.env:2:5  generic-api-key  Generic API key');
    const [a, b] = sampleFindings();
    expect(out).toContain(`match:        ${a!.redacted}`);
    expect(out).toContain('fingerprint:  fp0001aaaa');
    expect(out).toContain(`match:        ${b!.redacted}`);
  });

  it('shows commit, author, date and the other places for history findings', () => {
    const out = textReporter(sampleFindings(), makeCtx());
    expect(out).toMatch(/commit: +a1b2c3d4e5f6 \(Ada <Lovelace> & "Co" 'Ltd', 2024-05-01T10:00:00Z\), no longer at HEAD/);
    expect(out).toContain('also in 2 other places');
    // The working-tree finding has neither.
    const first = out.split('\n\n')[0]!;
    expect(first).not.toContain('commit:');
    expect(first).not.toContain('also in');
  });

  it('ends with a summary: findings, files, scanned counts, skipped by reason, notes', () => {
    const out = textReporter(sampleFindings(), makeCtx());
    const tail = out.trimEnd().split('\n').slice(-4);
    expect(tail[0]).toBe('3 findings in 3 files; 10 files scanned, 1.5 MB');
    expect(tail[1]).toBe('skipped 3 files (2 binary, 1 too-large)');
    expect(tail[2]).toBe('note: shallow clone: history is incomplete');
    expect(tail[3]).toBe('incomplete scan: 1 file or blob could not be read and was not scanned (named in the warnings on stderr)');
    expect(out.endsWith('\n')).toBe(true);
  });

  it('lists findings inline markers suppressed after the counts, at most 20 lines, redacted', () => {
    const [, a] = sampleFindings();
    const many = Array.from({ length: 23 }, (_, i) => ({ ...a!, line: i + 1, suppressed: 'inline allow marker "secret-sweep:allow"' }));
    const out = textReporter([], makeCtx({ stats: { files: 1, bytes: 10, skipped: [], notes: [] }, suppressed: many }));
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('no leaks found (1 file scanned, 10 B)');
    expect(lines[1]).toMatch(/^23 findings suppressed by inline allow markers \(not counted; config `inline_allow: false` turns markers off\):$/);
    expect(lines[2]).toBe(`  ${a!.file}:1:${a!.column}  ${a!.rule}  inline allow marker "secret-sweep:allow" (commit ${commitOf(a!)!.slice(0, 12)})`);
    expect(lines).toHaveLength(2 + 20 + 1);
    expect(lines[22]).toBe('  and 3 more (listed in --format json, jsonl, sarif)');
    for (const s of ALL_SECRETS) expect(out).not.toContain(s);
  });

  it('says "no leaks found" with the scanned counts when nothing was found', () => {
    const out = textReporter([], makeCtx({ stats: { files: 1, bytes: 2048, skipped: [], notes: [] } }));
    expect(out).toBe('no leaks found (1 file scanned, 2.0 kB)\n');
  });

  it('uses no escape codes without colour, and ANSI SGR codes with it', () => {
    const plain = textReporter(sampleFindings(), makeCtx({ color: false }));
    expect(plain).not.toContain(ESC);
    const coloured = textReporter(sampleFindings(), makeCtx({ color: true }));
    expect(coloured).toContain(`${ESC}[1m`);
    expect(coloured).toContain(`${ESC}[31m`);
    expect(coloured).toContain(`${ESC}[0m`);
    // Only SGR sequences (ESC [ digits ; m): nothing that moves the cursor or clears the screen.
    const sequences = coloured.match(/\u001b\[[0-9;]*[A-Za-z]/g) ?? [];
    expect(sequences.length).toBeGreaterThan(0);
    for (const s of sequences) expect(s).toMatch(/^\u001b\[[0-9;]*m$/);
    // Stripping them gives the plain text back.
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('makes control characters from file names visible instead of sending them to the terminal', () => {
    const out = textReporter(sampleFindings(), makeCtx({ color: false }));
    expect(out).toContain('weird/evil\\x1b[31mname\\x07.txt:40:1');
    expect(out).not.toContain('\u0007');
    expect(visible('a\rb\u009bc\u2028')).toBe('a\\rb\\x9bc\\u{2028}');
  });

  it('formats sizes', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(999)).toBe('999 B');
    expect(formatSize(1500)).toBe('1.5 kB');
    expect(formatSize(1_500_000)).toBe('1.5 MB');
  });
});

describe('text reporter with --verify', () => {
  it('a verification line per verified finding, identity from the issuer with control characters made visible', () => {
    const [a, b] = sampleFindings();
    const out = textReporter([
      { ...a!, verification: { status: 'live', verifier: 'slack', identity: { team: 'Fake\u001b[2JTeam', user: 'bot' } } },
      { ...b!, verification: { status: 'unknown', reason: 'no verifier for this rule' } },
    ], makeCtx({ color: false }));
    expect(out).toContain('  verification: live (slack: team=Fake\\x1b[2JTeam, user=bot)\n');
    expect(out).toContain('  verification: unknown (no verifier for this rule)\n');
    expect(out).not.toContain('\u001b');
  });
});
