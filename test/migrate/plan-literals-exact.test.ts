/**
 * What migrate stores is what the program reads, or nothing (src/migrate/plan/literals.ts, multiline.ts):
 * the cases test/migrate/exact-values-e2e.test.ts found stored wrong, pinned one by one.
 */
import { describe, expect, it } from 'vitest';
import { decodeDotenv, decodePython, literalAt } from '../../src/migrate/plan/literals.js';
import { enclosingLiteral } from '../../src/migrate/plan/multiline.js';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { PYTHON } from '../support/python-repo-check.js';
import { generateKeyPairSync } from 'node:crypto';
import { createDetector } from '../../src/detect/detector.js';
import { loadRuleSpecs } from '../../src/rules/load.js';
import { loadConfig } from '../../src/config/config.js';
import { buildPlan } from '../../src/migrate/plan.js';
import { ALNUM, awsKeyId, awsSecretKey, randomString } from '../support/fake-secrets.js';

const detector = createDetector(loadRuleSpecs(loadConfig(tmpdir())));
/** The plan's stored values and skip reasons for `files`. */
function planOf(files: Record<string, string>): { stored: string[]; skipped: string[] } {
  const findings = Object.entries(files).flatMap(([path, text]) => detector.detect({ text, provenance: { kind: 'file', path } }));
  const { plan, values } = buildPlan({ findings, files: new Map(Object.entries(files)), app: 'etl', env: 'prod' });
  return {
    stored: plan.secrets.flatMap((x) => x.fields.filter((f) => f.secret).map((f) => values.get(`${x.name}\u0000${f.key}`)!.value)),
    skipped: plan.skipped.map((x) => x.reason),
  };
}

const at = (line: string, part: string, syntax: Parameters<typeof literalAt>[3]) => {
  const s = line.indexOf(part);
  return literalAt(line, s, s + part.length, syntax);
};

