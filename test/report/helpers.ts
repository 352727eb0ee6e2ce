/**
 * Shared fixtures for the reporter tests. Secret values are assembled at run time from harmless pieces so
 * that no credential-shaped literal sits in this repository (secret-sweep scans itself).
 */
import { attachSecret, type Finding } from '../../src/findings/finding.js';
import { redact } from '../../src/findings/redact.js';
import type { ReportContext } from '../../src/report/reporter.js';

/** A plaintext "secret" that is distinctive enough to grep for in output, built by concatenation. */
export function fakeSecret(tag: string): string {
  return [tag, 'fake', 'Q7w', 'Zr2', 'Lm9', 'Xp4', 'Tt6', 'Vv8', 'Kk3'].join('');
}

/** Text put into the hidden line-text property: it must never appear in any report. */
export const LINE_MARKER = ['HIDDEN', 'LINE', 'TEXT', 'MARKER'].join('_');

export function makeFinding(secret: string, patch: Partial<Finding> = {}): Finding {
  const f: Finding = {
    rule: 'generic-api-key',
    description: 'Generic API key',
    file: 'src/config.ts',
    line: 3,
    column: 9,
    endLine: 3,
    endColumn: 9 + secret.length - 1,
    start: 40,
    end: 40 + secret.length,
    redacted: redact(secret),
    fingerprint: 'fp-default-' + secret.length,
    entropy: 4.123456,
    tags: ['api-key', 'generic'],
    severity: 'medium',
    ...patch,
  };
  return attachSecret(f, secret, `const apiKey = "${secret}"; // ${LINE_MARKER}`);
}

export const SECRET_A = fakeSecret('Alpha');
export const SECRET_B = fakeSecret('Bravo');
export const SECRET_C = fakeSecret('Charlie');
export const ALL_SECRETS = [SECRET_A, SECRET_B, SECRET_C];

const SHA = ['a1b2c3d4', 'e5f60718', '293a4b5c', '6d7e8f90', '11223344'].join('');
export const COMMIT = SHA;

/** Three findings: a working-tree one, a git-history one with provenances, one from an unknown rule. */
export function sampleFindings(): Finding[] {
  return [
    makeFinding(SECRET_A, {
      rule: 'example-service-token',
      description: 'Example service token',
      file: 'config/app settings.py',
      line: 12,
      column: 9,
      endLine: 12,
      endColumn: 9 + SECRET_A.length - 1,
      severity: 'high',
      verifiedChecksum: true,
      key: 'SERVICE_TOKEN',
      tags: ['token', 'example'],
      fingerprint: 'fp0001aaaa',
    }),
    makeFinding(SECRET_B, {
      rule: 'generic-api-key',
      description: 'Generic API key',
      file: 'deploy/old.env',
      line: 2,
      column: 5,
      endLine: 2,
      endColumn: 5 + SECRET_B.length - 1,
      severity: 'medium',
      fingerprint: 'fp0002bbbb',
      seen: {
        at: { kind: 'git-blob', path: 'deploy/old.env', commit: COMMIT, author: 'Ada <Lovelace> & "Co" \'Ltd\'', email: 'ada@example.invalid', date: '2024-05-01T10:00:00Z' },
        presentAtHead: false,
        places: [
          { kind: 'git-blob', path: 'deploy/old.env', commit: COMMIT, author: 'Ada', date: '2024-05-01T10:00:00Z', blob: 'b'.repeat(40) },
          { kind: 'git-blob', path: 'deploy/copy.env', commit: 'c'.repeat(40) },
          { kind: 'git-blob', path: 'deploy/third.env', commit: 'd'.repeat(40) },
        ],
      },
    }),
    makeFinding(SECRET_C, {
      rule: 'rule-not-in-context',
      description: 'Something <odd> & "quoted"',
      file: 'weird/evil\u001b[31mname\u0007.txt',
      line: 40,
      column: 1,
      endLine: 41,
      endColumn: 6,
      severity: 'low',
      decodedFrom: 'base64',
      fingerprint: 'fp0003cccc',
    }),
  ];
}

export function makeCtx(patch: Partial<ReportContext> = {}): ReportContext {
  return {
    version: '0.1.0',
    root: '/work/project',
    showSecrets: false,
    color: false,
    stats: {
      files: 10,
      bytes: 1_500_000,
      skipped: [
        { path: 'assets/logo.png', reason: 'binary' },
        { path: 'assets/photo.jpg', reason: 'binary' },
        { path: 'data/huge.csv', reason: 'too-large', detail: '12000000 bytes' },
      ],
      notes: ['shallow clone: history is incomplete'],
    },
    rules: new Map([
      ['example-service-token', { id: 'example-service-token', description: 'Example service token', tags: ['token'], references: ['https://example.com/docs/tokens'], severity: 'high' }],
      ['generic-api-key', { id: 'generic-api-key', description: 'Generic API key', tags: ['api-key'], references: [], severity: 'medium' }],
      ['unused-rule', { id: 'unused-rule', description: 'A rule that found nothing', tags: [], references: ['not a url'], severity: 'low' }],
    ]),
    startedAt: '2024-06-01T12:00:00.000Z',
    finishedAt: '2024-06-01T12:00:02.500Z',
    ...patch,
  };
}
