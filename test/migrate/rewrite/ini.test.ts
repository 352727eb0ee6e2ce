/** INI files stay manual; the suggestion names the section and option the reading code must set. */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
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
    expect(m.suggestion).toContain('empty the value of `Password` in [postgres] of config.ini (keep the option');
    expect(m.suggestion).toContain('cfg["postgres"]["Password"] = get_secret("prod/acme/postgres")["password"].replace("%", "%%")');
    expect(m.suggestion).toContain('PROD_ACME_POSTGRES__PASSWORD=sm://prod/acme/postgres#password');
    const noHelper = iniManual('config.ini', TEXT, site(4), false);
    expect(noHelper.suggestion).not.toContain('get_secret');
    expect(noHelper.suggestion).toContain('cfg["postgres"]["Password"] = os.environ["PROD_ACME_POSTGRES__PASSWORD"].replace("%", "%%")');
  });

  // A Redshift ETL reads `"host={} password={} port={}".format(*cfg["postgres"].values())`: the suggested edit,
  // run by python3 on the file as the user leaves it, gives the same values in the same order, `%` included.
  it('the suggested edit keeps the order of the section and a value with %', () => {
    const ini = '[postgres]\nhost = db.internal\nPassword = \nport = 5439\n';
    const stmt = /`(cfg\[[^`]+)`/.exec(iniManual('config.ini', TEXT, site(4), true).suggestion)![1]!;
    const pw = 'Q7' + '%' + 'x&y(' + Date.now().toString(36);
    const py = `import configparser, os\ndef get_secret(name):\n    return {"password": os.environ["PW"]}\ncfg = configparser.ConfigParser()\ncfg.read_string(os.environ["INI"])\n${stmt}\nprint("host={} password={} port={}".format(*cfg["postgres"].values()))\n`;
    const out = execFileSync('python3', ['-c', py], { env: { ...process.env, PW: pw, INI: ini }, encoding: 'utf8' });
    expect(out.trim()).toBe(`host=db.internal password=${pw} port=5439`);
  });
});