describe('literal values as their reader reads them', () => {
  it('a Java .properties value is what Properties.load reads: \\: \\= \\uXXXX decoded, # kept, a continuation not exact', () => {
    const pw = 'Kx7' + '\\:8\\=' + 'qPzR4vWm2Ln';
    expect(at(`spring.datasource.password=${pw}`, pw, 'properties')).toMatchObject({ value: 'Kx7:8=qPzR4vWm2Ln', exact: true });
    const uPw = 'Ab' + '\\u00e9' + '#cd9Xq';
    expect(at(`db.password : ${uPw}`, 'Ab', 'properties')).toMatchObject({ value: 'Ab\u00e9#cd9Xq', exact: true });
    expect(at(`db.password=Zr8Kq2Lm7Vx4 \\`, 'Zr8Kq2Lm7Vx4', 'properties')?.exact).toBe(false);
    const stored = planOf({ 'src/main/resources/application.properties': `spring.datasource.password=${pw}\n` }).stored;
    expect(stored).toEqual(['Kx7:8=qPzR4vWm2Ln']);
  });

  it('an INI value is what configparser reads: the whole line after `=` (a generic rule stops at `&`), %% as %', () => {
    // dwh.cfg of a Redshift ETL: `"host={} ... password={}".format(*config['CLUSTER'].values())`.
    const head = 'Rs!9#q' + randomString(ALNUM, 4, 41);
    const tail = '&2(x)' + randomString(ALNUM, 6, 42);
    const ini = (v: string) => `[CLUSTER]\nhost = dwh.example.internal\ndb_password = ${v}\ndb_port = 5439\n`;
    expect(planOf({ 'dwh.cfg': ini(`${head}%%${tail}`) }).stored).toEqual([`${head}%${tail}`]);
    expect(at(`db_password: ${head}${tail}  `, head, 'ini')).toMatchObject({ value: head + tail, exact: true });
    expect(at(`db_password = ${head} # old ${tail}`, head, 'ini')?.exact).toBe(false);
    expect(at(`db_password = "${head}"`, head, 'ini')).toBeUndefined();
  });

  it('an unquoted value with & ( ) filling a config line is stored whole, as python-dotenv, YAML and configparser read it', () => {
    // The generic rule stopped at the first `&` or `(` and judged the short start alone: nothing was found.
    const v = (seed: number) => randomString(ALNUM, 3, seed) + '!&' + randomString(ALNUM, 4, seed + 1) + '#(x)' + randomString(ALNUM, 5, seed + 2);
    const files: Record<string, string> = {
      '.env': `DB_HOST=db1\nDB_PASSWORD=${v(51)}  # rotated monthly\n`,
      'config/app.yaml': `db:\n  host: db1\n  password: ${v(54)} # prod\n`,
      'etl.cfg': `[db]\nhost = db1\npassword = ${v(57)}\n`,
      'src/main/resources/application.properties': `spring.datasource.password=${v(60)}\n`,
      'compose.yaml': `services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=${v(63)} # ops\n`,
    };
    const { stored, skipped } = planOf(files);
    expect(skipped).toEqual([]);
    expect(stored.sort()).toEqual([v(51), v(54), v(57), v(60), v(63)].sort());
    // What the readers themselves read (Debian's python3 with python3-dotenv and python3-yaml).
    const py = `import configparser, io, json, sys, yaml
from dotenv import dotenv_values
f = json.load(sys.stdin)
c = configparser.ConfigParser(); c.read_string(f["etl.cfg"])
print(json.dumps([dotenv_values(stream=io.StringIO(f[".env"]))["DB_PASSWORD"], yaml.safe_load(f["config/app.yaml"])["db"]["password"], c["db"]["password"], yaml.safe_load(f["compose.yaml"])["services"]["db"]["environment"][0].split("=", 1)[1]]))`;
    if (spawnSync(PYTHON, ['-c', 'import dotenv, yaml'], { encoding: 'utf8' }).status !== 0) {
      console.warn(`plan-literals-exact: readers not run: ${PYTHON} cannot import dotenv and yaml (apt-get install -y python3-dotenv python3-yaml)`);
      return;
    }
    const read = spawnSync(PYTHON, ['-c', py], { input: JSON.stringify(files), encoding: 'utf8' });
    expect(read.stderr).toBe('');
    expect(JSON.parse(read.stdout)).toEqual([v(51), v(54), v(57), v(63)]);
  });

  it('an XML value is what an XML parser reads: &amp; and character references decoded, a DTD entity not exact', () => {
    const [a, b] = [randomString(ALNUM, 8, 43), randomString(ALNUM, 8, 44)];
    const { stored, skipped } = planOf({
      'conf/settings.xml': `<?xml version="1.0"?>\n<settings>\n  <password>Xq7!${a}&amp;2&#x41;${b}</password>\n  <keyPassword>Zq8${b}&corp;${a}</keyPassword>\n</settings>\n`,
      'App.config': `<configuration>\n  <add key="ApiKey" value="Kq8${a}&amp;7${b}" />\n</configuration>\n`,
    });
    expect(stored.sort()).toEqual([`Xq7!${a}&2A${b}`, `Kq8${a}&7${b}`].sort());
    expect(skipped.join(' ')).toMatch(/entity its DTD defines/);
  });

  it('a Python bytes literal is the UTF-8 text of its bytes (\\xc3\\xa9 is é), or not exact', () => {
    expect(decodePython('ab\\xc3\\xa9cd', 'b')).toEqual({ value: 'ab\u00e9cd', exact: true });
    expect(decodePython('ab\\xffcd', 'b').exact).toBe(false);
    expect(decodePython('ab\\xc3\\xa9cd', '')).toEqual({ value: 'ab\u00c3\u00a9cd', exact: true });
  });

  it('adjacent Python literals are joined by Python: a part of them is not the value', () => {
    expect(at('PASSWORD = "abcdef" "ghij"', 'abcdef', 'python')?.exact).toBe(false);
    expect(at('PASSWORD = "abcdef" "ghij"', 'ghij', 'python')?.exact).toBe(false);
    expect(at('PASSWORD = "abcdef" \\', 'abcdef', 'python')?.exact).toBe(false);
    expect(at('connect(user="app", password="abcdef")', 'abcdef', 'python')).toMatchObject({ value: 'abcdef', exact: true });
  });

  it('String.raw`…` keeps its backslashes; a rule that matched the tag means the template; other tags are not exact', () => {
    const line = 'const x = String.raw`ab\\ncd`;';
    expect(at(line, 'ab\\ncd', 'javascript')).toMatchObject({ value: 'ab\\ncd', exact: true });
    expect(at(line, 'String.raw', 'javascript')).toMatchObject({ value: 'ab\\ncd', exact: true, start: line.indexOf('`') + 1 });
    expect(at('const password = sql`abcd`;', 'abcd', 'javascript')?.exact).toBe(false);
    expect(at('const password = `ab\\ncd`;', 'ab\\ncd', 'javascript')).toMatchObject({ value: 'ab\ncd', exact: true });
  });

  it('.env: exact only where python-dotenv and Node read the same', () => {
    expect(decodeDotenv('ab\\ncd', '"')).toEqual({ value: 'ab\ncd', exact: true });
    expect(decodeDotenv('ab\\\\cd', '"').exact).toBe(false); // python-dotenv: ab\cd; Node: ab\\cd
    expect(decodeDotenv('ab\\"cd', '"').exact).toBe(false); // Node's value ends at the first quote
    expect(decodeDotenv("ab\\'cd", "'").exact).toBe(false);
    expect(decodeDotenv('`abcd`', '').exact).toBe(false); // Node: quoted
    expect(decodeDotenv('ab${X}cd', "'").exact).toBe(false); // python-dotenv expands it even in single quotes
    expect(decodeDotenv('ab\\cd#', "'")).toEqual({ value: 'ab\\cd#', exact: true });
  });

  it('a shell value over several lines is read whole, final line break included', () => {
    const text = "#!/bin/sh\nexport KEY='line1\nline2\n'\necho done\n";
    const s = text.indexOf('line1');
    expect(enclosingLiteral('x.sh', text, s, text.indexOf('line2') + 5, 'shell')).toMatchObject({ value: 'line1\nline2\n', exact: true });
    const dq = '#!/bin/sh\nKEY="a\\$b\nline2\n"\n';
    expect(enclosingLiteral('x.sh', dq, dq.indexOf('a\\$'), dq.indexOf('line2') + 5, 'shell')).toMatchObject({ value: 'a$b\nline2\n', exact: true });
  });

  it('a notebook: a match that ran into the JSON \\n ending a source line stops before it; JSON-escaped values are skipped', () => {
    const pw = randomString(ALNUM, 20, 77) + 'Mg';
    const nb = (line: string) => JSON.stringify({ cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: [line, 'print(1)\n'] }], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1) + '\n';
    expect(planOf({ 'a.ipynb': nb(`%env DB_PASSWORD=${pw}\n`) }).stored).toEqual([pw]);
    // A short name (`_pw`) that only the weak-password rule knows, on a source line that is not the cell's last:
    // found in the decoded view of the line and stored as the whole single-quoted literal.
    expect(planOf({ 'a2.ipynb': nb(`warehouse_pw = '${pw.slice(0, 10)}'\n`) }).stored).toEqual([pw.slice(0, 10)]);
    const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const escaped = planOf({ 'b.ipynb': nb(`KEY = "${pem.replace(/\n/g, '\\n')}"\n`) });
    expect(escaped.stored).toEqual([]);
    expect(escaped.skipped.join('\n')).toMatch(/notebook cell has escapes/);
    // A double-quoted string reads `\"` in the notebook's JSON: the rule finds it in the decoded view only, and
    // it is stored all the same (an [AWS]-style KEY/SECRET pair too), not skipped as "encoded".
    const [id, key] = [awsKeyId(45), awsSecretKey(46)];
    const cell = [`KEY = "${id}"\n`, `SECRET = "${key}"\n`, `DWH_DB_PASSWORD = "${pw}"\n`];
    const quoted = planOf({ 'c.ipynb': JSON.stringify({ cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: cell }], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1) + '\n' });
    expect(quoted.skipped).toEqual([]);
    expect(quoted.stored.sort()).toEqual([id, key, pw].sort());
    // A rule that stopped at `&` means the whole literal; one with an escape (`\t`) is not stored, and the reason names the cell.
    const cellOf = (line: string) => JSON.stringify({ cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: [line] }], metadata: {}, nbformat: 4, nbformat_minor: 5 });
    expect(planOf({ 'd.ipynb': cellOf(`DB_PASSWORD = "${pw}!#&x"\n`) }).stored).toEqual([`${pw}!#&x`]);
    const part = planOf({ 'e.ipynb': cellOf(`DB_PASSWORD = "${pw}&x\\ty"\n`) });
    expect(part.stored).toEqual([]);
    expect(part.skipped.join('\n')).toMatch(/notebook cell, but not as a whole string literal/);
  });
});
