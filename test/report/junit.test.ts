import { describe, expect, it } from 'vitest';
import { junitReporter, xmlEscape } from '../../src/report/junit.js';
import { SECRET_B, makeCtx, sampleFindings } from './helpers.js';
import { parseXml, type XmlElement } from './xml.js';

function suiteOf(xml: string): XmlElement {
  const root = parseXml(xml);
  expect(root.name).toBe('testsuites');
  const suites = root.children.filter((c) => c.name === 'testsuite');
  expect(suites).toHaveLength(1);
  return suites[0]!;
}

const cases = (suite: XmlElement) => suite.children.filter((c) => c.name === 'testcase');

describe('junit reporter', () => {
  it('is well-formed XML with one testsuite "secret-sweep" and one testcase per rule', () => {
    const xml = junitReporter(sampleFindings(), makeCtx());
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    const suite = suiteOf(xml);
    expect(suite.attrs['name']).toBe('secret-sweep');
    // The sample stats hold a too-large file: one error testcase for it.
    expect(suite.attrs).toMatchObject({ tests: '5', failures: '3', errors: '1', time: '2.500', timestamp: '2024-06-01T12:00:00' });
    expect(cases(suite).map((c) => c.attrs['name'])).toEqual(['example-service-token', 'generic-api-key', 'unused-rule', 'rule-not-in-context', 'read data/huge.csv']);
  });

  it('has a <failure> per finding, and passing testcases for rules that found nothing', () => {
    const findings = sampleFindings();
    const byName = new Map(cases(suiteOf(junitReporter([...findings, findings[0]!], makeCtx()))).map((c) => [c.attrs['name'], c]));
    const failures = (n: string) => byName.get(n)!.children.filter((c) => c.name === 'failure');
    expect(failures('example-service-token')).toHaveLength(2);
    expect(failures('generic-api-key')).toHaveLength(1);
    expect(failures('unused-rule')).toHaveLength(0);
    expect(byName.get('unused-rule')!.children).toEqual([]);
    const f = failures('generic-api-key')[0]!;
    expect(f.attrs['type']).toBe('generic-api-key');
    expect(f.attrs['message']).toBe(`deploy/old.env:2:5 Generic API key: ${findings[1]!.redacted}`);
    expect(f.text).toContain('fingerprint: fp0002bbbb');
    expect(f.text).toContain('present at HEAD: no');
    expect(f.text).toContain('also in 2 other places');
  });

  it('escapes markup and replaces characters XML cannot carry', () => {
    const xml = junitReporter(sampleFindings(), makeCtx());
    const suite = suiteOf(xml); // throws if not well-formed
    const gen = cases(suite).find((c) => c.attrs['name'] === 'generic-api-key')!;
    expect(gen.children[0]!.text).toContain('author: Ada <Lovelace> & "Co" \'Ltd\'');
    const odd = cases(suite).find((c) => c.attrs['name'] === 'rule-not-in-context')!.children[0]!;
    expect(odd.attrs['message']).toContain('weird/evil\ufffd[31mname\ufffd.txt:40:1 Something <odd> & "quoted"');
    expect(xml).not.toContain('\u001b');
    expect(xmlEscape('a<b>&"\'\u0000\r')).toBe('a&lt;b&gt;&amp;&quot;&apos;\ufffd&#13;');
    expect(xmlEscape('x\ud800y\udc00z\ud83d\ude00')).toBe('x\ufffdy\ufffdz\ud83d\ude00');
  });

  it('keeps line breaks in attribute values', () => {
    const [f] = sampleFindings();
    const multi = { ...f!, description: 'line one\nline two\ttab' };
    const fail = cases(suiteOf(junitReporter([multi], makeCtx({ rules: new Map() }))))[0]!.children[0]!;
    expect(fail.attrs['message']).toContain('line one\nline two\ttab');
  });

  it('lists skipped files and notes in system-out', () => {
    const suite = suiteOf(junitReporter([], makeCtx()));
    const out = suite.children.find((c) => c.name === 'system-out')!;
    expect(out.text).toContain('skipped 2 file(s): binary');
    expect(out.text).toContain('note: shallow clone: history is incomplete');
  });

  it('is well-formed and passing with no findings, even with no rules', () => {
    const suite = suiteOf(junitReporter([], makeCtx({ rules: new Map(), stats: { files: 0, bytes: 0, skipped: [], notes: [] } })));
    expect(suite.attrs).toMatchObject({ tests: '1', failures: '0' });
    expect(cases(suite)).toHaveLength(1);
  });

  it('shows the plaintext only with showSecrets', () => {
    expect(junitReporter(sampleFindings(), makeCtx())).not.toContain(SECRET_B);
    const xml = junitReporter(sampleFindings(), makeCtx({ showSecrets: true }));
    const gen = cases(suiteOf(xml)).find((c) => c.attrs['name'] === 'generic-api-key')!;
    expect(gen.children[0]!.text).toContain(`match: ${SECRET_B}`);
  });

  it('the checker rejects malformed XML', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow();
    expect(() => parseXml('<a x="1 < 2"/>')).toThrow();
    expect(() => parseXml('<a>&bogus;</a>')).toThrow();
    expect(() => parseXml('<a>\u0001</a>')).toThrow();
    expect(() => parseXml('<a/><b/>')).toThrow();
  });
});

describe('junit reporter with --verify', () => {
  it('the failure message ends with the status and its body has the verification line', () => {
    const [a] = sampleFindings();
    const out = junitReporter([{ ...a!, verification: { status: 'invalid', verifier: 'github', reason: 'HTTP 401 (bad credentials)' } }], makeCtx());
    expect(out).toMatch(/<failure message="[^"]*\(invalid\)"/);
    expect(out).toContain('verification: invalid (github; HTTP 401 (bad credentials))');
  });
});
