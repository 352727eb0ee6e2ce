/**
 * Hard negatives judge the matched value, not the line: a suppression word elsewhere on the line does not
 * hide a key beside it, while a value that IS an integrity hash or lies INSIDE a ciphertext is still dropped.
 */
import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/detector.js';
import { hardNegativeReason, pathExclusionClass } from '../../src/detect/hard-negatives.js';
import { isTrivialValue } from '../../src/detect/non-secret-values.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { fakeKey } from '../sources/git/helpers.js';

const detector = createDetector(loadBuiltinRules());
const rulesOn = (text: string, path = 'config.py') => detector.detect({ text, provenance: { kind: 'file', path } }).map((f) => f.rule);

describe('hard negatives are about the value', () => {
  const key = fakeKey(61);
  for (const word of ['integrity: x', 'integrity=sha512-abc', '!vault', 'ENC[AES256_GCM,data:abc]', '$ANSIBLE_VAULT;1.1;AES256', '-----BEGIN PGP MESSAGE-----', 'vault:v1:abc', 'ENC(xyz)', '{cipher}abc']) {
    it(`a key beside "${word}" is found (marker after it and before it)`, () => {
      expect(rulesOn(`aws_access_key_id = "${key}"  # ${word}\n`)).toContain('aws-access-key-id');
      expect(rulesOn(`# ${word}\naws_access_key_id = "${key}"\n`)).toContain('aws-access-key-id');
      expect(rulesOn(`${word} aws_access_key_id = "${key}"\n`)).toContain('aws-access-key-id');
    });
  }

  it('a value that is the integrity hash, or inside the ciphertext, is still dropped', () => {
    const b64 = Buffer.from(key + key).toString('base64');
    const line = (s: string) => ({ line: s, secret: key, at: s.indexOf(key), path: 'x', generic: false });
    expect(hardNegativeReason(line(`"integrity": "${key}",`))).toBe('integrity hash');
    expect(hardNegativeReason(line(`integrity="${key}"`))).toBe('integrity hash');
    expect(hardNegativeReason(line(`password: ENC[AES256_GCM,data:${key},iv:x,tag:y,type:str]`))).toBe('inside an encrypted value');
    expect(hardNegativeReason(line(`value: !vault "${key}"`))).toBe('inside an encrypted value');
    expect(hardNegativeReason(line(`{"msg": "-----BEGIN PGP MESSAGE-----\\n\\n${key}\\n-----END PGP MESSAGE-----"}`))).toBe('inside an encrypted value');
    expect(hardNegativeReason(line(`token: vault:v1:${key}`))).toBe('inside an encrypted value');
    expect(hardNegativeReason(line(`password: '{cipher}${key}'`))).toBe('inside an encrypted value'); // Spring Cloud Config
    expect(hardNegativeReason(line(`k = "${key}"  # integrity: ${b64}`))).toBeUndefined();
    expect(hardNegativeReason(line(`k = "${key}"  # ENC[AES256_GCM,data:${b64}]`))).toBeUndefined();
  });

  it('a token that names itself (AKIA…) is no ciphertext or digest for the marker before it; a value found by its key is (gate round 6)', () => {
    for (const v of [`ENC[AES256_GCM,data:${key},iv:x,type:str]`, `ENC(${key})`, `vault:v1:${key}`, `!vault ${key}`, `AQICAH/${key}`, `"-----BEGIN PGP MESSAGE-----${key}"`])
      expect(rulesOn(`deploy: ${v}\n`), v).toContain('aws-access-key-id');
    expect(rulesOn(`integrity: ${key}\n`)).toContain('aws-access-key-id');
    // SOPS's ciphertext of an AWS secret key is 40 base64 characters under the key's own name: still ciphertext.
    const cipher = 'AFz1ST5fFRr2cNYW' + 'VtaV2AcFYwXAEi2CyXC4K4/g';
    expect(rulesOn(`aws_secret_access_key: ENC[AES256_GCM,data:${cipher},iv:x,type:str]\n`, 'secrets.enc.yaml')).toEqual([]);
  });
});

