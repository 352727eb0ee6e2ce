/** Plan files: no values inside, values re-read and checked on load, locations confined to the repository. */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createDetector } from '../../src/detect/detector.js';
import { loadRuleSpecs } from '../../src/rules/load.js';
import { loadConfig } from '../../src/config/config.js';
import { buildPlan, secretString } from '../../src/migrate/plan.js';
import { loadPlan, savePlan } from '../../src/migrate/plan-file.js';
import { ALNUM, awsKeyId, awsSecretKey, randomString } from '../support/fake-secrets.js';

const rules = loadRuleSpecs(loadConfig(tmpdir()));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup() {
  const root = mkdtempSync(join(tmpdir(), 'ss-planfile-'));
  const out = mkdtempSync(join(tmpdir(), 'ss-planout-'));
  dirs.push(root, out);
  const pw = randomString(ALNUM, 16, 4242) + '5x';
  const values = [pw, awsKeyId(5), awsSecretKey(6)];
  const files: Record<string, string> = {
    '.env': `DB_HOST=db.example.internal\nDB_URL=postgres://etl:${pw}@db.example.internal:5432/wh\n`,
    'creds.ini': `[default]\naws_access_key_id = ${values[1]}\naws_secret_access_key = ${values[2]}\n`,
  };
  for (const [f, t] of Object.entries(files)) writeFileSync(join(root, f), t);
  const d = createDetector(rules);
  const findings = Object.entries(files).flatMap(([path, text]) => d.detect({ text, provenance: { kind: 'file', path } }));
  const built = buildPlan({ findings, files: new Map(Object.entries(files)), app: 'etl', env: 'dev' });
  const planFile = join(out, 'plan.json');
  savePlan(planFile, built.plan);
  return { root, planFile, values, built };
}

describe('plan files', () => {
  it('hold no values, and load back to the same secrets', async () => {
    const { root, planFile, values, built } = setup();
    const text = readFileSync(planFile, 'utf8');
    for (const v of values) expect(text).not.toContain(v);
    const loaded = await loadPlan(planFile, { root, rules });
    expect(loaded.plan.secrets.map((s) => s.name)).toEqual(built.plan.secrets.map((s) => s.name));
    for (const s of loaded.plan.secrets) {
      const orig = built.plan.secrets.find((x) => x.name === s.name)!;
      expect(secretString(s, loaded.values)).toBe(secretString(orig, built.values));
    }
  });

  // The redaction property test found it: a key file ending in a blank line is read whole (its span runs one
  // line past the key's END line), and loading the plan must still find the key inside that span.
  it('a key file that ends with a blank line loads back whole', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ss-planfile-'));
    const out = mkdtempSync(join(tmpdir(), 'ss-planout-'));
    dirs.push(root, out);
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString() + '\n';
    mkdirSync(join(root, 'tls'));
    writeFileSync(join(root, 'tls/ec.key'), key);
    const findings = createDetector(rules).detect({ text: key, provenance: { kind: 'file', path: 'tls/ec.key' } });
    const built = buildPlan({ findings, files: new Map([['tls/ec.key', key]]), app: 'etl', env: 'dev' });
    expect(built.plan.secrets).toHaveLength(1);
    const planFile = join(out, 'plan.json');
    savePlan(planFile, built.plan);
    const loaded = await loadPlan(planFile, { root, rules });
    expect(secretString(loaded.plan.secrets[0]!, loaded.values)).toBe(secretString(built.plan.secrets[0]!, built.values));
  });

  it('a changed file is an error naming it', async () => {
    const { root, planFile } = setup();
    writeFileSync(join(root, 'creds.ini'), `[default]\naws_access_key_id = ${awsKeyId(7)}\naws_secret_access_key = ${awsSecretKey(8)}\n`);
    await expect(loadPlan(planFile, { root, rules })).rejects.toThrow(/changed since the plan was made/);
    await expect(loadPlan(planFile, { root, rules })).rejects.toMatchObject({ where: 'creds.ini:2' });
  });

  it('a changed plain setting (host) is caught by its digest', async () => {
    const { root, planFile } = setup();
    const env = readFileSync(join(root, '.env'), 'utf8');
    writeFileSync(join(root, '.env'), env.replace(/@db\.example\.internal:/, '@db.example.internax:'));
    await expect(loadPlan(planFile, { root, rules })).rejects.toThrow(/host value differs/);
  });

  it('refuses locations outside the repository', async () => {
    const { root, planFile } = setup();
    const plan = JSON.parse(readFileSync(planFile, 'utf8'));
    for (const evil of ['../etc/passwd', '/etc/passwd', 'a/../../x']) {
      const p = structuredClone(plan);
      p.secrets[0].fields.find((f: { secret: boolean }) => f.secret).source.file = evil;
      writeFileSync(planFile, JSON.stringify(p));
      await expect(loadPlan(planFile, { root, rules })).rejects.toThrow(/outside the repository/);
    }
    symlinkSync(tmpdir(), join(root, 'escape'));
    const p = structuredClone(plan);
    p.secrets[0].fields.find((f: { secret: boolean }) => f.secret).source.file = 'escape/x.env';
    writeFileSync(planFile, JSON.stringify(p));
    await expect(loadPlan(planFile, { root, rules })).rejects.toThrow(/outside the repository/);
  });

  it('refuses a value smuggled in as a literal', async () => {
    const { root, planFile } = setup();
    const p = JSON.parse(readFileSync(planFile, 'utf8'));
    p.secrets[0].fields.find((f: { secret: boolean }) => f.secret).source = { kind: 'literal', value: 'x' };
    writeFileSync(planFile, JSON.stringify(p));
    await expect(loadPlan(planFile, { root, rules })).rejects.toThrow(/literal/);
  });
});
