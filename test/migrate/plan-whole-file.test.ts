/**
 * Issue 13, defect 11: a file that is itself the credential is stored whole, byte for byte (trailing
 * newline included), under the key `file`; the same key text inside code is not a whole file. Findings
 * come from the real detector over text built at run time.
 */
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { createDetector } from '../../src/detect/detector.js';
import { loadRuleSpecs } from '../../src/rules/load.js';
import { loadConfig } from '../../src/config/config.js';
import { buildPlan, secretString } from '../../src/migrate/plan.js';
import { wholeFilesOf } from '../../src/migrate/whole-files.js';
import { ALNUM, randomString } from '../support/fake-secrets.js';

const detector = createDetector(loadRuleSpecs(loadConfig(tmpdir())));
const pem = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

function plan(files: Record<string, string>) {
  const findings = Object.entries(files).flatMap(([path, text]) => detector.detect({ text, provenance: { kind: 'file', path } }));
  return buildPlan({ findings, files: new Map(Object.entries(files)), app: 'etl', env: 'prod' });
}

describe('whole-file secrets (issue 13, defect 11)', () => {
  it('a PEM key file and a GCP service-account JSON are stored byte for byte; the report command writes them back', () => {
    const key = pem();
    const sa = JSON.stringify({ type: 'service_account', project_id: 'orders', private_key_id: randomString('0123456789abcdef', 40, 3), private_key: pem(), client_email: 'etl@orders.iam.gserviceaccount.com' }, null, 2) + '\n';
    const { plan: p, values } = plan({ 'keys/deploy.pem': key, 'keys/gcp-sa.json': sa });
    const whole = p.secrets.filter((s) => s.kind === 'whole-file');
    expect(whole).toHaveLength(2);
    const stored = whole.map((s) => JSON.parse(secretString(s, values)).file as string).sort();
    expect(stored).toEqual([key, sa].sort());
    expect(key.endsWith('\n')).toBe(true);
    expect(wholeFilesOf(p).map((w) => w.command)).toEqual([
      expect.stringMatching(/^secret-sweep run --file keys\/deploy\.pem=sm:\/\/prod\/etl\/[a-z0-9-]+#file -- COMMAND$/),
      expect.stringMatching(/^secret-sweep run --file keys\/gcp-sa\.json=sm:\/\/prod\/etl\/[a-z0-9-]+#file -- COMMAND$/),
    ]);
    // No value in what is printed or saved.
    expect(JSON.stringify(p)).not.toContain(key.split('\n')[1]);
  });

  it('a key inside code, or a .netrc line in a README, is not a whole file', () => {
    const key = pem();
    const { plan: p } = plan({ 'etl/sign.py': `KEY = """${key}"""\n` });
    expect(p.secrets.some((s) => s.kind === 'whole-file')).toBe(false);
    expect(wholeFilesOf(p)).toEqual([]);
  });

  it('a file that holds only a token (api-token.txt, a program reads it with open().read()) is stored whole, its newline too', () => {
    const token = 'sk_' + 'live_' + randomString(ALNUM, 24, 12);
    const { plan: p, values } = plan({ 'api-token.txt': `${token}\n`, 'etl/job.py': `TOKEN = "${token}"\n` });
    const s = p.secrets.find((x) => x.kind === 'whole-file');
    expect(JSON.parse(secretString(s!, values)).file).toBe(`${token}\n`);
    expect(wholeFilesOf(p).map((w) => w.command)).toEqual([expect.stringMatching(/^secret-sweep run --file api-token\.txt=sm:\/\/prod\/etl\/api-token-txt#file -- COMMAND$/)]);
    // The same token in code, or on a line with more, is not a file of its own.
    expect(plan({ 'etl/job.py': `TOKEN = "${token}"\n`, 'notes.txt': `stripe: ${token}\n` }).plan.secrets.some((x) => x.kind === 'whole-file')).toBe(false);
  });

  it('.netrc is stored whole', () => {
    const netrc = `machine api.example.invalid\n  login etl\n  password ${randomString(ALNUM, 22, 9)}Q7\n`;
    const { plan: p, values } = plan({ '.netrc': netrc });
    const s = p.secrets.find((x) => x.kind === 'whole-file');
    expect(s).toBeDefined();
    expect(JSON.parse(secretString(s!, values)).file).toBe(netrc);
  });
});