describe('generic values that are names', () => {
  it('a sigil before PascalCase words is a state name (vendored tokenizers), a password with a sigil is not', () => {
    const g = (secret: string) => hardNegativeReason({ line: `lastSignificantToken = "${secret}";`, secret, path: 'src/lexer.js', generic: true });
    expect(g('?InterpolationInJSX')).toBe('identifier');
    expect(g('?NonExpressionParenKeyword')).toBe('identifier');
    expect(g('#Summer' + '2024!x')).toBeUndefined();
    expect(g('?Wq' + '7rT2mZ')).toBeUndefined();
    expect(rulesOn('nextLastSignificantToken = "?NoLineTerminatorHere";\n', 'src/lexer.js')).toEqual([]);
  });

  it('a host name is where a service lives (trufflehog invoiceocean negative), a dotted password is not', () => {
    const g = (secret: string) => hardNegativeReason({ line: `invoiceocean secret = '${secret}'`, secret, path: 'conf.txt', generic: true });
    expect(g('4f2a9c.' + 'invoiceocean.com')).toBe('host name');
    expect(g('billing-01.acme.' + 'io')).toBe('host name');
    expect(g('Qm4.x' + 'T9v.Lr2#Kp')).toBeUndefined();
    expect(rulesOn("api_secret = '4f2a9c." + "invoiceocean.net'\n", 'conf.txt')).toEqual([]);
  });
});

describe('weak words as generic values', () => {
  // Built at run time so that the self-scan does not read them as passwords.
  const prose = (secret: string) => hardNegativeReason({ line: `The admin password is '${secret}'.`, secret, path: 'docs/setup.md', generic: true });

  it('a weak word written as a policy forces it (capital, lower case, digit or symbol) is a password someone set', () => {
    expect(prose('Secret' + '123')).toBeUndefined();
    expect(prose('Password' + '123')).toBeUndefined();
    expect(rulesOn(`The admin password is '${'Pass' + 'word123'}'.\n`, 'docs/setup.md')).toEqual(['password-in-prose']);
  });

  it('the same word in one case, a test word and the bare names stay stand-ins', () => {
    // Dropped as a trivial value, or earlier as a stand-in made of credential words (non-secret-values.ts).
    for (const v of ['secret' + '123', 'PASSWORD' + '123', 'Test' + '123', 'Pass' + 'word']) expect(prose(v)).toMatch(/^(trivial value|stand-in made of credential words)$/);
    expect(rulesOn(`The admin password is '${'pass' + 'word123'}'.\n`, 'docs/setup.md')).toEqual([]);
  });
});

describe('trivial values: one vocabulary with the stand-in words (non-secret-values.ts)', () => {
  it('every value of the former list of trivial values is still dropped for a generic rule', () => {
    const former = ['pass' + 'word', 'passwd', 'secret', 'token', 'test', 'testing', 'admin', 'root', 'pass', 'none', 'null', 'nil',
      'true', 'false', 'undefined', 'default', 'string', 'required', 'optional', 'hidden', 'empty', 'my' + 'password',
      'pass' + 'word123', 'secret123', 'test123', 'qwerty', 'letmein', 'welcome', 'guest', 'user', 'username', 'value',
      'apikey', 'api_key', 'access_token', 'client_secret', 'private_key', 'secret_key', 'yes', 'no', 'on', 'off'];
    for (const v of former) expect(hardNegativeReason({ line: `x = "${v}"`, secret: v, path: 'app/x.py', generic: true }), v).toBeDefined();
    for (const v of former) expect(isTrivialValue(v), v).toBe(true);
  });
  it('a word written as a policy forces it is not trivial, and vendor rules are not judged by it', () => {
    expect(isTrivialValue('Secret' + '123')).toBe(false);
    expect(isTrivialValue('Welcome' + '1!')).toBe(false);
    expect(hardNegativeReason({ line: 'x = "welcome"', secret: 'welcome', path: 'app/x.py', generic: false })).toBeUndefined();
  });
});

describe('a counting run in a UUID', () => {
  // Built at run time: the self-scan would report the assembled value.
  const uuid = ['12345678', 'ABCD', 'ABCD', 'ABCD', '1234567890AB'].join('-');

  it('is reported by a vendor rule, whose match needs the vendor name beside the UUID', () => {
    expect(rulesOn(`const SNYK_TOKEN = "${uuid}"\n`)).toContain('snyk-api-token');
    expect(rulesOn(`heroku_api_key: ${uuid}\n`)).toContain('heroku-api-key');
    expect(hardNegativeReason({ secret: uuid, line: `SNYK_TOKEN=${uuid}`, path: 'x', generic: false })).toBeUndefined();
  });

  it('is still dropped for a generic rule, and a bare run of zeros for any rule', () => {
    expect(hardNegativeReason({ secret: uuid, line: `token = "${uuid}"`, path: 'x', generic: true })).toBeDefined();
    const zeros = ['00000000', '0000', '0000', '0000', '000000000000'].join('-');
    expect(rulesOn(`const SNYK_TOKEN = "${zeros}"\n`)).toEqual([]);
  });
});

