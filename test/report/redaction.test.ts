import { beforeAll, describe, expect, it } from 'vitest';
import { SweepError } from '../../src/errors.js';
import { redact } from '../../src/findings/redact.js';
import { FORMATS, loadReporter, type Reporter } from '../../src/report/index.js';
import { ALL_SECRETS, LINE_MARKER, makeCtx, sampleFindings } from './helpers.js';

describe('loadReporter', () => {
  it('knows exactly the formats of the CLI contract', async () => {
    expect([...FORMATS]).toEqual(['text', 'json', 'jsonl', 'sarif', 'junit', 'gitlab']);
    for (const f of FORMATS) expect(typeof (await loadReporter(f))).toBe('function');
  });

  it('throws a SweepError naming the valid formats for an unknown one', async () => {
    for (const bad of ['xml', 'JSON', '', 'constructor', '__proto__', 'toString']) {
      let err: unknown;
      try {
        await loadReporter(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SweepError);
      const msg = (err as SweepError).oneLine();
      for (const f of FORMATS) expect(msg).toContain(f);
      expect((err as SweepError).exitCode).toBe(2);
    }
  });
});

describe.each(FORMATS)('%s reporter redaction', (format) => {
  let reporter: Reporter;
  beforeAll(async () => {
    reporter = await loadReporter(format);
  });

  it('never prints a plaintext secret or the hidden line text by default', () => {
    const findings = sampleFindings();
    const out = reporter(findings, makeCtx());
    for (const s of ALL_SECRETS) expect(out).not.toContain(s);
    // Not even a longer prefix than the redacted form shows.
    for (const s of ALL_SECRETS) expect(out).not.toContain(s.slice(0, redact(s).length + 3));
    expect(out).not.toContain(LINE_MARKER);
    for (const f of findings) expect(out).toContain(f.redacted.replace('…', ''));
  });

  it('prints the plaintext with showSecrets, and still never the hidden line text', () => {
    const out = reporter(sampleFindings(), makeCtx({ showSecrets: true }));
    for (const s of ALL_SECRETS) expect(out).toContain(s);
    expect(out).not.toContain(LINE_MARKER);
  });

  it('does not mutate the findings or need anything but the public fields and the secret', () => {
    const findings = sampleFindings();
    const before = JSON.stringify(findings);
    reporter(findings, makeCtx({ showSecrets: true }));
    expect(JSON.stringify(findings)).toBe(before);
  });

  it('handles no findings', () => {
    const out = reporter([], makeCtx());
    expect(typeof out).toBe('string');
  });
});
