/**
 * Shapes of real code that context-only rules took for secrets (public repositories in Java, Kotlin, Go,
 * PHP, Python, YAML), each rewritten here in our own words, next to real-looking secrets of a similar
 * shape that must still be reported. Both sides run through the real detector with the built-in rules.
 * Every secret-like value is built at run time (the project scans itself).
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/detector.js';
import { nonSecretValueReason } from '../../src/detect/non-secret-values.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { ALNUM, B64, HEX, randomString } from '../support/fake-secrets.js';

const detector = createDetector(loadBuiltinRules());
const findings = (text: string, path: string) => detector.detect({ text: text + '\n', provenance: { kind: 'file', path } });
// Small seeds start the generator weakly: spread them.
const rnd = (n: number, seed: number, alphabet = ALNUM) => randomString(alphabet, n, seed * 2654435761 + 97);
/** Mixed case and digits for sure (a seed could draw letters only). */
const mixed = (n: number, seed: number) => 'Q' + rnd(n - 3, seed) + 'k7';
const b64 = (s: string) => Buffer.from(s).toString('base64');
/** Split so that this file's own scan does not read the weak passwords below as findings. */
const PW = 'pass' + 'word';
/** The first entry of weak-password lists (FastAPI's tutorial), split likewise. */
const SWORD = 'sword' + 'fish';

interface Shape {
  shape: string;
  /** Lines of real code (our words) that hold no secret: nothing reported. [line, path] */
  negatives: Array<[string, string]>;
  /** Real-looking secrets of a similar shape: reported. [line, path] */
  positives: Array<[string, string]>;
}

