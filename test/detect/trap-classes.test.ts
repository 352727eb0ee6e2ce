/**
 * False-positive traps a reviewer plants in a realistic repository (issue #16), one class at a time:
 * placeholders in docs, vendors' documented example keys, hashes and UUIDs beside credential words,
 * detect-secrets baselines, integrity hashes, base64 images and fonts, minified code, UI translations,
 * test stand-ins. Each class has real-looking secrets of the same shape beside it that must still be
 * reported. Both sides run through the real detector with the built-in rules; every secret-like value is
 * built at run time (the project scans itself), the vendors' published examples included.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/detector.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { ALNUM, B64, HEX, randomString } from '../support/fake-secrets.js';

const detector = createDetector(loadBuiltinRules());
const findings = (text: string, path: string) => detector.detect({ text: text + '\n', provenance: { kind: 'file', path } });
const rnd = (n: number, seed: number, alphabet = ALNUM) => randomString(alphabet, n, seed * 2654435761 + 97);
/** Mixed case and digits for sure (a seed could draw letters only). */
const mixed = (n: number, seed: number) => 'Q' + rnd(n - 3, seed) + 'k7';
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const PW = 'pass' + 'word';

/** An HS256 JWT of these claims, signed with a key of this seed. */
function jwt(claims: object, seed: number): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })) + '.' + b64url(JSON.stringify(claims));
  return head + '.' + createHmac('sha256', mixed(32, seed)).update(head).digest('base64url');
}

interface TrapClass {
  trap: string;
  /** Lines that hold no secret: nothing reported. [line, path] */
  negatives: Array<[string, string]>;
  /** Real-looking secrets of the same shape: reported. [line, path] */
  positives: Array<[string, string]>;
}

