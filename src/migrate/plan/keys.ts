/** JSON keys of a secret: from the assignment name (`DB_PASSWORD` -> password), or the rule when there is none. */
const FIELD_SUFFIXES = new Set([
  'secret_access_key', 'access_key_id', 'client_secret', 'client_id', 'secret_key', 'access_key', 'access_token',
  'auth_token', 'api_token', 'api_key', 'apikey', 'api_secret', 'private_key', 'connection_string', 'password', 'passwd',
  'username', 'hostname', 'database', 'dbname', 'token', 'secret', 'host', 'port', 'user', 'pass', 'pwd',
  'key', 'name', 'login', 'server', 'schema', 'account', 'warehouse', 'role', 'region', 'url', 'uri', 'dsn',
  'endpoint', 'sslmode', 'webhook_url', 'signing_secret', 'webhook_secret', 'secret_key_base',
]);
const FIELD_ALIASES: Record<string, string> = {
  hostname: 'host', server: 'host', addr: 'host', address: 'host',
  user: 'username', login: 'username', uid: 'username',
  pass: 'password', passwd: 'password', pwd: 'password', pw: 'password',
  database: 'dbname', db_name: 'dbname',
};
export const DB_WORDS = /(^|[_-])(db|database|sql|pg|postgres|postgresql|mysql|mariadb|mongo|mongodb|redis|redshift|snowflake|oracle|mssql|warehouse)($|[_-])/;

/** `DB_PASSWORD` -> {prefix: ['db'], field: 'password'}; `apiKey` -> {prefix: [], field: 'api_key'}. */
export function splitKey(key: string): { prefix: string[]; field: string } {
  const segs = key.split('.');
  const last = segs[segs.length - 1]!;
  const parts = last.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  if (parts.length === 0) return { prefix: [], field: 'value' };
  // One word with the field glued on, as libpq and MySQL spell their variables: PGPASSWORD, MYSQL_PWD aside.
  const glued = parts.length === 1 ? /^([a-z]{2,8})(password|passwd)$/.exec(parts[0]!) : null;
  if (glued) return { prefix: [glued[1]!], field: glued[2]! };
  // A dotted property whose last part is one bare word (`fs.s3a.secret.key`, `mail.smtp.auth.token`): the part
  // before it may complete the field (secret_key), where the last word alone says little (key).
  if (parts.length === 1 && segs.length > 1) {
    const joined = `${segs[segs.length - 2]!.toLowerCase()}_${parts[0]}`;
    if (FIELD_SUFFIXES.has(joined)) return { prefix: [], field: joined };
  }
  for (let n = Math.min(3, parts.length); n >= 1; n--) {
    const tail = parts.slice(-n).join('_');
    if (FIELD_SUFFIXES.has(tail)) return { prefix: parts.slice(0, -n), field: tail };
  }
  return { prefix: parts.slice(0, -1), field: parts[parts.length - 1]! };
}

export function normField(field: string, dbContext: boolean): string {
  if (dbContext && (field === 'name' || field === 'db')) return 'dbname';
  return FIELD_ALIASES[field] ?? field;
}

const FIELD_ORDER = ['engine', 'host', 'port', 'username', 'password', 'dbname', 'aws_access_key_id', 'aws_secret_access_key'];
export function fieldRank(k: string): number {
  const i = FIELD_ORDER.indexOf(k);
  return i < 0 ? FIELD_ORDER.length : i;
}
