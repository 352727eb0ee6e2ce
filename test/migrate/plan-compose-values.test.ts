/**
 * Docker Compose interpolates `$` in every value of a compose file: `$$` is one `$`, `$VAR` / `${VAR}`
 * come from the environment. The plan stores what the container gets: `$$` unescaped, and a value with
 * an interpolation is left for a human (its stored text would not be the value the service ran with).
 */
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { createDetector } from '../../src/detect/detector.js';
import { loadRuleSpecs } from '../../src/rules/load.js';
import { loadConfig } from '../../src/config/config.js';
import { buildPlan, secretString } from '../../src/migrate/plan.js';
import { ALNUM, randomString } from '../support/fake-secrets.js';

const detector = createDetector(loadRuleSpecs(loadConfig(tmpdir())));
const pw = (seed: number) => randomString(ALNUM, 14, seed) + 'q7';

function stored(file: string, text: string): { values: string[]; skipped: string[] } {
  const findings = detector.detect({ text, provenance: { kind: 'file', path: file } });
  const { plan, values } = buildPlan({ findings, files: new Map([[file, text]]), app: 'shop', env: 'prod' });
  return {
    values: plan.secrets.flatMap((s) => Object.values(JSON.parse(secretString(s, values)) as Record<string, unknown>).map(String)),
    skipped: plan.skipped.map((s) => s.reason),
  };
}

describe('compose values are stored as the container reads them', () => {
  const a = pw(901);
  const b = pw(902);
  const compose = (v: string) => `services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: "${v}"\n`;

  it('$$ is one $ (mapping and list forms)', () => {
    expect(stored('docker-compose.yml', compose(`${a}$$${b}`)).values).toContain(`${a}$${b}`);
    const list = `services:\n  db:\n    image: postgres:16\n    environment:\n      - POSTGRES_PASSWORD=${a}$$${b}\n`;
    expect(stored('compose.yaml', list).values).toContain(`${a}$${b}`);
  });

  it('a value with $VAR is built by compose: not stored, listed as skipped', () => {
    const r = stored('docker-compose.yml', compose(`${a}$SUFFIX`));
    expect(r.values.filter((x) => x.startsWith(a))).toEqual([]);
    expect(r.skipped.join('\n')).toMatch(/Docker Compose interpolates/);
    // ${VAR} reads as a placeholder to the detector: nothing found, nothing stored.
    expect(stored('docker-compose.yml', compose(`${a}\${SUFFIX}`)).values.filter((x) => x.startsWith(a))).toEqual([]);
  });

  it('the same text in a YAML file compose does not read is stored as written', () => {
    expect(stored('config/app.yml', `db:\n  password: "${a}$$${b}"\n`).values).toContain(`${a}$$${b}`);
  });
});
