/**
 * A legacy data-team repository, for end-to-end migrate tests and the fault loop: Python ETL scripts
 * (a psycopg2-style connect, boto3, requests), a notebook, a Node service, .env, docker-compose,
 * CloudFormation, Terraform and a shell script, each holding hard-coded credentials.
 *
 * The scripts run without the real services: they print a short hash of each credential they would
 * use. Every value is made at run time from a seed (the project scans itself).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ALNUM, awsKeyId, awsSecretKey, githubToken, npmToken, randomString, stripeKey } from './fake-secrets.js';

export interface LegacyValues {
  dbPassword: string;
  keyId: string;
  secretKey: string;
  apiToken: string;
  stripe: string;
  notebookToken: string;
  npm: string;
  envPassword: string;
  composePassword: string;
  cfnPassword: string;
  tfPassword: string;
  shPassword: string;
}

/** The values, from seeds base .. base+11 (base 71 is what legacy-repo-e2e has always used). */
export function legacyValues(base = 71): LegacyValues {
  return {
    dbPassword: randomString(ALNUM, 20, base) + '7q',
    keyId: awsKeyId(base + 1),
    secretKey: awsSecretKey(base + 2),
    apiToken: githubToken(base + 3),
    stripe: stripeKey(base + 4),
    notebookToken: githubToken(base + 5),
    npm: npmToken(base + 6),
    envPassword: randomString(ALNUM, 20, base + 7) + '4k',
    composePassword: randomString(ALNUM, 20, base + 8) + '2m',
    cfnPassword: randomString(ALNUM, 20, base + 9) + '9x',
    tfPassword: randomString(ALNUM, 20, base + 10) + '5w',
    shPassword: randomString(ALNUM, 20, base + 11) + '3r',
  };
}

/** Files that are executable in the repository. */
export const LEGACY_EXECUTABLES = ['scripts/backup.sh'];

/** The Python scripts, which print the same before and after a migration. */
export const LEGACY_PY_SCRIPTS = ['etl/load_orders.py', 'etl/sync_s3.py', 'etl/report_api.py', 'etl/billing.py'];

const FP_PY = `def fp(value):
    """A short hash of a credential: what the script would use, without printing it."""
    return hashlib.sha256(str(value).encode()).hexdigest()[:12]
`;

/** path -> content of the legacy repository. */
export function legacyFiles(V: LegacyValues): Record<string, string> {
  return {
    '.gitignore': '__pycache__/\n',
    'etl/load_orders.py': `"""Load last night's orders into the warehouse (legacy)."""
import hashlib


class psycopg2:  # a stand-in with psycopg2's connect() signature: no database needed
    @staticmethod
    def connect(**kwargs):
        return kwargs


${FP_PY}

def main():
    conn = psycopg2.connect(host="db.internal.example", port=5432, user="etl", password="${V.dbPassword}", dbname="warehouse")
    print("db", conn["host"], conn["port"], conn["user"], conn["dbname"], fp(conn["password"]))


if __name__ == "__main__":
    main()
`,
    'etl/sync_s3.py': `"""Copy exports to S3 (legacy)."""
import hashlib

import boto3

${FP_PY}

def main():
    s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="${V.keyId}", aws_secret_access_key="${V.secretKey}")
    creds = s3._request_signer._credentials
    print("s3", fp(creds.access_key), fp(creds.secret_key))


if __name__ == "__main__":
    main()
`,
    'etl/report_api.py': `"""Post the daily report (legacy)."""
import hashlib

import requests

${FP_PY}

def main():
    req = requests.Request("POST", "https://api.example.invalid/reports", headers={"Authorization": "Bearer ${V.apiToken}"}).prepare()
    print("api", req.method, req.url, fp(req.headers["Authorization"]))


if __name__ == "__main__":
    main()
`,
    'etl/billing.py': `"""Monthly billing export (legacy)."""
import hashlib

STRIPE_API_KEY = "${V.stripe}"

${FP_PY}

if __name__ == "__main__":
    print("billing", fp(STRIPE_API_KEY))
`,
    'notebooks/explore.ipynb': JSON.stringify({
      cells: [
        { cell_type: 'markdown', metadata: {}, source: ['# Explore the orders'] },
        {
          cell_type: 'code', execution_count: null, metadata: {}, outputs: [],
          source: ['import json\n', '\n', `GITHUB_TOKEN = "${V.notebookToken}"\n`, 'print(len(GITHUB_TOKEN))'],
        },
      ],
      metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
      nbformat: 4,
      nbformat_minor: 5,
    }, null, 1) + '\n',
    'service/package.json': JSON.stringify({ name: 'orders-service', private: true, type: 'module' }, null, 2) + '\n',
    'service/server.mjs': `import { createHash } from 'node:crypto';

const fp = (v) => createHash('sha256').update(String(v)).digest('hex').slice(0, 12);

function loadConfig() {
  return {
    port: 8080,
    npmToken: '${V.npm}',
  };
}

const config = loadConfig();
console.log('service', config.port, fp(config.npmToken));
`,
    '.env': `# local settings\nAPP_ENV=production\nWAREHOUSE_PASSWORD=${V.envPassword}\n`,
    'docker-compose.yml': `services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: etl
      POSTGRES_PASSWORD: ${V.composePassword}
`,
    'infra/stack.yaml': `AWSTemplateFormatVersion: "2010-09-09"
Description: Orders database
Resources:
  OrdersDb:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MasterUsername: etladmin
      MasterUserPassword: ${V.cfnPassword}
`,
    'infra/main.tf': `resource "aws_db_instance" "reports" {
  engine   = "postgres"
  username = "reports"
  password = "${V.tfPassword}"
}
`,
    'scripts/backup.sh': `#!/bin/sh
set -eu
export PGPASSWORD="${V.shPassword}"
echo "backing up"
`,
  };
}

/** Write `files` under `dir` (folders made as needed; the legacy executables get mode 0755). */
export function writeRepoFiles(dir: string, files: Record<string, string>): void {
  for (const [f, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), content);
    if (LEGACY_EXECUTABLES.includes(f)) chmodSync(join(dir, f), 0o755);
  }
}
