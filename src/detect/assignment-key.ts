/**
 * The name a secret is assigned to, read from the text before it on its line:
 * `DB_PASSWORD = "…"`, `"api_key": "…"`, `password: …`, `export TOKEN=…`, `connect(password="…")`,
 * `api_token: str = "…"`.
 * Migrate uses it to name the secret and the JSON key.
 */
const KEY_BEFORE = /([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*(?::=|=>|==|[:=])\s*(?:f|r|b|u)?["'`]?\s*$/;
/** An annotated assignment or parameter, `api_token: str = "…"` (Python, TypeScript): the name, not the type. */
const ANNOTATED_BEFORE = /(?:^|[\s(,])([A-Za-z_][A-Za-z0-9_]*)\s*:\s*[A-Za-z_][A-Za-z0-9_.]*(?:\[[A-Za-z0-9_.,\[\] |]*\])?(?:\s*\|\s*[A-Za-z_][A-Za-z0-9_.]*)*\s*=\s*(?:f|r|b|u)?["'`]?\s*$/;

export function assignmentKey(line: string, column0: number): string | undefined {
  const before = line.slice(0, column0);
  const m = ANNOTATED_BEFORE.exec(before.slice(-200)) ?? KEY_BEFORE.exec(before.slice(-200));
  if (!m) return undefined;
  const key = m[1]!.split('.').pop()!;
  return key.length > 0 && key.length <= 100 ? key : undefined;
}
