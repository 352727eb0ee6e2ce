/**
 * The name a secret is assigned to, read from the text before it on its line:
 * `DB_PASSWORD = "…"`, `"api_key": "…"`, `password: …`, `export TOKEN=…`, `connect(password="…")`,
 * `api_token: str = "…"`, `app.config["SECRET_KEY"] = "…"`, `process.env.JWT_SECRET || "…"` and `${PGPASSWORD:-…}` (the variable).
 * Migrate uses it to name the secret and the JSON key.
 */
const KEY_BEFORE = /([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*(?::=|=>|==|[:=])\s*(?:f|r|b|u)?["'`]?\s*$/;
/** An annotated assignment or parameter, `api_token: str = "…"` (Python, TypeScript): the name, not the type. */
const ANNOTATED_BEFORE = /(?:^|[\s(,])([A-Za-z_][A-Za-z0-9_]*)\s*:\s*[A-Za-z_][A-Za-z0-9_.]*(?:\[[A-Za-z0-9_.,\[\] |]*\])?(?:\s*\|\s*[A-Za-z_][A-Za-z0-9_.]*)*\s*=\s*(?:f|r|b|u)?["'`]?\s*$/;

/** A string subscript assigned to, `os.environ["SLACK_TOKEN"] = "…"`, `app.config['SECRET_KEY'] = "…"`. */
const SUBSCRIPT_BEFORE = /\[\s*["']([A-Za-z_][A-Za-z0-9_.-]*)["']\s*\]\s*=\s*(?:f|r|b|u)?["'`]?\s*$/;

/**
 * The fallback of an environment look-up, `process.env.JWT_SECRET ?? "…"` / `|| "…"` / `process.env['X'] ||`:
 * the variable it stands in for names it (a key or property before it, `jwtSecret: process.env.X || "…"`,
 * names the look-up's result, which may come from elsewhere).
 */
const ENV_FALLBACK_BEFORE = /\bprocess\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*["'`]([A-Za-z_][A-Za-z0-9_]*)["'`]\s*\])\s*(?:\?\?|\|\|)\s*["'`]?\s*$/;

/**
 * The default of a Python / Ruby / Go / PHP environment look-up, `os.environ.get("SECRET_KEY", "…")`,
 * `os.getenv("X", default="…")`, `os.environ.get("X") or "…"`, `ENV.fetch("X", "…")`: the variable it
 * stands in for names it (the name on the left may be anything, `password = os.getenv("PGPASSWORD", …)`).
 */
const LOOKUP_DEFAULT_BEFORE = /(?:\benviron\.(?:get|setdefault)|\bgetenv|\bENV\.fetch|\bGetEnvOrDefault|\benv_or(?:_default)?|\benv)\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*(?:,\s*(?:default\s*=\s*)?|\)[ \t]*or[ \t]+)(?:f|r|b|u)?["']?$/;

/** The default of a shell or Compose parameter expansion, `${PGPASSWORD:-…}` / `${X:=…}`: the variable names it. */
const PARAM_DEFAULT_BEFORE = /\$\{([A-Za-z_][A-Za-z0-9_]*):[-=]$/;

/**
 * `user:` glued to the value inside a string or after `=` (`"root:…@tcp(…)"`, `DSN=etl:…@unix(…)`) is the
 * user of a connection string, not a key: the name is whatever comes before it. (An INI `password:…` at the
 * start of a line still names its value.)
 */
const USERINFO_BEFORE = /(["'`=])[A-Za-z_][A-Za-z0-9_.-]*:$/;

export function assignmentKey(line: string, column0: number): string | undefined {
  let before = line.slice(0, column0);
  const userinfo = USERINFO_BEFORE.exec(before);
  if (userinfo) before = before.slice(0, userinfo.index + 1);
  const tail = before.slice(-200);
  const env = ENV_FALLBACK_BEFORE.exec(tail) ?? PARAM_DEFAULT_BEFORE.exec(tail) ?? LOOKUP_DEFAULT_BEFORE.exec(tail);
  if (env) return env[1] ?? env[2];
  const m = ANNOTATED_BEFORE.exec(tail) ?? SUBSCRIPT_BEFORE.exec(tail) ?? KEY_BEFORE.exec(tail);
  if (!m) return undefined;
  const key = m[1]!.split('.').pop()!;
  return key.length > 0 && key.length <= 100 ? key : undefined;
}
