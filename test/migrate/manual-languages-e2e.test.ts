/**
 * Languages without a rewriter (Go, PHP, Ruby, Java, C#): `migrate --apply` stores their values, leaves the
 * code as it is, and the report names the call that replaces each literal plus, once per language, the
 * function that reads a JSON secret's field through the AWS SDK. The Java edit is then made as the report
 * says and compiled with javac (against minimal stand-ins of the SDK and Jackson types the function uses,
 * with their real package names and signatures), so the suggested code is at least well-formed and typed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BIN, runAsync, TEST_AWS_ENV } from '../support/cli.js';
import { startSmServer, type SmServer } from '../support/sm-server.js';
import { removeReplacementDirs } from '../support/replacements.js';

// Built at run time: the project scans itself.
const PASSWORD = ['Hq7', 'vR2', 'pLx', '9Tz', 'Wd4'].join('');
const FILES: Record<string, string> = {
  'config.php': `<?php\n$db_host = "db.internal";\n$db_pass = "${PASSWORD}";\n$conn = new mysqli($db_host, "app", $db_pass, "shop");\n`,
  'db.go': `package main\n\nimport "database/sql"\n\nconst dbPassword = "${PASSWORD}"\n\nfunc open() (*sql.DB, error) { return sql.Open("postgres", "user=app password="+dbPassword) }\n`,
  'src/main/java/shop/Db.java': `package shop;\n\npublic class Db {\n    static final String PASSWORD = "${PASSWORD}";\n    public static void main(String[] a) { System.out.println(PASSWORD.length()); }\n}\n`,
};

/** The SDK and Jackson types the Java function touches, with their real packages and method shapes. */
const JAVA_STANDINS: Record<string, string> = {
  'software/amazon/awssdk/services/secretsmanager/SecretsManagerClient.java': `package software.amazon.awssdk.services.secretsmanager;
import software.amazon.awssdk.services.secretsmanager.model.*;
public interface SecretsManagerClient extends AutoCloseable {
  static SecretsManagerClient create() { throw new UnsupportedOperationException(); }
  GetSecretValueResponse getSecretValue(GetSecretValueRequest r);
  @Override void close();
}`,
  'software/amazon/awssdk/services/secretsmanager/model/GetSecretValueRequest.java': `package software.amazon.awssdk.services.secretsmanager.model;
public final class GetSecretValueRequest {
  public interface Builder { Builder secretId(String id); GetSecretValueRequest build(); }
  public static Builder builder() { throw new UnsupportedOperationException(); }
}`,
  'software/amazon/awssdk/services/secretsmanager/model/GetSecretValueResponse.java': `package software.amazon.awssdk.services.secretsmanager.model;
public final class GetSecretValueResponse { public String secretString() { return null; } }`,
  'com/fasterxml/jackson/databind/JsonNode.java': `package com.fasterxml.jackson.databind;
public abstract class JsonNode { public abstract JsonNode get(String field); public abstract String asText(); }`,
  'com/fasterxml/jackson/databind/ObjectMapper.java': `package com.fasterxml.jackson.databind;
public class ObjectMapper { public JsonNode readTree(String content) throws java.io.IOException { return null; } }`,
};

let srv: SmServer;
let dir: string;
let out: { code: number | null; stdout: string; stderr: string };
let md: string;
let report: { manual: Array<{ file: string; reason: string; suggestion?: string; secretName: string; jsonKey: string }> };

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'pipe' }).toString();

beforeAll(async () => {
  srv = await startSmServer();
  dir = mkdtempSync(join(tmpdir(), 'ss-manual-lang-'));
  for (const [f, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'legacy');
  out = await runAsync(process.execPath, [BIN, 'migrate', '.', '--app', 'shop', '--env', 'prod', '--endpoint-url', srv.endpoint, '--apply', '--yes'], { cwd: dir, env: TEST_AWS_ENV });
  md = readFileSync(join(dir, 'secret-sweep-migration.md'), 'utf8');
  report = JSON.parse(readFileSync(join(dir, 'secret-sweep-migration.json'), 'utf8'));
}, 60_000);

afterAll(async () => {
  await srv?.stop();
  if (dir) {
    removeReplacementDirs(dir);
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('migrate: code in languages without a rewriter', () => {
  it('stores the value, leaves the code, and names the call for each place', async () => {
    expect(out.code, out.stderr).toBe(0);
    const sm = new SecretsManagerClient({ endpoint: srv.endpoint, region: TEST_AWS_ENV.AWS_REGION, credentials: { accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY } });
    const stored = await sm.send(new GetSecretValueCommand({ SecretId: 'prod/shop/db' }));
    sm.destroy();
    expect(JSON.parse(stored.SecretString!)).toMatchObject({ password: PASSWORD });
    for (const f of Object.keys(FILES)) expect(readFileSync(join(dir, f), 'utf8')).toBe(FILES[f]);
    const byFile = new Map(report.manual.map((m) => [m.file, m]));
    expect(byFile.get('config.php')).toMatchObject({ reason: 'no rewriter for PHP code', secretName: 'prod/shop/db', jsonKey: 'password' });
    expect(byFile.get('config.php')!.suggestion).toContain("`secret_field('prod/shop/db', 'password')`");
    expect(byFile.get('db.go')!.suggestion).toContain('`secretField("prod/shop/db", "password")`');
    expect(byFile.get('src/main/java/shop/Db.java')!.suggestion).toContain('`Secrets.field("prod/shop/db", "password")`');
    for (const lang of ['PHP', 'Go', 'Java']) expect(md.split(`### Reading secrets in ${lang}\n`)).toHaveLength(2);
    expect(md).toContain('composer require aws/aws-sdk-php');
    expect(md).toContain('becomes a `var`');
    expect(md).not.toContain('### Reading secrets in Ruby');
    expect(md + JSON.stringify(report)).not.toContain(PASSWORD);
  });

  it('the Java edit made as the report says compiles', (ctx) => {
    if (spawnSync('javac', ['-version']).status !== 0) ctx.skip();
    const helper = /### Reading secrets in Java\n[\s\S]*?```java\n([\s\S]*?)```/.exec(md)?.[1];
    expect(helper).toMatch(/^\/\/ Secrets\.java\n/);
    const call = /`(Secrets\.field\([^`]*\))`/.exec(report.manual.find((m) => m.file.endsWith('Db.java'))!.suggestion!)![1]!;
    const src = join(dir, 'javac');
    for (const [f, text] of Object.entries(JAVA_STANDINS)) {
      mkdirSync(dirname(join(src, f)), { recursive: true });
      writeFileSync(join(src, f), text);
    }
    // The user's class, edited at the reported line, and the helper saved beside it (same package).
    writeFileSync(join(src, 'Db.java'), FILES['src/main/java/shop/Db.java']!.replace(`"${PASSWORD}"`, call));
    writeFileSync(join(src, 'Secrets.java'), 'package shop;\n' + helper);
    const javac = spawnSync('javac', ['-d', join(src, 'out'), ...Object.keys(JAVA_STANDINS).map((f) => join(src, f)), join(src, 'Db.java'), join(src, 'Secrets.java')], { encoding: 'utf8' });
    expect(javac.stderr).toBe('');
    expect(javac.status).toBe(0);
  }, 30_000);
});
