/**
 * Reads a variable as Ansible would: YAML, then Jinja. `{{ lookup('amazon.aws.aws_secret', 'NAME') }}`
 * (optionally `| from_json` and then `.key` or `['key']`) is resolved against Secrets Manager
 * (AWS_ENDPOINT_URL honoured, like the local test server); `${…}` is not Jinja and stays literal (fail);
 * any other template is not emulated (fail).
 * Usage: node ansible.mjs group_vars/all.yml VAR
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { fail, fp } from './common.mjs';

const [file, name] = process.argv.slice(2);
const vars = parse(readFileSync(file, 'utf8'));
const raw = vars?.[name];
if (raw === undefined || raw === null) fail(`ansible: ${name} is not defined in ${file}`);
let value = String(raw);
if (/\$\{[^}]*\}/.test(value)) fail(`ansible: ${name} is the literal text ${/\$\{[^}]*\}/.exec(value)[0]}`);
if (value.includes('{{')) {
  const m = /^\{\{\s*\(?\s*lookup\(\s*['"]amazon\.aws\.aws_secret['"]\s*,\s*['"]([^'"]+)['"][^)]*\)\s*(\|\s*from_json\s*\)?\s*(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*['"]([^'"]+)['"]\s*\]))?\s*\}\}$/.exec(value.trim());
  if (!m) fail(`ansible: ${name} uses a template this reader does not emulate: ${value.replace(/['"][^'"]{16,}['"]/g, '…')}`);
  const sm = new SecretsManagerClient({ endpoint: process.env.AWS_ENDPOINT_URL, region: process.env.AWS_REGION ?? 'us-east-1' });
  let s;
  try {
    s = (await sm.send(new GetSecretValueCommand({ SecretId: m[1] }))).SecretString;
  } catch (e) {
    fail(`ansible: lookup('amazon.aws.aws_secret', '${m[1]}') failed: ${e.name}`);
  }
  const key = m[3] ?? m[4];
  if (key !== undefined) {
    if (!m[2]) fail(`ansible: ${name} indexes a string without from_json`);
    value = JSON.parse(s)[key];
    if (value === undefined) fail(`ansible: secret ${m[1]} has no key ${key}`);
  } else value = s;
}
console.log('ansible', fp(value));
