/**
 * Redaction: the only form of a secret that reaches output by default.
 * Shows at most a 4-character prefix, fewer for short secrets, so a redacted value never gives away
 * more than a small fraction of the secret.
 */
export const REDACTION_PREFIX_MAX = 4;

export function redact(secret: string): string {
  const visible = Math.min(REDACTION_PREFIX_MAX, Math.floor(secret.length / 4));
  return secret.slice(0, visible) + '…';
}

/** Replace every occurrence of each secret in an arbitrary string (error messages, log lines). */
export function scrub(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue;
    out = out.split(s).join(redact(s));
  }
  return out;
}

/**
 * Plain identifiers: `max_file_size`, `allowlist.paths`, `DB_HOST`, `secretGroup`, `crypt-sha512-password-hash`
 * (short words; digits only after a short word, `v2`, `sha512`, `base64`, or a three-letter name with a digit
 * inside, `e2b`, `k8s`: a longer word with digits, `bluemoon42`, is the shape of a password).
 */
const PLAIN_IDENTIFIER = /^(?:(?:[a-z]{1,16}|[a-z]{1,6}[0-9]{1,3}|[a-z][0-9][a-z])(?:[_.-](?:[a-z]{1,16}|[a-z]{1,6}[0-9]{1,3}|[a-z][0-9][a-z]))*|(?:[A-Z]{1,16}|[A-Z]{1,6}[0-9]{1,3})(?:[_.-](?:[A-Z]{1,16}|[A-Z]{1,6}[0-9]{1,3}))*|[a-z]{1,16}(?:[A-Z](?:[a-z]{1,16}|[a-z]{1,5}[0-9]{1,3}))+)$/;
/**
 * Three or more upper-case groups of at most three characters each (`RZD-VQ4-ABC-DE1`): the shape of a
 * grouped key (Cashboard's), not of a setting name, which has a word in it (`DB_HOST`, `MAX_FILE_SIZE`).
 */
function upperCaseGroups(text: string): boolean {
  if (!/^[A-Z0-9_.-]+$/.test(text)) return false;
  const groups = text.split(/[_.-]/);
  return groups.length >= 3 && !groups.some((g) => /[A-Z]{4,}/.test(g));
}
/** Four lower-case groups of four letters (`abcd-efgh-ijkl-mnop`): the shape of an Apple app-specific password. */
const LOWER_CASE_GROUPS = /^[a-z]{4}(?:-[a-z]{4}){3}$/;
/** Other user text up to this long is quoted as written (a regex fragment such as `\q` or `(?<=`): no more than a redacted value shows. */
const QUOTE_MAX = REDACTION_PREFIX_MAX;

/**
 * User-written text quoted in an error or a warning (an unknown key, the part of a regex RE2 rejects).
 * A plain identifier or a short fragment is shown as written, so a typo is easy to spot; anything else is
 * redacted like a secret, because the faulty line may hold a pasted credential.
 */
export function quoteUserText(text: string): string {
  if (text.length <= QUOTE_MAX || (text.length <= 64 && PLAIN_IDENTIFIER.test(text) && !upperCaseGroups(text) && !LOWER_CASE_GROUPS.test(text))) return text;
  return redact(text);
}

/**
 * An RE2 compile error (`missing ): <pattern>`, `invalid escape sequence: \q`) with the quoted part of
 * the pattern passed through quoteUserText: a pattern may be a credential someone allowlists.
 */
export function regexErrorMessage(e: unknown): string {
  const msg = String((e as Error)?.message ?? e).split('\n')[0]!;
  const i = msg.indexOf(': ');
  return i < 0 ? msg : `${msg.slice(0, i)}: ${quoteUserText(msg.slice(i + 2))}`;
}

/**
 * The first line of a YAML parser error. Some messages quote the source (`Invalid escape sequence \uXXXX`,
 * `Could not resolve tag: !...`, `Unresolved plain scalar "..."`): each word of the message that comes
 * from the text goes through quoteUserText, since the faulty line may hold a credential.
 */
export function yamlMessage(message: string, text: string): string {
  return message.split('\n')[0]!.replace(/\S+/g, (w) => {
    const core = w.replace(/^["'`(]+|["'`),.:;]+$/g, '');
    return core.length > 4 && text.includes(core) ? w.replace(core, quoteUserText(core)) : w;
  });
}
