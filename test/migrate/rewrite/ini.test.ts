/** INI files stay manual; the suggestion names the section and option the reading code must set. */
import { describe, expect, it } from 'vitest';
import { iniManual, iniOptionAt } from '../../../src/migrate/rewrite/ini.js';
import type { RewriteSite } from '../../../src/migrate/rewrite/rewriter.js';

const TEXT = '; reports\n[postgres]\nhost = db.internal\nPassword: not-a-real-0141\n\n[smtp]\nuser = a\n';
const site = (line: number): RewriteSite => ({
  file: 'config.ini', line, column: 11, endLine: line, endColumn: 24, fingerprint: 'f', kind: 'secret',
  ref: { secretName: 'prod/acme/postgres', jsonKey: 'password' },
});

describe('INI manual edit', () => {
  it('finds the section and option of a line (= or :), none outside a section', () => {
    expect(iniOptionAt(TEXT, 4)).toEqual({ section: 'postgres', option: 'Password' });
    expect(iniOptionAt(TEXT, 7)).toEqual({ section: 'smtp', option: 'user' });
    expect(iniOptionAt(TEXT, 1)).toBeUndefined();
    expect(iniOptionAt('key = v\n', 1)).toBeUndefined();
  });

  it('suggests setting the option after cfg.read() from the helper, or from the environment under secret-sweep run', () => {
    const m = iniManual('config.ini', TEXT, site(4), true);
    expect(m.reason).toContain('configparser reads INI values literally');
    expect(m.suggestion).toContain('remove `Password` from [postgres] in config.ini');
    expect(m.suggestion).toContain('cfg["postgres"]["Password"] = get_secret("prod/acme/postgres")["password"]');
    expect(m.suggestion).toContain('PROD_ACME_POSTGRES__PASSWORD=sm://prod/acme/postgres#password');
    const noHelper = iniManual('config.ini', TEXT, site(4), false);
    expect(noHelper.suggestion).not.toContain('get_secret');
    expect(noHelper.suggestion).toContain('cfg["postgres"]["Password"] = os.environ["PROD_ACME_POSTGRES__PASSWORD"]');
  });
});