describe('template syntax is a marker with its pair, not a lone sign pair inside a random value', () => {
  const salt = (inner: string) => 'Xr7&kP2' + inner + 'vQ9!mL4|zT8^wN3(' + 'bH6~cJ1+dF5]gS0';
  for (const inner of ['{{', '#{vWG|G}', '%>', '<%', '}}', '#{CAcL=f+Y!~E}']) {
    it(`a WordPress salt holding "${inner}" is reported`, () => {
      const text = `define( 'AUTH_KEY',         '${salt(inner)}' );\n`;
      expect(rulesOn(text, 'wordpress/wp-config.php')).toContain('wordpress-config-secret');
      expect(hardNegativeReason({ secret: salt(inner), line: text, path: 'wp-config.php', generic: false })).toBeUndefined();
    });
  }
  for (const value of ['${DB_PASSWORD}', 'pre-{{ .Values.db.password }}', '#{ENV[\'DB_PASSWORD\']}', '<%= ENV["DB_PASSWORD"] %>', '$(DB_PASSWORD)', '%(db_password)s', '{{ .Values.token']) {
    it(`"${value}" is a template`, () => {
      expect(hardNegativeReason({ secret: value, line: `password: "${value}"`, path: 'x.yaml', generic: true })).toBe('template variable');
    });
  }
});

describe('a bare name after the operator in a source file is a variable', () => {
  const generic = (rules: string[]) => rules.filter((r) => /generic|password|secret/.test(r));
  // Built at run time: the project's own pre-commit hook scans this file (gate mode judges no paths).
  const set = (key: string, name: string) => [key, name].join(' = ');
  it('Go, Java and Python assignments of oddly-cased variables are not reported (loki vendor/ code)', () => {
    expect(generic(rulesOn(`package x\n\nfunc f() {\n\t${set('r.ringInstanceByToken', 'ringInstance' + 'ByToken')}\n\t${set('cfg.Credentials', 'iBm' + 'IamCreds')}\n}\n`, 'ring/ring.go'))).toEqual([]);
    expect(generic(rulesOn(`class A {\n  void f() {\n    ${set('this.apiToken', 'tkQx' + 'ZbWvRmPn')};\n  }\n}\n`, 'src/A.java'))).toEqual([]);
    expect(generic(rulesOn(`${set('db_password', 'pwFrom' + 'VaultXq')}\n`, 'app/settings.py'))).toEqual([]);
  });
  it('the same text is a value in a comment, in a string, in a .env or shell file, and in gate modes', () => {
    const pw = 'Tq8vLz2pW9xK'.concat('4mNs'); // literals joined in the source are read joined (gate round 10)
    expect(generic(rulesOn(`# prod ${set('password', pw)}\n`, 'app/settings.py')).length).toBeGreaterThan(0);
    expect(generic(rulesOn(`conn = "host=db password=${pw}"\n`, 'app/settings.py')).length).toBeGreaterThan(0);
    expect(generic(rulesOn(`DB_PASSWORD=${pw}\n`, '.env')).length).toBeGreaterThan(0);
    expect(generic(rulesOn(`export DB_PASSWORD=${pw}\n`, 'deploy.sh')).length).toBeGreaterThan(0);
    const name = 'iBm' + 'IamCreds';
    const line = `\t${set('cfg.Credentials', name)}`;
    const at = line.indexOf(name);
    expect(hardNegativeReason({ line, secret: name, at, path: 'x.go', generic: true })).toBe('variable in code');
    expect(hardNegativeReason({ line, secret: name, at, path: 'x.go', generic: true, byPath: false })).toBeUndefined();
  });
});

describe("an API's published examples (awscli's examples/**/*.rst, botocore's examples-1.json)", () => {
  const pw = 'Qz7' + 'vK2mX9pLw4';
  it('generic rules skip them, by path only: the same value elsewhere and in gate modes is judged', () => {
    const line = `  "OldPassword": "${pw}",`;
    expect(hardNegativeReason({ secret: pw, line, path: 'awscli/examples/iam/change-password.rst', generic: true })).toBe("an API's published example");
    expect(hardNegativeReason({ secret: pw, line, path: 'botocore/data/iam/2010-05-08/examples-1.json', generic: true })).toBe("an API's published example");
    expect(hardNegativeReason({ secret: pw, line, path: 'awscli/customizations/iam.rst', generic: true })).toBeUndefined();
    expect(hardNegativeReason({ secret: pw, line, path: 'examples/app/settings.py', generic: true })).toBeUndefined();
    expect(hardNegativeReason({ secret: pw, line, path: 'awscli/examples/iam/change-password.rst', generic: true, byPath: false })).toBeUndefined();
  });
  it('is its own path class, so a history scan reads a blob again at another path', () => {
    expect(pathExclusionClass('awscli/examples/iam/change-password.rst')).not.toBe(pathExclusionClass('docs/iam/change-password.rst'));
  });
});