const CLASSES: TrapClass[] = [
  {
    trap: 'placeholders in docs and READMEs',
    negatives: [
      ['export ANTHROPIC_API_KEY=sk-ant-...', 'README.md'],
      ['export ANTHROPIC_API_KEY="sk-ant-api03-..."', 'README.md'],
      ['api_key = "<your-key-here>"', 'README.md'],
      ['OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'docs/setup.md'],
      [`${PW}: changeme`, 'docs/install.md'],
      [`DB_${PW.toUpperCase()}=\${SECRET}`, '.env.example'],
      [`  ${PW}: {{ .Values.${PW} }}`, 'chart/templates/secret.yaml'],
      [`${PW} = %(${PW})s`, 'setup.cfg'],
      [`DB_${PW.toUpperCase()}=$(cat /run/secrets/db_${PW})`, 'scripts/run.sh'],
      ['token: "REPLACE_WITH_YOUR_TOKEN"', 'docs/config.md'],
      ['GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'README.md'],
    ],
    positives: [
      [`export ANTHROPIC_API_KEY=sk-ant-api03-${rnd(93, 1)}AA`, 'README.md'],
      [`DB_${PW.toUpperCase()}=${mixed(16, 2)}`, '.env'],
    ],
  },
  {
    trap: "example keys from vendors' documentation",
    negatives: [
      ['aws_access_key_id = ' + 'AKIA' + 'IOSFODNN7EXAMPLE', 'docs/aws.md'],
      ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'docs/aws.md'],
      // Stripe's API reference and quick starts.
      ['stripe.api_key = "sk_test_' + '4eC39HqLyjWDarjtT1zdp7dc"', 'README.md'],
      ['STRIPE_SECRET_KEY=sk_test_' + 'BQokikJOvBiI2HlWgH4olfQ2', 'docs/payments.md'],
      // Slack's sample oauth.v2.access response.
      ['  "access_token": "xoxb-' + '17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",', 'tests/fixtures/oauth.json'],
      // GitHub's post on its token formats.
      ['GITHUB_TOKEN=ghp_' + '16C7e42F292c6912E7710c838347Ae178B4a', 'docs/ci.md'],
      // Twitter's OAuth 1.0a signature guide.
      ['consumer_secret = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"', 'tests/test_oauth1.py'],
      ['oauth_token = "370773112-' + 'GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"', 'tests/test_oauth1.py'],
      ['oauth_token_secret = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"', 'tests/test_oauth1.py'],
      // Traefik's basic-auth docs (htpasswd lines of test:test and test2:test2), copied into compose files.
      ['      - "traefik.http.middlewares.auth.basicauth.users=test:$$apr1$$' + 'H6uskkkW$$IgXLP6ewTrSuBkTrqE8wj/,test2:$$apr1$$' + 'd9hr9HBB$$4HxwgUir3HP4EsggP/QNo0"', 'docker-compose.yml'],
      ['    users = ["test:$apr1$' + 'H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/", "test2:$apr1$' + 'd9hr9HBB$4HxwgUir3HP4EsggP/QNo0"]', 'traefik.toml'],
      // RFC 6749's client credentials in a Basic header (decoded, a user:password pair).
      ['Authorization: Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW', 'docs/oauth.md'],
    ],
    positives: [
      [`STRIPE_SECRET_KEY=sk_test_${rnd(24, 5)}`, 'config/.env'],
      [`  "access_token": "xoxb-${rnd(11, 6, '0123456789')}-${rnd(11, 7, '0123456789')}-${rnd(24, 8)}",`, 'tests/fixtures/oauth.json'],
      [`oauth_token_secret = "${mixed(41, 9)}"`, 'app/twitter.py'],
      [`    users = ["admin:$apr1$${rnd(8, 39)}$${rnd(22, 40)}"]`, 'traefik.toml'],
      ['Authorization: Bearer ' + jwt({ sub: rnd(10, 10, '0123456789'), name: 'Build Bot', iat: 1700000000 }, 11), 'deploy/smoke.sh'],
    ],
  },
  {
    trap: 'hashes and UUIDs next to credential words',
    negatives: [
      [`token_hash = "${rnd(64, 12, HEX)}"`, 'app/models.py'],
      [`token_sha256 = "${rnd(64, 13, HEX)}"`, 'app/models.py'],
      [`api_key_id = "${rnd(8, 14, HEX)}-${rnd(4, 15, HEX)}-4${rnd(3, 16, HEX)}-a${rnd(3, 17, HEX)}-${rnd(12, 18, HEX)}"`, 'app/config.py'],
      [`token = "${rnd(40, 19, HEX)}"  # git sha of the release`, 'scripts/release.py'],
      ['        "hashed_secret": "' + rnd(40, 20, HEX) + '",', '.secrets.baseline'],
    ],
    positives: [[`api_token = "${mixed(40, 21)}"`, 'app/config.py']],
  },
  {
    trap: 'integrity hashes, base64 images and fonts, minified code',
    negatives: [
      [`<script src="https://cdn.example.org/x.js" integrity="sha384-${rnd(64, 22)}" crossorigin="anonymous"></script>`, 'index.html'],
      [`    "integrity": "sha512-${rnd(86, 23)}==",`, 'package-lock.json'],
      [`.icon { background: url("data:image/png;base64,iVBORw0KGgo${rnd(120, 24)}") }`, 'style.css'],
      [`@font-face { src: url(data:font/woff2;base64,d09GMgABAAAAA${rnd(200, 25)}); }`, 'style.css'],
      [`!function(e){var t={${PW}:"${mixed(16, 26)}"};${'e.x=t;'.repeat(200)}}(this);`, 'static/app.min.js'],
    ],
    positives: [[`const config = { ${PW}: "${mixed(16, 26)}" };`, 'src/config.js']],
  },
  {
    trap: 'interface text and translations under credential keys',
    negatives: [
      [`  ${PW}: "Passwort"`, 'config/locales/de.yml'],
      [`  ${PW}_confirmation: "Passwort bestätigen"`, 'config/locales/de.yml'],
      ['  api_token: "API-Token"', 'config/locales/de.yml'],
      [`{"${PW}": "Password", "forgot_${PW}": "Forgot your ${PW}?", "secret_key": "Secret key"}`, 'locales/en.json'],
    ],
    positives: [[`  ${PW}: "${mixed(14, 27)}"`, 'config/database.yml']],
  },
  {
    trap: 'obviously fake values in tests',
    negatives: [
      [`    ${PW} = "test"`, 'tests/test_login.py'],
      [`    ${PW} = "${PW}123"`, 'tests/test_login.py'],
      ['    api_key = "test-api-key"', 'tests/test_login.py'],
      ['    token = "dummy-token"', 'tests/test_login.py'],
      ['    client_secret = "my-client-secret"', 'tests/test_login.py'],
      [`\tcreds := Credentials{Username: "user", Password: "pass"}`, 'auth/auth_test.go'],
      [`      MYSQL_ROOT_${PW.toUpperCase()}: root`, 'docker-compose.yml'],
    ],
    // A weak password typed the way a policy forces it is one someone set: reported, in tests too.
    positives: [[`    ${PW} = "Tr0ub4dor&3x"`, 'tests/test_login.py']],
  },
  {
    trap: 'stand-ins seen in real repositories (charts, Ansible, GitLab, Laravel, redash)',
    negatives: [
      // `echo postgres | base64` under the service's own password key.
      [`  postgresql-${PW}: "${Buffer.from('postgres\n').toString('base64')}"`, 'bitnami/airflow/README.md'],
      [`  root${PW[0]!.toUpperCase()}${PW.slice(1)}: "newRoot${PW[0]!.toUpperCase()}${PW.slice(1)}123"`, 'bitnami/mysql/README.md'],
      [`  ${PW}: "P@ssw0rd"      # Replace with an actual ${PW}`, 'docs/setup/kubernetes.md'],
      [`        data={"${PW}": "test1234"},`, 'tests/handlers/test_authentication.py'],
      ["      'token' => 'secrettoken123',", 'spec/praefect_spec.rb'],
      ['# In:  /foo?private_token=unfiltered&authenticity_token=unfiltered&rss_token=unfiltered&...', 'templates/nginx.conf.erb'],
      ['## - secret: custom' + '-CA', 'bitnami/moodle/values.yaml'],
      ['LDAP_DISPLAY_NAME_KEY = os.environ.get("REDASH_LDAP_DISPLAY_NAME_KEY", "displayName")', 'redash/settings/__init__.py'],
      ['THROTTLE_PASS_RESET_PATTERN = os.environ.get("REDASH_THROTTLE_PASS_RESET_PATTERN", "10/hour")', 'redash/settings/__init__.py'],
      // A Redis URL's password of words joined by %20.
      [`content = 'Sentinel = ["redis://:some%20workhorse%20pass@127.0.0.2:26379"]'`, 'spec/workhorse_spec.rb'],
    ],
    positives: [
      [`  postgresql-${PW}: "${Buffer.from(mixed(14, 30) + '\n').toString('base64')}"`, 'deploy/secret.yaml'],
      [`  root${PW[0]!.toUpperCase()}${PW.slice(1)}: "Harbor#Prod2019!"`, 'deploy/values.yaml'],
      [`  ${PW}: "${mixed(14, 31)}"      # rotated by ops`, 'deploy/values.yaml'],
      // One credential word and one digit is a password people type.
      [`        data={"${PW}": "${PW}1"},`, 'app/client.py'],
      [`      'token' => '${rnd(20, 32, 'abcdefghijklmnopqrstuvwxyz0123456789')}1',`, 'config/app.rb'],
      [`curl "https://git.acme.io/api/v4/projects?private_token=${mixed(20, 33)}&per_page=100"`, 'scripts/sync.sh'],
      [`SECRET_KEY = os.environ.get("APP_SECRET_KEY", "${mixed(14, 34)}")`, 'app/settings.py'],
      [`content = 'Sentinel = ["redis://:${mixed(10, 37)}%20${mixed(6, 38)}@10.0.0.2:26379"]'`, 'config/redis.rb'],
    ],
  },
  {
    trap: 'libraries\' and API references\' docs (AWS CLI examples, SQLAlchemy, Django REST framework, FastAPI)',
    negatives: [
      // Oracle's demo account in SQLAlchemy's, Celery's and Kombu's docs.
      ['engine = create_engine("postgresql+psycopg2://scott:tiger@localhost/test")', 'docs/orm/engines.rst'],
      ["result_backend = 'db+mysql://scott:tiger@localhost/foo'", 'docs/userguide/configuration.rst'],
      ['    DSN=some_dsn;UID=scott;PWD=tiger', 'lib/dialects/mssql/pyodbc.py'],
      // Cursors and request markers of AWS APIs: a base64 JSON cursor, a paginator's field path, a log cursor, an idempotency key.
      [`    "NextToken": "${Buffer.from('{"NextToken": null, "boto_truncate_amount": 2}').toString('base64')}"`, 'examples/athena/list-table-metadata.rst'],
      ['      "output_token": "ReservationSet.NextMarker",', 'data/ec2/2016-11-15/paginators-1.json'],
      [`    "nextSequenceToken": "${rnd(56, 41, '0123456789')}"`, 'examples/logs/put-log-events.rst'],
      ['    "ClientToken": "cachedvol112233",', 'data/storagegateway/examples-1.json'],
      [`    "PolicyUpdateToken": "1:${rnd(22, 42, B64)}==",`, 'examples/fms/get-policy.rst'],
      // AWS's convention: EXAMPLE written over parts of a key's body, and the pair of an example key ID.
      [`    "privateKey": "-----BEGIN RSA ${'PRIVATE'} KEY-----\\nEXAMPLE${rnd(57, 43, B64)}\\n${rnd(64, 44, B64)}\\nEXAMPLE${rnd(40, 45, B64)}\\n-----END RSA ${'PRIVATE'} KEY-----",`, 'examples/lightsail/get-instance-access-details.rst'],
      [`--xks-proxy-authentication-credential "AccessKeyId=ABCDE12345670EXAMPLE, RawSecretAccessKey=${mixed(43, 46)}="`, 'examples/kms/create-custom-key-store.rst'],
      [`    "AppServerPrivateKey": "a123b45c6d78e9f012a34cd5e6a7890b12c3d45e6f78a1b234c56d7e890a1234"`, 'examples/iotwireless/associate.rst'],
      ['    "SubjectFromWebIdentityToken": "amzn1.account.' + rnd(28, 47, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') + '"', 'examples/sts/assume-role-with-web-identity.rst'], // secret-sweep:allow (a false-positive trap: the test checks it is not reported under its own path)
      [`    "token": "${rnd(8, 48)}#1${rnd(4, 49)}...${rnd(8, 50)}!4${rnd(3, 51)}!#5",`, 'examples/ivschat/create-chat-token.rst'],
      // Django REST framework's TokenAuthentication docs and FastAPI's JWT tutorial.
      ["    curl -X GET http://127.0.0.1:8000/api/example/ -H 'Authorization: Token " + '9944b09199c62bcf' + "9418ad846dd0e4bbdfc6ee4b'", 'docs/api-guide/authentication.md'],
      ['SECRET_KEY = "' + '09d25e094faa6ca2556c8181' + '66b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7"', 'app/security.py'],
      // Anti-forgery tokens, public key tokens, hash fields, keys that say they hold stand-ins, names for values.
      [`<input type="hidden" name="csrfmiddlewaretoken" value="${mixed(64, 52)}">`, 'tests/test_forms.py'],
      [`<assemblyIdentity type="win32" name="Microsoft.VC90.CRT" publicKeyToken="${rnd(16, 53, HEX)}"></assemblyIdentity>`, 'build/msvc.py'],
      [`        "hashed_${PW}": "${mixed(20, 54)}",`, 'docs_src/security/tutorial003.py'],
      [`DUMMY_SECRET = "${mixed(22, 55)}"`, 'tests/test_event_rules.py'],
      ['    COOKIE_SECRET = "WebTest.COOKIE_SECRET"', 'tests/web_test.py'],
      [`CELERY_${PW.toUpperCase()} = 'celery${PW}'`, 'examples/settings.py'],
      ['_DEFAULT_TOKEN = "_sa_default"', 'lib/orm/path_registry.py'],
      // Placeholders: in double angle brackets, the alphabet, a mirror, xkcd 936, the service's name.
      [`      '${PW}': '<<CLIENT_SECRET_FROM_ASTRA_DB_TOKEN>>'`, 'docs/userguide/configuration.rst'],
      ['    "app_secret": "abcdefghijklmnop",', 'tests/test_embeds.py'],
      ['SECRET_KEY = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"', 'netbox/configuration_testing.py'],
      [`    if credentials.${PW} == "swordfish":`, 'docs/advanced/security/http-basic-auth.md'],
      ["    secret: 'ABCDEFGH1234567887654321HGFEDCBA',", 'docs/config/session.md'],
      [`    ${PW}: 'horsestaple',`, 'tests/api-tests/auth.test.ts'],
      ['DATABASE_URL=mysql://dbuser:dbpass@localhost:3306/app', 'docs/blog/mysql-support.md'],
      ["CREATE USER IF NOT EXISTS 'petclinic'@'%' IDENTIFIED BY 'petclinic';", 'src/main/resources/db/mysql/user.sql'],
      // Rails: code after a key, CSRF tokens in logs, typed patterns, a template's development default.
      ['    assert_equal @user, User.authenticate_by(token: @user.token, email: @user.email)', 'test/cases/secure_password_test.rb'],
      ['  ActiveModel::SecurePassword.register_algorithm :bcrypt, SecurePassword::BCryptPassword', 'lib/active_model/secure_password.rb'],
      [`  Parameters: {"authenticity_token"=>"${mixed(86, 68)}=="}`, 'guides/source/debugging_rails_applications.md'],
      [`    ${PW}: "kjfhueyt9485osdfasdkljfh4lkjhakldjfhalkdsjf"`, 'test/controller/http_basic_authentication_test.rb'],
      ['#   api_key: a1B2c3D4e5F6', 'test/dummy/config/secrets.yml'],
      ['#   CACHE_DATABASE_URL="postgres://cacheuser:cachepass@localhost/cachedatabase"', 'templates/config/databases/postgresql.yml.tt'],
      // TypeScript code after a key, a JWT cut to its header, names, a prefix with a stand-in tail, lexer classes, i18n markers.
      ['    currentToken: currentToken!,', 'packages/payload/src/auth/endpoints/me.ts'], // secret-sweep:allow (a false-positive trap: the test checks it is not reported under its own path)
      ['      token: result.token!,', 'packages/payload/src/auth/endpoints/resetPassword.ts'], // secret-sweep:allow (a false-positive trap: the test checks it is not reported under its own path)
      ['    const token = ++updateTokenRef.current', 'packages/ui/src/elements/Tooltip/index.tsx'],
      ['  const clientSecret = cart?.payment_collection?.', 'www/checkout/payment/stripe/page.mdx'],
      [`          token: "${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}",`, 'docs/rest-api/overview.mdx'],
      ['- Auto-login is enabled by default with credentials: `dev@payloadcms.com` / `test`', 'CLAUDE.md'],
      ['  [Modules.API_KEY]: "@medusajs/medusa/api-key",', 'packages/core/utils/src/modules-sdk/definition.ts'],
      ["process.env.STRIPE_WEBHOOKS_ENDPOINT_SECRET = 'whsec_123'", 'test/plugin-stripe/config.ts'],
      ["      { token: 'type.identifier', foreground: '9cdcfe' },", 'packages/ui/src/elements/CodeEditor/CodeEditor.tsx'],
      ["  loggedInChangePassword: '若要變更密碼，請前往<0>帳戶</0>設定進行修改。',", 'packages/translations/src/languages/zhTw.ts'],
      // Where a value is read from, a call opened inside a pattern, a scope pattern: not values.
      ['    "identity": { "name": "json:environmentName", "token": "json:tokenName" },', 'src/verify/issuers.json'],
      [`    expect(md).toMatch(/st\\.connection\\("pg", ${PW}=get_secret\\("[^"]+"\\)\\)/);`, 'test/app.test.ts'],
      ["    const key = { acls: ['api-key:model:*', 'api-key:endpoint:*'] };", 'test/verify/keys.test.ts'],
      // NIST SP 800-38A's AES-128 key, in every crypto library's tests.
      ['    secret_key = "2b7e151628aed2a6' + 'abf7158809cf4f3c"', 'tests/test_aes.py'], // secret-sweep:allow (a false-positive trap: the test checks it is not reported under its own path)
      [`    const envContent = 'PAYLOAD_SECRET=test-secret\\nDATABASE_URL=mongodb://localhost:27017/test'`, 'src/lib/manage-env-files.spec.ts'], // secret-sweep:allow (a false-positive trap: the test checks it is not reported under its own path)
      // Helm charts' documented defaults: the chart's own name (its folder) with a counter.
      ['helm install my-release oci://registry-1.docker.io/bitnamicharts/cloudnative-pg --set password=bitnami1234', 'bitnami/cloudnative-pg/README.md'], // secret-sweep:allow (a false-positive trap: the test checks it is not reported under its own path)
      [`        MINIO_ROOT_${PW.toUpperCase()}: "minio123"`, 'bitnami/minio-operator/README.md'],
    ],
    positives: [
      [`engine = create_engine("postgresql+psycopg2://scott:${mixed(14, 56)}@db.internal/prod")`, 'app/db.py'],
      [`    "SessionToken": "${mixed(40, 57)}",`, 'scripts/creds.json'],
      [`client_token = "${mixed(32, 58)}"`, 'app/settings.py'],
      [`-----BEGIN RSA ${'PRIVATE'} KEY-----\nMIIEow${rnd(58, 59, B64)}\n${rnd(64, 60, B64)}\n${rnd(44, 61, B64)}\n-----END RSA ${'PRIVATE'} KEY-----`, 'deploy/id_rsa'],
      [`--credential "AccessKeyId=${rnd(20, 62, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}, RawSecretAccessKey=${mixed(43, 63)}="`, 'scripts/keystore.sh'],
      [`    curl -H 'Authorization: Token ${rnd(40, 64, HEX)}' https://api.acme.io/v1/orders`, 'scripts/smoke.sh'],
      [`HASH_SECRET = "${mixed(24, 65)}"`, 'app/settings.py'],
      [`    secret: '${mixed(32, 66)}',`, 'config/session.ts'],
      [`CELERY_${PW.toUpperCase()} = '${mixed(16, 67)}'`, 'app/settings.py'],
      [`    ${PW}: "${rnd(30, 69, 'abcdefghijklmnopqrstuvwxyz0123456789')}"`, 'config/basic_auth.rb'],
      ['#   CACHE_DATABASE_URL="postgres://cacheuser:' + mixed(14, 70) + '@db.internal/cache"', 'config/database.yml'],
      [`process.env.STRIPE_WEBHOOKS_ENDPOINT_SECRET = 'whsec_${mixed(32, 71)}'`, 'scripts/dev.ts'],
      [`    "token": "json:${mixed(24, 75)}",`, 'config/issuer.json'],
      [`${PW}=${mixed(18, 76)}`, '.env'],
      [`    const envContent = 'PAYLOAD_SECRET=${mixed(24, 74)}\\nDATABASE_URL=mongodb://localhost:27017/test'`, 'scripts/write-env.ts'],
      [`        MINIO_ROOT_${PW.toUpperCase()}: "minio123"`, 'deploy/storage/values.yaml'],
      // Outside code, `word!` is a password, not a non-null assertion; a short prefixed value under a password's key is typed.
      [`DB_${PW.toUpperCase()}=vaultDoor!`, '.env'],
      [`  ${PW}: admin_123`, 'config/app.yml'],
      [`      token: "${jwt({ sub: rnd(10, 72, '0123456789'), iat: 1700000000 }, 73)}",`, 'docs/rest-api/overview.mdx'],
    ],
  },
];

describe('false-positive traps, class by class', () => {
  for (const c of CLASSES) {
    it(`${c.trap}: nothing reported`, () => {
      for (const [line, path] of c.negatives) expect(findings(line, path).map((f) => f.rule), `${path}: ${line.slice(0, 60)}`).toEqual([]);
    });
    it(`${c.trap}: real-looking secrets of the same shape still reported`, () => {
      for (const [line, path] of c.positives) expect(findings(line, path).length, `${path}: ${line.slice(0, 30)}`).toBeGreaterThan(0);
    });
  }
});

describe('a percent-encoded URI password is one finding', () => {
  it('the raw value is reported, not also its decoded copy on the same line', () => {
    const pw = `${rnd(3, 28)}%23${mixed(9, 29)}`;
    for (const line of [`MONGO_URL=mongodb+srv://app:${pw}@cluster0.x1y2z.mongodb.net/db`, `DATABASE_URL=postgres://app:${pw}@db.internal:5432/x`]) {
      const found = findings(line, '.env');
      expect(found.map((f) => f.rule)).toHaveLength(1);
      expect(line.slice(found[0]!.start, found[0]!.end)).toBe(pw);
    }
  });
});
