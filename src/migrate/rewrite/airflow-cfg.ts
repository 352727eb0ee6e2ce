/**
 * airflow.cfg is read by Airflow itself (configparser, with interpolation): a reference written there would
 * be read as the value, and no program of the repository reads the file to set the option after the read
 * (the INI edit of ini.ts). Airflow's own ways out, from its "Setting Configuration Options" page:
 * - a sensitive option (the metadata database URL, the Fernet key, the Celery broker and result backend, the
 *   webserver's secret key, the SMTP password, ...) may be given as `<option>_cmd`: a command Airflow runs
 *   (split with shlex, no shell) whose output is the value; `AIRFLOW__{SECTION}__{KEY}_CMD` in its
 *   environment does the same;
 * - any option may come from `AIRFLOW__{SECTION}__{KEY}` in the environment (`secret-sweep run` resolves a
 *   sm:// reference there), but only as a whole value.
 * The command reads the secret with boto3 (which the Amazon provider installs) and writes the value with no
 * newline; a value that is the password inside a URL writes the URL as the file has it, the password from
 * the vault percent-encoded. `_secret` (a secrets backend's config prefix) would need one plain-text secret
 * per option, not the JSON secret stored here.
 */
import { envVarName } from '../backend/env-names.js';
import { smReference } from '../run-env.js';
import type { RewriteSite } from './rewriter.js';
import { iniOptionAt } from './ini.js';

export function isAirflowCfg(file: string): boolean {
  return /(^|\/)airflow\.cfg$/.test(file);
}

/** The options Airflow also reads as `<option>_cmd` (section.option). */
const CMD_OPTIONS = new Set([
  'core.sql_alchemy_conn', 'database.sql_alchemy_conn', 'core.fernet_key', 'celery.broker_url', 'celery.result_backend',
  'celery.flower_basic_auth', 'atlas.password', 'smtp.smtp_password', 'webserver.secret_key', 'ldap.bind_password',
]);

const REASON = 'Airflow reads airflow.cfg itself (configparser): a reference written here would be read as the value';

/** The secret's value, read with boto3 (the endpoint from AWS_ENDPOINT_URL when set: LocalStack, a test server). */
const fetchExpr = ({ ref }: RewriteSite) =>
  `json.loads(boto3.client('secretsmanager', endpoint_url=os.environ.get('AWS_ENDPOINT_URL')).get_secret_value(SecretId='${ref.secretName}')['SecretString'])${ref.jsonKey ? `['${ref.jsonKey}']` : ''}`;

/** The Python expression for the value, or undefined where it cannot be written exactly (quotes around it in a URL). */
function valueExpr(line: string, site: RewriteSite): string | undefined {
  const eq = /^\s*[^=:]+?\s*[=:]\s*/.exec(line);
  if (!eq) return undefined;
  const value = line.slice(eq[0].length).trimEnd();
  const s = site.column - 1 - eq[0].length;
  const e = site.endColumn - eq[0].length;
  if (s < 0 || e > value.length || site.line !== site.endLine) return undefined;
  const fetch = fetchExpr(site);
  if (s === 0 && e === value.length) return fetch;
  const [before, after] = [value.slice(0, s), value.slice(e)];
  // The password of a URL, as the URL has it (what the file holds around it is written as it is).
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^@/]*:$/.test(before) || !after.startsWith('@') || /["'\\]/.test(before + after)) return undefined;
  return `'${before}' + urllib.parse.quote(${fetch}, safe='') + '${after}'`;
}

/** The edit for a secret in airflow.cfg, or undefined for one Airflow offers no way to take from elsewhere. */
export function airflowCfgManual(file: string, text: string, site: RewriteSite): { reason: string; suggestion: string } | undefined {
  const at = iniOptionAt(text, site.line);
  if (!at) return undefined;
  const line = text.split(/\r?\n/)[site.line - 1] ?? '';
  const expr = valueExpr(line, site);
  const env = `AIRFLOW__${at.section.toUpperCase()}__${at.option.toUpperCase()}`;
  if (expr && CMD_OPTIONS.has(`${at.section}.${at.option}`)) {
    const imports = expr.includes('urllib') ? 'boto3,json,os,sys,urllib.parse' : 'boto3,json,os,sys';
    const cmd = `python3 -c "import ${imports}; sys.stdout.write(${expr})"`;
    return {
      reason: REASON,
      suggestion: `replace the line \`${at.option} = …\` in [${at.section}] of ${file} with \`${at.option}_cmd = ${cmd}\` (Airflow runs the command, without a shell, and takes what it prints as the value; it needs boto3 and AWS credentials where Airflow runs), or set \`${env}_CMD\` to that command in Airflow's environment`,
    };
  }
  const { secretName, jsonKey } = site.ref;
  if (expr === fetchExpr(site)) {
    return {
      reason: REASON,
      suggestion: `remove \`${at.option}\` from [${at.section}] of ${file} and start Airflow with \`${env}=${smReference(secretName, jsonKey)} secret-sweep run -- airflow …\` (Airflow reads any option from ${env}; it has no ${at.option}_cmd)`,
    };
  }
  return {
    reason: `${REASON}; Airflow takes this option only whole, from ${env}`,
    suggestion: `set \`${env}\` in Airflow's environment to the whole value, with the password from ${smReference(secretName, jsonKey)} (\`${envVarName(secretName, jsonKey)}\` under \`secret-sweep run\`), and remove \`${at.option}\` from [${at.section}] of ${file}`,
  };
}
