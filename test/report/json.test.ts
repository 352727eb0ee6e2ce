import { describe, expect, it } from 'vitest';
import { jsonReporter } from '../../src/report/json.js';
import { jsonlReporter } from '../../src/report/jsonl.js';
import { COMMIT, SECRET_B, makeCtx, sampleFindings } from './helpers.js';

const REQUIRED = ['rule', 'file', 'line', 'column', 'endLine', 'endColumn', 'fingerprint', 'match', 'description', 'tags'];

describe('jsonl reporter', () => {
  it('writes one parseable finding per line with the contract keys', () => {
    const findings = sampleFindings();
    const out = jsonlReporter(findings, makeCtx());
    expect(out.endsWith('\n')).toBe(true);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const recs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    recs.forEach((r, i) => {
      for (const k of REQUIRED) expect(r, `line ${i + 1} lacks ${k}`).toHaveProperty(k);
      expect(r['rule']).toBe(findings[i]!.rule);
      expect(r['file']).toBe(findings[i]!.file);
      expect(r['line']).toBe(findings[i]!.line);
      expect(r['match']).toBe(findings[i]!.redacted);
      expect(r).not.toHaveProperty('start');
      expect(r).not.toHaveProperty('secret');
    });
  });

  it('adds git provenance for history findings only', () => {
    const [tree, git] = jsonlReporter(sampleFindings(), makeCtx()).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(tree).not.toHaveProperty('commit');
    expect(tree).not.toHaveProperty('presentAtHead');
    expect(git.commit).toBe(COMMIT);
    expect(git.presentAtHead).toBe(false);
    expect(git.author).toContain('Ada');
    expect(git.date).toBe('2024-05-01T10:00:00Z');
    expect(git.count).toBe(3);
    expect(git.provenances).toHaveLength(3);
    expect(git.provenances[1]).toEqual({ kind: 'git-blob', path: 'deploy/copy.env', commit: 'c'.repeat(40) });
  });

  it('shows the plaintext as match with showSecrets', () => {
    const git = JSON.parse(jsonlReporter(sampleFindings(), makeCtx({ showSecrets: true })).split('\n')[1]!);
    expect(git.match).toBe(SECRET_B);
  });

  it('is empty for no findings', () => {
    expect(jsonlReporter([], makeCtx())).toBe('');
  });
});

describe('json reporter', () => {
  it('writes { version, findings, stats }', () => {
    const doc = JSON.parse(jsonReporter(sampleFindings(), makeCtx()));
    // The sample stats hold a too-large file: the run is incomplete, the unread file listed at the top.
    expect(Object.keys(doc)).toEqual(['version', 'incomplete', 'skipped', 'findings', 'stats']);
    expect(doc.version).toBe('0.1.0');
    expect(doc.findings).toHaveLength(3);
    const jsonl = jsonlReporter(sampleFindings(), makeCtx()).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(doc.findings).toEqual(jsonl);
    expect(doc.stats).toMatchObject({ findings: 3, files: 10, bytes: 1_500_000, notes: ['shallow clone: history is incomplete'] });
    expect(doc.stats.skippedByReason).toEqual({ binary: 2, 'too-large': 1 });
    expect(doc.stats.skipped[2]).toEqual({ path: 'data/huge.csv', reason: 'too-large', detail: '12000000 bytes' });
  });

  it('is a valid document with no findings', () => {
    const doc = JSON.parse(jsonReporter([], makeCtx()));
    expect(doc.findings).toEqual([]);
    expect(doc.stats.findings).toBe(0);
  });

  it('only passes a short encoding name through decodedFrom', () => {
    const [, , c] = sampleFindings();
    const ok = JSON.parse(jsonReporter([c!], makeCtx())).findings[0];
    expect(ok.decodedFrom).toBe('base64');
    const suspicious = { ...c!, decodedFrom: 'Zm9vYmFyYmF6cXV4' + 'MTIzNDU2Nzg5MA==' };
    const out = JSON.parse(jsonReporter([suspicious], makeCtx({ showSecrets: false }))).findings[0];
    expect(out).not.toHaveProperty('decodedFrom');
  });
});