const SHAPES: Shape[] = [
  {
    shape: 'config keys, i18n keys, package names, Maven coordinates',
    negatives: [
      ["const BAD_TOKEN = 'reset.passwords.token';", 'src/Broker.php'],
      ['static final String SESSION_TOKEN_KEY = "app.session.auth.token";', 'src/Keys.java'],
      ['static final String ACTION_TOKEN = "org.acme.push.NEW_TOKEN";', 'src/Push.java'],
      ['String accessKey = "metrics.endpoint.%s.access".formatted(id);', 'src/Resolver.java'],
      ['X_SHADOWPASSWD = "shadow.passwd" // pwd.h', 'lib/pwd_linux.go'],
      ['SchemeHTTPKey = "wire.api#httpApiKeyAuth"', 'auth/scheme.go'],
      ['"androidx.credentials:credentials",', 'build/Deps.kt'],
    ],
    positives: [
      [`${PW} = "correct.horse.battery"`, 'app/settings.py'],
      [`AUTH_TOKEN = "${rnd(8, 1)}.${rnd(10, 2)}.${rnd(9, 3)}"`, 'app/settings.py'],
    ],
  },
  {
    shape: 'HTTP header names',
    negatives: [
      ['private static final String HEADER_AUTH_TOKEN = "Acme-Installations-Auth";', 'src/Rpc.java'],
      ['HeaderSecurityToken = "X-Acme-Security-Token"', 'oss/const.go'],
      ['CORS_ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials"', 'http/constants.go'],
    ],
    positives: [[`API_SECRET = "X-${rnd(6, 4)}-${rnd(6, 5)}-${rnd(6, 6)}"`, 'app/settings.py']],
  },
  {
    shape: 'type annotations and class names',
    negatives: [
      ['    authToken: ClientAuth.GetTokenResult?,', 'core/Metadata.kt'],
      ['    loginCredential: LoginCredential?,', 'gradle/Api.kt'],
      ['type VecToken = TVec3Token', 'lib/sqlite.go'],
      ['const credKind = "ClientPasswordCredential"', 'azidentity/cred.go'],
    ],
    positives: [
      [`DB_${PW.toUpperCase()}=Summer2024?`, '.env'],
      [`password = "${mixed(14, 7)}"`, 'app/settings.py'],
    ],
  },
  {
    shape: 'pointer dereferences, negations, PHP class constants and namespaces, subscripts',
    negatives: [
      ['        SecretKey: *resp.Credentials.SecretKey,', 'providers/sts.go'],
      ['        BearerToken: *flagBearerToken,', 'cmd/main.go'],
      ['    conn.usePassword = !conn.usePassword', 'swift/auth.go'],
      ["    'legacy_password' => LegacyCaster::class.':sha1',", 'tests/CastTest.php'],
      ["$this->assertSame('Acme\\Http\\Middleware\\ConfirmPassword:route.name', $sig);", 'tests/MiddlewareTest.php'],
      ['in: `{job="x"} | json api_key="request.headers[\\"X-KEY\\"]"`,', 'logql/parser_test.go'],
    ],
    positives: [[`DB_PASS=*${mixed(10, 8)}`, '.env']],
  },
  {
    shape: 'hex constants, OIDs, URNs',
    negatives: [
      ['\tSIOCGPASSTOKEN                 = -0x3f8796aa', 'unix/zerrors_solaris.go'],
      ['const szOID_challengePassword = "1.2.840.113549.1.9.7"', 'lib/oids.go'],
      ['grantTypeAPIKey = "urn:acme:params:oauth:grant-type:apikey"', 'core/iam.go'],
    ],
    positives: [
      [`PRIVATE_KEY=0x${rnd(64, 9, HEX)}`, '.env'],
      [`secret_key = "2.${rnd(12, 10)}"`, 'app/settings.py'],
    ],
  },
  {
    shape: 'identifiers ending a sentence, with digits, or a label',
    negatives: [
      ['// * Session Token:      ACME_SESSION_TOKEN.', 'credentials/env.go'],
      ['s3ExpressAuthKey = "s3_disable_express_session_auth"', 'config/shared.go'],
      ['const credential = "Credential="', 'signer/v4.go'],
    ],
    positives: [[`secret = "${rnd(3, 11).toLowerCase()}7_${rnd(3, 12).toLowerCase()}2_${rnd(3, 13).toLowerCase()}9"`, 'app/settings.py']],
  },
  {
    shape: 'Laravel validation rules and command-line option names',
    negatives: [
      ["return ['password' => 'required|confirmed'];", 'tests/FormRequestTest.php'],
      ["$v = new Validator($t, ['password' => 'x'], ['password' => 'current_password:admin']);", 'tests/ValidatorTest.php'],
      ["], ['items.*.password' => 'confirmed']);", 'tests/ValidatorTest.php'],
      ["'password' => '--password='.$config['password'],", 'src/DbCommand.php'],
    ],
    positives: [
      [`'password' => 'min:${mixed(10, 14)}',`, 'config/db.php'],
      [`password = "--${mixed(11, 15)}"`, 'app/settings.py'],
    ],
  },
  {
    shape: 'stand-ins made of credential words, keyboard walks (weak passwords people type are still reported)',
    negatives: [
      ['"identitytoken": "tokenvalue"', 'docker/auth.json'],
      ["- 'LDAP_ADMIN_PASSWORD=anotherpassword'", 'compose.yaml'],
      ['loadContext("mail.sendgrid.api-key:SG.SECRET-API-KEY");', 'src/MailTests.java'],
      ["'password' => 'direct-password',", 'tests/ConnTest.php'],
      ['public static final String REFRESH = "1:test-refresh-token";', 'src/Constants.java'],
      ['password="adminsecret"', 'kafka/jaas.conf'],
      ["'password' => 'qwerasdf1234zxcv',", 'tests/UrlParserTest.php'],
      ['auth = DigestAuth(username="Mufasa", password="CircleOfLife")', 'tests/test_auth.py'],
      ['secret_access_key: s3_secret_access_key', 'docs/s3.yaml'],
    ],
    positives: [
      ['PGPASSWORD="Welcome1!"', 'deploy.sh'],
      [`test${PW} = "${PW}1",`, 'gradle/OptionsTest.kt'],
      [`vm_${PW} = "Pass123!@#"`, 'app/settings.py'],
      [`${PW} = "super$ecret"`, 'app/settings.py'],
      ['redis-cli -a ' + 'R3dis-Auth-5 ping', 'ops/health.sh'],
      [`'${PW}' => 'Forge123',`, 'config/db.php'],
      [`password = "token-${mixed(12, 16)}"`, 'app/settings.py'],
      [`'password' => 'qwer${mixed(10, 17)}',`, 'config/db.php'],
    ],
  },
  {
    shape: 'base64 of placeholders',
    negatives: [
      [`ClientSecret: "${b64('example-app-secret')}",`, 'gateway/build_test.go'],
      [`const val FALLBACK_TOKEN = "${b64('{"error":"UNKNOWN_ERROR"}')}"`, 'core/Globals.kt'],
    ],
    positives: [
      [`ClientSecret: "${Buffer.from(rnd(24, 18)).toString('base64')}",`, 'gateway/build.go'],
      [`const val API_TOKEN = "${mixed(30, 19)}"`, 'core/Globals.kt'],
    ],
  },
  {
    shape: 'pagination cursors and escaped bytes of generated descriptors',
    negatives: [
      [`Url:https://storage.acme.dev/v0/b/x/o?prefix=dir%2F&pageToken=${b64('dir/data17.dat' + rnd(6, 20))}`, 'res/network.txt'],
      [`Page Token:${b64('smallDir/data26.dat')}`, 'res/task.txt'],
      [`  "nextPageToken": "${b64('dir/data' + rnd(20, 21))}",`, 'res/list.json'],
      ['\t"\\x06secret\\x18\\x03 \\x01(\\v2\\x14.google.protobuf.AnyR\\x06secret:9\\x9a\\x1e4\\n" +', 'admin/v3/dump.pb.go'],
    ],
    positives: [
      [`Url:https://api.acme.dev/v1/items?access_token=${mixed(32, 22)}`, 'res/network.txt'],
      [`\tapiSecret := "${mixed(24, 23)}" // \\x01\\x02\\x03`, 'cmd/main.go'],
    ],
  },
  {
    shape: 'URL credentials on reserved example hosts, Basic auth of a stand-in pair, percent-encoded test vectors',
    negatives: [
      ['url = "https://user:password123@example.org/"', 'tests/test_auth.py'],
      ['"https://someone%40mail.com:a%20secret@www.example.com",', 'tests/test_url.py'],
      ['.parse("r2dbc:postgresql://user-1:password-1@db.example.com:5432/app");', 'src/R2dbcTests.java'],
      ['withPropertyValues("spring.data.redis.url:redis://:pass:word@example:33")', 'src/RedisTests.java'],
      [`    "authorization": "Basic ${b64('username:password')}",`, 'tests/test_headers.py'],
      ['    "password": "%60%7B%7D",', 'tests/whatwg.json'],
    ],
    positives: [
      [`git clone https://deploy:${mixed(14, 24)}@git.example.com/team/app.git`, 'README.md'],
      [`ARTIFACTS=https://ci:${mixed(12, 25)}@nexus.acme.io/repo`, '.env'],
      [`curl -H "Authorization: Basic ${b64('deploy:' + mixed(12, 26))}" https://ci.acme.io`, 'ci.sh'],
      [`DATABASE_URL=mysql://app:${mixed(12, 27)}%21@db.acme.io/app`, '.env'],
    ],
  },
  {
    shape: 'tokens inside base64 data, private keys without a body',
    negatives: [
      [`<svg><image href="data:image/png;base64,${rnd(700, 28, B64)}+EAA${rnd(110, 29)}/${rnd(5000, 30, B64)}"/></svg>`, 'docs/diagram.svg'],
      [`${rnd(900, 31, B64)}/EAA${rnd(110, 32)}+${rnd(900, 33, B64)}`, 'docs/blob.txt'],
      ['  "private_key": "-----BEGIN PRIVATE KEY-----\\nSOMETHING\\n-----END PRIVATE KEY-----\\n",', 'bucket/client_test.go'],
    ],
    positives: [
      [`FACEBOOK_PAGE_TOKEN=EAA${mixed(120, 34)}`, '.env'],
      [`  "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvAIBADANBgkqhkiG9w0BAQEFAASC${rnd(32, 35, B64)}\\n${rnd(64, 36, B64)}\\n${rnd(64, 37, B64)}\\n-----END PRIVATE KEY-----\\n",`, 'keys/sa.json'],
    ],
  },
  {
    shape: 'lower-case words with a credential word inside (docs and test stand-ins), Ruby instance variables',
    negatives: [
      [`chef_attrs['db_${PW}'] = "secure-sql-${PW}"`, 'doc/settings/database.md'],
      [`#     ${PW}: '_the_${PW}_of_the_bind_user'`, 'files/app.rb.template'],
      ["  master_password: 'too_many_secrets'", 'spec/recipes/rails_spec.rb'],
      ["  gitaly: { address: 'tcp://localhost:8123', token: 'token_1234' }", 'spec/recipes/gitaly_spec.rb'],
      [`req['PRIVATE-TOKEN'] = ${'@'}access_token`, 'lib/build/trigger.rb'],
      [`    ${PW}: c2VjdXJlLXBhc3N3b3Jk  # base64 of a stand-in`, 'docs/ratelimit.md'],
    ],
    positives: [
      [`chef_attrs['db_${PW}'] = "${mixed(16, 50)}"`, 'config/settings.rb'],
      [`  master_password: 'Kq7vmZ${rnd(10, 51)}'`, 'config/secrets.yml'],
      [`req['PRIVATE-TOKEN'] = '${mixed(20, 52)}'`, 'lib/build/trigger.rb'],
      [`    ${PW}: ${b64('Wq4#nP8' + mixed(10, 53))}`, 'deploy/secret.yaml'],
    ],
  },
  {
    shape: 'interface text and translations under credential keys, Rails route targets',
    negatives: [
      [`  ${PW}: 'Wachtwoord:'`, 'config/locales/nl.yml'],
      ['  client_secret: Klient-hemmelighed', 'config/locales/da.yml'],
      ['  user_token: Användarnyckel', 'config/locales/sv.yml'],
      ['  unknown_token: 確認碼已經過期或不存在。', 'config/locales/zh-TW.yml'],
      [`get "forgot-${PW}" => "${PW}s#new"`, 'config/routes.rb'],
    ],
    positives: [
      [`  secret: "staging#${rnd(8, 63, 'abcdefghijklmnopqrstuvwxyz')}"`, 'config/jwt.yml'],
      [`  ${PW}: 'Wq4${mixed(10, 54)}:'`, 'config/app.yml'],
      [`  client_secret: Kl${mixed(16, 55)}-hem`, 'config/app.yml'],
      [`  ${PW}: Pässw${mixed(10, 56)}`, 'config/app.yml'],
    ],
  },
  {
    shape: 'a password that is the user name on the same line; placeholders in camelCase; certificates',
    negatives: [
      ['osmosis --wd host=db database=maps user=mapper password=mapper', '.github/workflows/docker.yml'],
      ["CREATE USER mapper SUPERUSER PASSWORD 'mapper';", 'docker/postgres-init.sh'],
      [`"Default": "Host=localhost;Database=Shop;Username=postgres;${PW}=yourWeak(!)${PW[0]!.toUpperCase() + PW.slice(1)}"`, 'src/appsettings.Development.json'],
      [`kind: Secret\ndata:\n  tls.crt: ${b64('-----BEGIN CERTIFICATE-----\n' + rnd(64, 57, B64) + '\n-----END CERTIFICATE-----\n')}\n  ca.crt: ${b64('TESTROOTCA' + rnd(4, 58))}`, 'fixtures/secret.yml'],
    ],
    positives: [
      [`osmosis --wd host=db database=maps user=mapper password=${mixed(14, 59)}`, 'scripts/import.sh'],
      [`CREATE USER mapper SUPERUSER PASSWORD '${mixed(14, 60)}';`, 'db/init.sql'],
      [`kind: Secret\ndata:\n  tls.key: ${b64('-----BEGIN PRIVATE KEY-----\nMIIEvAIBADANBgkqhkiG9w0BAQEFAASC' + rnd(64, 61, B64) + '\n' + rnd(64, 62, B64) + '\n-----END PRIVATE KEY-----\n')}`, 'k8s/tls.yml'],
    ],
  },
  {
    shape: 'URL passwords made of credential words, whatever URI rule finds them (tests of connection settings)',
    negatives: [
      [`redis_url: "redis://:fake${'pass'}@fake.redis.shared.com:8888/2",`, 'spec/recipes/rails_spec.rb'],
      [`"rediss://:workhorse-sentinel-${PW}@10.0.0.1:26379",`, 'spec/libraries/workhorse_spec.rb'],
      [`content = 'Sentinel = ["redis://:some%20${'pass'}@127.0.0.1:26379"]'`, 'spec/recipes/workhorse_spec.rb'],
      [`quarkus.mongodb.connection-string: mongodb://DB_USER:DB_${PW.toUpperCase()}@mongodb:27017`, 'charts/nessie/README.md'],
      [`url = "amqp://root:${PW}@otherhost"`, 'src/test/RabbitTests.java'],
    ],
    positives: [
      [`redis_url: "redis://:${mixed(16, 60)}@cache.internal:6379/2",`, 'config/resque.yml'],
      [`url = "amqp://root:${mixed(14, 61)}@mq.internal"`, 'src/main/Rabbit.java'],
    ],
  },
  {
    shape: 'base64 of a stand-in in a Kubernetes Secret or a Basic header (a random token decodes to bytes, not words)',
    negatives: [
      [`apiVersion: v1\nkind: Secret\nmetadata:\n  name: plugin\ndata:\n  key: ${b64('this_is_the_' + 'secret')}`, 'fixtures/read_secret.yml'],
      [`apiVersion: v1\nkind: Secret\nmetadata:\n  name: plugin\ndata:\n  key1: ${b64('admin_' + PW)}`, 'fixtures/read_array.yml'],
      [`    Authorization: Basic ${b64('example:example')} # client id and secret`, 'docs/middlewares/introspection.md'],
    ],
    positives: [
      [`apiVersion: v1\nkind: Secret\nmetadata:\n  name: plugin\ndata:\n  key: ${b64(mixed(18, 62))}`, 'k8s/secret.yml'],
      [`    Authorization: Basic ${b64('svc-sync:' + mixed(16, 63))}`, 'docs/api.md'],
    ],
  },
  {
    shape: 'names a tool substitutes, jsonnet references, printf formats, leetspeak placeholders, filler text, md5 stand-ins',
    negatives: [
      ['vcenter_password: @VMWARE_PASSWORD', 'test/config/cloud-config-vcenter.ini.template'],
      ['    secret_access_key: $._config.s3_secret_access_key,', 'production/ksonnet/config.libsonnet'],
      ["    self._omit_token = '__omit_place_holder__%s' % sha1(os.urandom(64)).hexdigest()", 'lib/vars/manager.py'],
      [`gitlab_rails['smtp_${PW}'] = "Y0uR_Pass_H3r3"`, 'doc/settings/smtp.md'],
      ['    "access_token": "loremipsumdolorsitametenim",', 'tests/backends/test_phab.py'],
      ["    database_restore_password: 'md5restorepassword',", 'spec/templates/pg_hba_spec.rb'],
      ["    token: '123s3cr3t456',", 'spec/recipes/forti_spec.rb'],
      ["    'auth_key': 'abc123def456',", 'tests/test_views.py'],
      [`      "CI_JOB_TOKEN=${['NOT', 'CI', 'JOB', 'TOKEN'].join('-')}\\n"`, 'spec/lib/build/image_spec.rb'],
    ],
    positives: [
      [`vcenter_password: @${mixed(14, 64)}`, 'test/config/cloud-config.ini'],
      [`gitlab_rails['smtp_${PW}'] = "${mixed(14, 65)}"`, 'config/gitlab.rb'],
      [`    database_restore_password: 'md5${rnd(32, 66, HEX)}',`, 'config/pg.rb'],
      [`    token: '${mixed(16, 67)}',`, 'config/gitaly.rb'],
    ],
  },
  {
    shape: "Debian's dist-packages: published API examples, presigned URLs, encoded key runs, filter chains, home-row mashes",
    negatives: [
      // awscli's examples/**/*.rst and botocore's examples-1.json: sample requests and outputs.
      [`    "OldPassword": "${mixed(14, 70)}",`, 'awscli/examples/iam/change-password.rst'],
      [`    "ServicePassword": "${rnd(43, 71, B64)}=",`, 'awscli/examples/iam/reset-service-specific-credential.rst'],
      [`          "Password": "${mixed(12, 72)}",`, 'botocore/data/iam/2010-05-08/examples-1.json'],
      // The key ID of a presigned URL (its secret key signed it elsewhere).
      [`"downloadUrl": "https://b.s3.amazonaws.com/l?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${'AKIA' + rnd(16, 73, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}%2F20190814%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Signature=${rnd(64, 74, HEX)}"`, 'docs/layer.md'],
      [`headers={"Cookie": "_oauth_request_token=${b64('zxcv')}|${b64('1234')}"},`, 'tornado/test/auth_test.py'],
      [`    >>> token = 'variable|default:"Default value"|date:"Y-m-d"'`, 'django/template/base.py'],
      ["                'access_token': 'askfjh234as9sd8',", 'oauthlib/oauth2/rfc6749/request_validator.py'],
      ['DATABASE_URL=mysql://user:%23' + PW + '@127.0.0.1:3306/dbname', 'docs/README.rst'],
      ['    conn = psycopg2.connect("dbname=test user=postgres ' + PW + '=secret")', 'psycopg2/__init__.py'],
    ],
    positives: [
      // The same values outside an examples/ folder, and a vendor token inside one.
      [`    "OldPassword": "${mixed(14, 70)}",`, 'awscli/customizations/iam.rst'],
      [`AWS_ACCESS_KEY_ID=${'AKIA' + rnd(16, 75, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`, 'examples/deploy/README.md'],
      [`aws_access_key_id = "${'AKIA' + rnd(16, 73, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}"  # X-Amz-Credential= below`, 'app/settings.py'],
      [`headers={"Cookie": "_oauth_request_token=${b64(mixed(12, 76))}|${b64(mixed(12, 77))}"},`, 'app/client.py'],
      [`    'access_token': 'askfjh234as9sd8${rnd(6, 78, 'qwertyuiopzxcvbnm')}',`, 'app/client.py'],
      ['DATABASE_URL=mysql://user:%23' + PW + '7Q@127.0.0.1:3306/dbname', 'deploy/.env'],
      ['    conn = psycopg2.connect("dbname=test user=postgres ' + PW + '=Xt7-pump-22")', 'app/db.py'],
    ],
  },
  {
    shape: 'payload: the client user flag, phrases with signs, test counters with a sign',
    negatives: [
      ['PGPASSWORD=payload psql -h localhost -p 5433 -U payload -c "CREATE DATABASE w1;"', 'docs/SKILL.md'],
      [`    ${PW}: 'this-is-not-our-${PW}...or-is-it?',`, 'docs/operations.mdx'],
      [`    body: JSON.stringify({ email: 'a@b.com', ${PW}: 'test123!' }),`, 'test/auth/int.spec.ts'],
    ],
    positives: [
      [`PGPASSWORD=${mixed(10, 80)} psql -U payload`, 'deploy/restore.sh'],
      [`    ${PW}: 'this-is-not-our-Pass...or-is-it7?',`, 'app/seed.ts'],
      [`    ${PW}: 'Test123!',`, 'app/seed.ts'],
    ],
  },
  {
    shape: 'wagtail, prisma: a test suite\'s Django password hashes under password, a versioned type id under token',
    negatives: [
      [`    "${PW}": "md5$seasalt$${rnd(32, 84, HEX)}",`, 'wagtail/test/customuser/fixtures/test.json'],
      ["    entries: { table: { users: table({ id: 'pg/int4@1', token: 'pg/varchar@1' }) } },", 'test/registry.test.ts'],
    ],
    positives: [
      [`    "${PW}": "md5-${mixed(14, 89)}",`, 'config/settings.json'],
      [`    token: 'pg/${mixed(12, 93)}@1',`, 'src/client.ts'],
    ],
  },
  {
    shape: 'google-cloud-sdk and /usr/include: labels, generated class names, signed URL scopes, printf formats, JWT part names, framed stand-ins, oauthlib docstrings',
    negatives: [
      ['REQUEST_TYPE_ACCESS_TOKEN = "auth-request-type/at"', 'google/auth/metrics.py'],
      ["        'secret': 'V1SecretVolumeSource',", 'kubernetes/client/models/v1_volume.py'],
      ["    '&x-goog-credential=fake_service_account_email%2F19000101%2Fus-'", 'gslib/tests/signurl_signatures.py'],
      ["        'X-Amz-Credential': '%s/%s/%s/%s/aws4_request' % (", 'boto/auth.py'],
      ['    "id_token": "HEADER.PAYLOAD.SIGNATURE",', 'docs/user-guide.rst'],
      [`CLIENT_SECRET = "some+client+secret"`, 'samples/oauth2_for_devices.py'],
      [`  ${PW.toUpperCase()} = '##invalid-${PW}##'`, 'gslib/tests/test_context_config.py'],
      ["        'Credentials:gs_host_header=' + gs_host, '-o',", 'gslib/tests/test_perfdiag.py'],
      ["    'oauth_token_secret': 'lsdajfh923874',", 'requests_oauthlib/oauth1_session.py'],
      ['    case token::EXPRESSION:', 'boost/spirit/lexer/parser.hpp'],
      ['    /// of a string to be lexed as an AsmToken::Identifier.', 'llvm/MC/MCAsmInfo.h'],
      ['    _password = _messages.StringField(1)', 'apis/apigee/v1/apigee_v1_messages.py'],
      ['  # behavior is dependent on the absence of the MasterAuth struct. For this', 'api_lib/container/api_adapter.py'],
      ["  '# Your initial " + PW + ' is "notasecret" - for more\\n\'', 'gslib/commands/config.py'],
      ["        'proxy_pass': 'CLOUDSDK_PROXY_PASSWORD_value',", 'gslib/tests/test_shim_util.py'],
      ['      credentials: oauth2client.client.OAuth2Credentials.', 'core/credentials/creds.py'],
      ["PREFERRED_AUTH_KEY = 'spec.preferredAuthentication'", 'anthos/common/file_parsers.py'],
    ],
    positives: [
      [`REQUEST_TOKEN = "auth-${mixed(10, 94)}/at"`, 'app/settings.py'],
      [`        'secret': 'V1${mixed(16, 95)}',`, 'app/settings.py'],
      [`CLIENT_SECRET = "some+${mixed(12, 96)}"`, 'app/settings.py'],
      [`    'oauth_token_secret': 'lsdajfh${mixed(9, 97)}',`, 'app/client.py'],
      [`//registry.npmjs.org/:_password=${Buffer.from(mixed(14, 98)).toString('base64')}`, '.npmrc'],
      [`masterauth ${mixed(14, 99)}`, 'redis.conf'],
      [`        'proxy_pass': 'CLOUDSDK_${mixed(12, 100)}',`, 'app/settings.py'],
    ],
  },
  {
    shape: 'rails, netbox tests: the shifted digit row typed whole, an xxx mark inside a short value',
    negatives: [
      [`  if user == 'login' && ${PW} == 'pwd:!@#$%^&*()_+{}[];"\\',./<>?\`~ \\n'`, 'test/controller/basic_auth_test.rb'],
      [`        '${PW}': 'pass1xxxABCD',`, 'users/tests/test_views.py'],
    ],
    positives: [
      [`  if user == 'login' && ${PW} == 'Pw:!@#$%^&*${mixed(8, 82)}'`, 'app/auth.rb'],
      [`        '${PW}': 'pass1xx${mixed(9, 83)}',`, 'app/settings.py'],
    ],
  },
  {
    shape: 'tests and docs (fastapi, requests, netbox, payload, express boilerplates, pip docs): stand-in passwords under any rule; elsewhere they stay reported',
    negatives: [
      [`    response = client.get("/users/me", auth=("alice", "${SWORD}"))`, 'tests/test_tutorial/test_security.py'],
      [`      .send({ ${PW}: '${PW}2' })`, 'tests/integration/auth.test.js'],
      [`    data: { email: 'user@example.com', ${PW}: 'P${PW.slice(1)}123' },`, 'test/auth/int.spec.ts'],
      [`    ${PW}: 'wrongP${PW.slice(1)}1',`, 'src/users/users.spec.ts'],
      [`  pwd: "mongotP${PW.slice(1)}",`, 'test/__helpers/db/entrypoint.sh'],
      [`    expect(redact('postgres://alice:${'hunt' + 'er2'}@localhost:5432')).toBe(`, 'packages/cli/test/probe-db.test.ts'],
      [`        f.write("machine pypi.company.com login user ${PW} ${'qwe' + 'rty'}\\n")`, 'tests/test_utils.py'],
      [`    "${PW}": "P4ssW0rd",`, '.vib/opencart/cypress/fixtures/customers.json'],
    ],
    positives: [
      [`response = client.get("/users/me", auth=("alice", "${SWORD}"))`, 'app/client.py'],
      [`      .send({ ${PW}: '${mixed(12, 120)}' })`, 'tests/integration/auth.test.js'],
      [`machine pypi.company.com login user ${PW} ${'qwe' + 'rty'}`, 'docs/html/topics/authentication.md'],
      [`    "${PW}": "P4ssW0rd",`, '.vib/opencart/config/customers.json'],
      [`    expect(redact('postgres://alice:${mixed(12, 122)}@localhost:5432')).toBe(`, 'packages/cli/test/probe-db.test.ts'],
    ],
  },
  {
    shape: "git-lfs, airflow, bitnami: a notarization tool's @env: reference, a sentence glued in place of a token, the service's name from its own key, a format field, a Helm value's path",
    negatives: [
      [`    "${PW}": "@env:DARWIN_DEV_PASS",`, 'script/macos/manifest.json'],
      [`    "${PW}": "@keychain:AC_${PW.toUpperCase()}",`, 'script/macos/manifest.json'],
      [`    "Authorization": "Bearer someauthorization${'tok' + 'en'}willbesethere"`, 'src/transfer.go'],
      [`      _AIRFLOW_WWW_USER_${PW.toUpperCase()}: \${_AIRFLOW_WWW_USER_${PW.toUpperCase()}:-airflow}`, 'docker-compose.yaml'],
      [`    "${PW}": "{VIB_ENV_S3_${PW.toUpperCase()}}",`, '.vib/wordpress/vib-publish.json'],
      [`    "secret_access_key": "{s3_secret_access_key}",`, 'deploy/publish.json'],
      [`            - name: POSTGRES_INITDB_${PW.toUpperCase()}\n              value: .Values.initdb${PW.slice(0, 1).toUpperCase()}${PW.slice(1)}`, 'upstreamed/postgresql/templates/statefulset.yaml'],
    ],
    positives: [
      [`    "${PW}": "@${mixed(14, 123)}",`, 'script/macos/manifest.json'],
      [`    "Authorization": "Bearer ${mixed(24, 124)}here"`, 'src/transfer.go'],
      [`      _AIRFLOW_WWW_USER_${PW.toUpperCase()}: \${_AIRFLOW_WWW_USER_${PW.toUpperCase()}:-${mixed(12, 125)}}`, 'docker-compose.yaml'],
      [`    "${PW}": "{${mixed(14, 127)}}",`, '.vib/wordpress/vib-publish.json'],
    ],
  },
  {
    shape: 'keystone, gokrb5, express, django-rest-framework, medusa histories: a regex literal, a key name after a package prefix, seed-data naming, a Basic pair in tests or with user = password, the hex digits in order, digits counting down, an escaped quote after the value',
    negatives: [
      ['    var autoToken = /\\s?auto?\\s?/i', 'public/js/lib/bootstrap/tooltip.js'],
      // A class escape makes it a pattern in any file (a gate mode judges no path).
      ['    autoToken: /\\s?auto?\\s?/i', 'docs/tooltip-options.yaml'],
      // secret-sweep:allow (the next line: a constant's name as its value, a negative under a vendor path)
      ['\tAttributeKeyADCredentials = "gokrb5AttributeKeyADCredentials"', 'vendor/github.com/jcmturner/gokrb5/credentials/credentials.go'],
      [`    ${PW}: '${PW}organiser1',`, 'demo-projects/meetup/initialData.js'],
      [`      .set('Authorization', 'Basic ${b64('tobi:' + 'ferret')}')`, 'test/req.auth.js'],
      [`> Authorization: Basic ${b64('max:' + 'max')}`, 'docs/topics/api-clients.md'],
      [`curl -X POST -H "Authorization: Token ${'0123456789abcdef'.repeat(2)}" http://my.api.org/`, 'docs/api-guide/authentication.md'],
      [`api_key: "${'1234567890abcdef'.repeat(2)}"`, 'docs/setup.md'],
      ['NEXTAUTH_SECRET=use_openssl_rand_base64_32', '.env.example'],
      [`      "${PW}": "shouldbehashed",`, 'tests/main.py'],
      [`    "conn = psycopg2.connect(\\"host=127.0.0.1 dbname=sparkifydb user=student ${PW}=student\\")\\n",`, 'L2_relational_data_models/etl.ipynb'],
      [`    ${PW}: "${'98765' + '4321'}",`, 'packages/medusa/src/api/routes/admin/users/set-password.js'],
      [`    repmgrP${PW.slice(1)}: repmgrP${PW.slice(1)}123!4`, '.vib/postgresql-ha/goss/repmgr/vars.yaml'],
      [`kind: Secret\ndata:\n  mariadb-${PW}: ${b64('value-2\r\n')}`, '_docs/authoring-kubernetes-manifests.md'],
    ],
    positives: [
      [`    var autoToken = '/${mixed(14, 130)}/i'`, 'public/js/lib/bootstrap/tooltip.js'],
      [`    AUTH_TOKEN = /${mixed(14, 131)}/`, 'config/settings.env'],
      [`\tAttributeKeyADCredentials = "gokrb5${mixed(24, 132)}"`, 'vendor/github.com/jcmturner/gokrb5/credentials/credentials.go'],
      [`    ${PW}: '${PW}${mixed(10, 133)}',`, 'demo-projects/meetup/initialData.js'],
      [`  ${PW}        => 'thisismy${PW}',`, 'manifests/db.pp'],
      [`    "conn = psycopg2.connect(\\"host=127.0.0.1 dbname=sparkifydb user=student ${PW}=${mixed(12, 136)}\\")\\n",`, 'L2_relational_data_models/etl.ipynb'],
      [`    ${PW}: "${'98765' + rnd(8, 137, HEX)}",`, 'packages/medusa/src/api/routes/admin/users/set-password.js'],
      [`    repmgrP${PW.slice(1)}: repmgr${mixed(10, 138)}!4`, '.vib/postgresql-ha/goss/repmgr/vars.yaml'],
      [`kind: Secret\ndata:\n  mariadb-${PW}: ${b64(mixed(12, 139))}`, '_docs/authoring-kubernetes-manifests.md'],
      [`      .set('Authorization', 'Basic ${b64('tobi:' + mixed(12, 134))}')`, 'test/req.auth.js'],
      [`curl -X POST -H "Authorization: Token ${'0123456789abcdef'.repeat(2).slice(0, 20)}${rnd(20, 135, HEX)}" http://my.api.org/`, 'docs/api-guide/authentication.md'],
      [`api_key: "${'1234567890abcdef' + rnd(16, 149, HEX)}"`, 'docs/setup.md'],
      [`NEXTAUTH_SECRET=use_${mixed(24, 150)}`, '.env.example'],
    ],
  },
  {
    shape: "payload's history: a CSS custom property, a lock file's version read by a gate, a replica's password named after its user",
    negatives: [
      ["    const WARNING_BACKGROUND_TOKEN = '--theme-warning-150'", 'test/admin/e2e/banner/e2e.ts'],
      ['    gtoken: 7.1.0(encoding@0.1.13)', 'deps/lock.yaml'],
      [`until PG${PW.toUpperCase()}=replicator_${PW} pg_isready -h postgres-primary -p 5432 -U replicator; do`, 'helpers/setup-replica.sh'],
      [`primary_conninfo = 'host=postgres-primary port=5432 user=replicator ${PW}=replicator_${PW}'`, 'helpers/setup-replica.sh'],
    ],
    positives: [
      [`    const WARNING_BACKGROUND_TOKEN = '--${mixed(14, 140)}'`, 'src/theme.ts'],
      [`    gtoken: 7.1.0${mixed(12, 141)}`, 'deps/config.yaml'],
      [`until PG${PW.toUpperCase()}=replicator_${PW} pg_isready -h postgres-primary -p 5432 -U postgres; do`, 'helpers/setup-replica.sh'],
      [`primary_conninfo = 'host=postgres-primary port=5432 user=replicator ${PW}=${mixed(12, 142)}'`, 'helpers/setup-replica.sh'],
    ],
  },
  {
    shape: 'prisma, requests, pip, cookiecutter histories: a non-null property read, a @@marker@@, a (user, user) pair, a MySQL grant to the password\'s own user, GitHub\'s token-auth password, a relative path',
    negatives: [
      ['    const dbCredentials = state.dbCredentials!', 'cli/introspection/screens/Step1.tsx'],
      ["    const DIM_TOKEN = '@@__DIM_POINTER__@@'", 'src/utils/printJsonErrors.ts'],
      ["    auth = ('requeststest', 'requeststest')", 'test_requests.py'],
      [`GRANT ALL PRIVILEGES ON petclinic.* TO 'petclinic@%' IDENTIFIED BY 'petclinic';`, 'src/main/resources/db/mysql/user.sql'],
      ["        'https://%s:x-oauth-basic@github.com/user/%s/archive/master.zip'", 'tests/unit/test_req_file.py'],
      ['      "pass": "applications/fastapi"', 'config/config.json'],
    ],
    positives: [
      [`    const dbCredentials = "${mixed(14, 143)}!"`, 'cli/introspection/screens/Step1.tsx'],
      [`    const DIM_TOKEN = '@@${mixed(14, 144)}@@'`, 'src/utils/printJsonErrors.ts'],
      [`    auth = ('requeststest', '${mixed(12, 145)}')`, 'test_requests.py'],
      [`GRANT ALL PRIVILEGES ON petclinic.* TO 'petclinic@%' IDENTIFIED BY '${mixed(12, 148)}';`, 'src/main/resources/db/mysql/user.sql'],
      [`        'https://deploy:${mixed(14, 146)}@github.com/user/repo/archive/master.zip'`, 'scripts/fetch.py'],
      [`      "pass": "applications/${mixed(14, 147)}"`, 'config/config.json'],
    ],
  },
];

