/**
 * How a stored secret is named in the environment: `prod/etl-db` + `password` -> `PROD_ETL_DB__PASSWORD`.
 * One naming for every backend: the dotenv vault writes these variables, code rewritten to read the
 * environment reads them, and `secret-sweep run` fills them from `sm://` references.
 */

/** `prod/etl-db` -> `PROD_ETL_DB`: the variable prefix for a secret name (or a key). */
export function envVarPrefix(name: string): string {
  const v = name.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[0-9]/.test(v) || v === '' ? `_${v}` : v;
}

/** The variable that carries one key of a secret (or the whole secret when there is no key). */
export function envVarName(secretName: string, jsonKey?: string): string {
  return jsonKey ? `${envVarPrefix(secretName)}__${envVarPrefix(jsonKey)}` : envVarPrefix(secretName);
}
