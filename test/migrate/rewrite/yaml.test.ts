/**
 * The YAML rewriter: fixture pairs (test/fixtures/rewrite/yaml-*), every output parsed by `yaml`,
 * untouched files byte for byte, CRLF kept, Kubernetes Secrets and credential-less workflows left manual.
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { YamlRewriter, GET_SECRETS_ACTION } from '../../../src/migrate/rewrite/yaml.js';
import type { SiteRewriteResult } from '../../../src/migrate/rewrite/sites.js';
import { casesWith, runCase } from './fixture-pairs.js';

const run = (name: string) => runCase<SiteRewriteResult>(name, () => new YamlRewriter());

describe('fixture pairs', () => {
  for (const name of casesWith('yaml-')) {
    it(name, () => {
      // Output, sites left and secrets removed: all-fixtures.test.ts. Here: it is still YAML.
      const { output } = run(name);
      for (const d of parseAllDocuments(output) as ReturnType<typeof parseAllDocuments> & unknown[]) expect(d.errors).toEqual([]);
    });
  }

  it('compose: ${VAR} references that `secret-sweep run` fills, comments kept', () => {
    const { result, output } = run('yaml-compose');
    expect(output).toContain('POSTGRES_PASSWORD: "${PROD_ORDERS_DB__PASSWORD}"   # keep in sync with the app');
    expect(result.envRefs).toEqual([{ variable: 'PROD_ORDERS_DB__PASSWORD', ref: { secretName: 'prod/orders/db', jsonKey: 'password' } }]);
    expect(result.notes.join('\n')).toContain('secret-sweep run -- docker compose up');
  });

  it('GitHub Actions: one get-secrets step after configure-aws-credentials, env context references', () => {
    const { output } = run('yaml-gha');
    expect(output.split(GET_SECRETS_ACTION).length).toBe(2);
    const doc = parseAllDocuments(output)[0] as unknown as { toJS(): { jobs: { report: { steps: Array<Record<string, unknown>> } } } };
    const steps = doc.toJS().jobs.report.steps;
    expect(steps[2]!.uses).toBe(GET_SECRETS_ACTION);
    expect(steps[3]!.env).toEqual({ SLACK_TOKEN: '${{ env.PROD_REPORT_SLACK_TOKEN }}', API_KEY: '${{ env.PROD_REPORT_API_API_KEY }}' });
  });

  // Issue 13, defect 3: never a reference form the file's reader takes literally.
  it('Ansible group_vars and playbooks: amazon.aws.aws_secret lookups Jinja resolves, never ${VAR}', () => {
    const vars = parseAllDocuments(run('yaml-ansible-group-vars').output)[0]!.toJS() as Record<string, string>;
    expect(vars.db_password).toBe("{{ (lookup('amazon.aws.aws_secret', 'prod/etl/db') | from_json)['password'] }}");
    expect(vars.api_token).toBe("{{ (lookup('amazon.aws.aws_secret', 'prod/etl/api') | from_json)['token'] }}");
    const play = run('yaml-ansible-playbook');
    expect(play.output).toContain("postgresql://admin:{{ (lookup('amazon.aws.aws_secret', 'prod/etl/admin') | from_json)['password'] }}@db.internal/orders");
    expect(play.output).not.toContain('${');
    expect(play.result.envRefs).toEqual([]);
  });

  it('Helm values: manual, the value left, with the existingSecret edit and an ExternalSecret', () => {
    const { result, output, c } = run('yaml-helm-values');
    expect(output).toBe(c.input);
    const u = result.unhandled[0]!;
    expect(u.reason).toContain('Helm renders values.yaml literally');
    expect(u.suggestion).toContain('replace `password: …` under postgresql.auth with `existingSecret: postgresql`');
    expect(u.suggestion).toContain('kind: ExternalSecret');
    expect(u.suggestion).toContain('    - secretKey: password\n      remoteRef:\n        key: prod/orders/postgresql\n        property: password');
  });

  it('gh hosts.yml and a config file whose reader is unknown: manual, with the edit to make', () => {
    expect(run('yaml-gh-hosts').result.unhandled[0]!.suggestion).toContain('GH_TOKEN=sm://prod/etl/github#token');
    const generic = run('yaml-generic');
    expect(generic.output).toBe(generic.c.input);
    expect(generic.result.unhandled[0]!.reason).toContain('the program that loads this file is unknown');
    expect(generic.result.unhandled[0]!.suggestion).toContain('replace the value with `${PROD_APP_DATABASE__PASSWORD}` and start it with `secret-sweep run -- COMMAND`');
  });

  it('dbt profiles.yml: env_var() of a DBT_ENV_SECRET_ variable that `secret-sweep run` fills', () => {
    const { result, output } = run('yaml-dbt-profiles');
    expect(result.unhandled).toEqual([]);
    expect(output).toContain(`password: "{{ env_var('DBT_ENV_SECRET_PROD_ANALYTICS_SNOWFLAKE__PASSWORD') }}"`);
    expect(result.envRefs).toEqual([
      { variable: 'DBT_ENV_SECRET_PROD_ANALYTICS_SNOWFLAKE__PASSWORD', ref: { secretName: 'prod/analytics/snowflake', jsonKey: 'password' } },
      { variable: 'DBT_ENV_SECRET_PROD_ANALYTICS_POSTGRES__PASSWORD', ref: { secretName: 'prod/analytics/postgres', jsonKey: 'password' } },
    ]);
    expect(result.notes.join('\n')).toContain('secret-sweep run -- dbt');
    // Any other profiles.yml (not dbt's shape) keeps the unknown reader.
    const other = new YamlRewriter().rewrite({ file: 'profiles.yml', text: 'default:\n  password: ' + 'fake-other-0133\n', backend: 'aws',
      sites: [{ file: 'profiles.yml', fingerprint: 'f', kind: 'secret', line: 2, column: 13, endLine: 2, endColumn: 27, rule: 'generic-password', ref: { secretName: 'prod/x/y', jsonKey: 'password' } }] });
    expect(other.unhandled[0]!.reason).toContain('the program that loads this file is unknown');
  });

  it("Astro's airflow_settings.yaml: manual, with Airflow's Secrets Manager backend for the connection", () => {
    const pw = 'fake-' + 'airflow-0134';
    const text = `airflow:\n  connections:\n    - conn_id: warehouse\n      conn_type: postgres\n      conn_password: ${pw}\n`;
    const res = new YamlRewriter().rewrite({ file: 'airflow_settings.yaml', text, backend: 'aws',
      sites: [{ file: 'airflow_settings.yaml', fingerprint: 'f', kind: 'secret', line: 5, column: 22, endLine: 5, endColumn: 21 + pw.length, ref: { secretName: 'prod/x/conn', jsonKey: 'password' } }] });
    expect(res.edits).toEqual([]);
    expect(res.unhandled[0]!.reason).toContain('the Astro CLI loads airflow_settings.yaml into Airflow as written');
    expect(res.unhandled[0]!.suggestion).toContain('remove connection `warehouse`');
    expect(res.unhandled[0]!.suggestion).toContain('AIRFLOW__SECRETS__BACKEND=airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend');
    expect(res.unhandled[0]!.suggestion).toContain('as airflow/connections/warehouse');
  });

  it('Kubernetes Secret: manual, with an ExternalSecret to use instead', () => {
    const { result } = run('yaml-k8s-secret');
    expect(result.unhandled[0]!.suggestion).toContain('kind: ExternalSecret');
    expect(result.unhandled[0]!.suggestion).toContain('key: prod/app/db');
  });

  it('CloudFormation: a plain scalar starting with {{ gets quoted; a parameter default stays manual', () => {
    const { result, output } = run('yaml-cfn');
    expect(output).toContain("MasterUserPassword: '{{resolve:secretsmanager:prod/orders/rds:SecretString:password}}' # TODO rotate");
    expect(result.unhandled[0]!.reason).toMatch(/resource properties/);
  });

  it('keeps CRLF', () => {
    const { output } = run('yaml-crlf');
    expect(output.replace(/\r\n/g, '')).not.toContain('\n');
  });
});