describe('non-secret values of real code are not reported; secrets of a similar shape are', () => {
  for (const s of SHAPES) {
    describe(s.shape, () => {
      for (const [line, path] of s.negatives) {
        it(`not reported: ${line.slice(0, 90)}`, () => {
          expect(findings(line, path).map((f) => `${f.rule} ${f.redacted}`)).toEqual([]);
        });
      }
      for (const [line, path] of s.positives) {
        it(`reported: ${path} (${line.length} chars)`, () => {
          expect(findings(line, path).length).toBeGreaterThan(0);
        });
      }
    });
  }
});

describe('Django / Werkzeug password hashes outside a test suite', () => {
  it('are reported by their hash rule only, not as a password (migrate lists them to rotate and stores nothing)', () => {
    const hashes: Array<[string, string]> = [
      [`    "${PW}": "pbkdf2_sha256$600000$${rnd(22, 85)}$${rnd(43, 86, B64)}=",`, 'fixtures/users.json'],
      [`    ${PW}_hash = "scrypt:32768:8:1$${rnd(16, 87)}$${rnd(128, 88, HEX)}"`, 'app/seed.py'],
    ];
    for (const [line, path] of hashes) expect(findings(line, path).map((f) => f.rule), line).toEqual(['django-password-hash']);
  });
});

