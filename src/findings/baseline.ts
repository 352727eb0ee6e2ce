/**
 * Baseline files: the fingerprints of accepted findings, one per line, sorted (so merges rarely
 * conflict), with the rule id for humans. No secret text, not even redacted.
 */
import { readFileSync } from 'node:fs';
import { SweepError } from '../errors.js';
import { inDetectSecretsBaseline, isDetectSecretsBaseline, parseDetectSecretsBaseline } from './detect-secrets-baseline.js';
import type { Finding } from './finding.js';

const HEADER = '# secret-sweep baseline v1: one "<fingerprint> <rule>" per line; fingerprints are salted hashes, no secret text.';

export function formatBaseline(findings: Finding[]): string {
  const lines = new Set(findings.map((f) => `${f.fingerprint} ${f.rule}`));
  return [HEADER, ...[...lines].sort()].join('\n') + '\n';
}

export function parseBaseline(text: string, file: string): Set<string> {
  const out = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fp = line.split(/\s+/)[0]!;
    if (!/^[0-9a-f]{16,64}$/.test(fp)) throw new SweepError('not a baseline entry (expected "<fingerprint> <rule>")', `${file}:${i + 1}`);
    out.add(fp);
  });
  return out;
}

export function readBaseline(file: string): Set<string> {
  return parseBaseline(readText(file), file);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new SweepError(`cannot read baseline: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, file);
  }
}

/** A --baseline file: ours (fingerprints) or a detect-secrets `.secrets.baseline` (SHA-1 of each secret). */
export type AnyBaseline = { kind: 'fingerprints'; fingerprints: Set<string> } | { kind: 'detect-secrets'; sha1: Set<string> };

export function readAnyBaseline(file: string): AnyBaseline {
  const text = readText(file);
  return isDetectSecretsBaseline(text) ? { kind: 'detect-secrets', sha1: parseDetectSecretsBaseline(text, file) } : { kind: 'fingerprints', fingerprints: parseBaseline(text, file) };
}

export function inBaseline(b: AnyBaseline, f: Finding): boolean {
  return b.kind === 'fingerprints' ? b.fingerprints.has(f.fingerprint) : inDetectSecretsBaseline(b.sha1, f);
}

export function filterBaseline(findings: Finding[], accepted: Set<string>): Finding[] {
  return findings.filter((f) => !accepted.has(f.fingerprint));
}