describe("jwt.io's sample tokens and an alphabet after a vendor prefix (trufflehog negatives)", () => {
  const jwt = (key: string, claims: object) => {
    const head = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${head}.${body}.${createHmac('sha256', key).update(`${head}.${body}`).digest('base64url')}`;
  };
  const claims = { sub: rnd(10, 90), name: 'Jo', iat: 1516239022 };
  it('a token signed with the debugger key is not reported; the same claims under another key are', () => {
    expect(findings(`token = "${jwt('a-string-secret-at-least-' + '256-bits-long', claims)}"`, 'docs/auth.md').map((f) => f.rule)).toEqual([]);
    expect(findings(`token = "${jwt(mixed(32, 91), claims)}"`, 'docs/auth.md').map((f) => f.rule)).toContain('jwt');
  });
  it("a token signed with jwt.io's former key is not reported in tests and docs; elsewhere, or under another key, it is", () => {
    const sample = jwt('your-256-' + 'bit-secret', claims);
    expect(findings(`    "Authorization": "Bearer ${sample}"`, 'tests/test_security.py').map((f) => f.rule)).toEqual([]);
    expect(findings(`token = "${sample}"`, 'docs/tutorial/oauth2-jwt.md').map((f) => f.rule)).toEqual([]);
    expect(findings(`token = "${sample}"`, 'src/config.ts').map((f) => f.rule)).toContain('jwt');
    expect(findings(`token = "${jwt(mixed(32, 126), claims)}"`, 'tests/test_security.py').map((f) => f.rule)).toContain('jwt');
  });
  it('da2- followed by the alphabet is a stand-in, a drawn AppSync key is reported', () => {
    expect(findings('const key = "da2-' + 'abcdefghijklmnopqrstuvwxyz";', 'src/api.ts')).toEqual([]);
    expect(findings(`const key = "da2-${rnd(26, 92, 'abcdefghijklmnopqrstuvwxyz0123456789')}";`, 'src/api.ts').length).toBeGreaterThan(0);
  });
});

describe('nonSecretValueReason', () => {
  const on = (secret: string, line: string, generic = true) => nonSecretValueReason({ secret, line, at: line.indexOf(secret), generic });
  it('judges vendor rules only on base64 data, example hosts, test vectors, walks, hollow keys and URL passwords', () => {
    expect(on('org.acme.NEW_TOKEN', 'k = "org.acme.NEW_TOKEN"', false)).toBeUndefined();
    expect(on('org.acme.NEW_TOKEN', 'k = "org.acme.NEW_TOKEN"', true)).toBe('config key or package name');
    expect(on('anotherpassword', 'password = "anotherpassword"', false)).toBeUndefined();
    expect(on('anotherpassword', 'password = "anotherpassword"', true)).toBe('stand-in made of credential words');
    // A URL's password is a password by its place, whatever rule (each database has its own URI rule) found it.
    const uri = 'amqp://root:' + 'anotherpassword@otherhost';
    expect(on('anotherpassword', uri, false)).toBe('stand-in made of credential words');
    const typed = mixed(12, 41);
    expect(on(typed, `amqp://root:${typed}@otherhost`, false)).toBeUndefined();
  });
  it('judges a vendor token neither by a certificate key name nor by an example host after it (gate round 6)', () => {
    const tail = 'Q7ZP3MWX2JRT5KLB'; // joined at run time: literals joined in the source are read joined (gate round 10)
    const id = 'AK' + 'IA' + tail;
    expect(on(id, `ca.crt: ${id}`, false)).toBeUndefined();
    expect(on(id, `ca.crt: ${id}`, true)).toBe('certificate or public key');
    expect(on(id, `contact = ${id}@example.com`, false)).toBeUndefined();
    expect(on(id, `url = "https://u:${id}@s3.test/"`, false)).toBeUndefined();
    const pad = 'A'.repeat(600);
    const blob = `${pad}/${id}/${pad}`;
    expect(nonSecretValueReason({ secret: id, line: blob, at: 601, generic: false })).toBe('inside base64 data');
    expect(nonSecretValueReason({ secret: id, line: blob, at: 601, generic: false, selfNamed: true })).toBeUndefined();
    // A URL rule's value (a database URI's password) is still judged by the host it is for.
    const pw = 'HUNTER' + '2X';
    const line = 'DB=postgres://app:' + pw + '@db.example.com/app';
    expect(nonSecretValueReason({ secret: pw, line, at: line.indexOf(pw), generic: false, urlRule: true })).toBe('credentials for an example host');
  });
  it('keeps a mixed-case password with digits on an example host (only the host may have been changed)', () => {
    const pw = mixed(12, 40);
    expect(on(pw, `https://deploy:${pw}@ci.example.com/`, false)).toBeUndefined();
  });
});
