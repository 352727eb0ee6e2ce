/**
 * The plan's safety net for values that detection should not have reported and that must never be
 * stored (issue 13, defect 12): a stored non-secret gets a rotate line, a monthly cost and, worse, a
 * name a real key may need. Detection drops these too (src/detect/hard-negatives.ts, rules/generic.yaml);
 * this catches what a user rule or an older rule set still reports.
 */
import { placeholderReason } from '../../detect/hard-negatives.js';

export interface ValueAt {
  file: string;
  value: string;
  /** The variable or key the value was assigned to. */
  key?: string;
}

const DOCUMENTATION = /\.(?:md|markdown|mdx|rst|adoc|asciidoc)$/i;
const JS_SOURCE = /\.(?:[cm]?js|jsx|[cm]?ts|tsx)$/i;
/** A JavaScript regular-expression literal with a quantifier, class or group in it (`/\s?auto?\s?/i`). */
const REGEX_LITERAL = /^\/(?![*/])(?:[^/\\\n]|\\.)*[\\?*+()[\]{}|^$](?:[^/\\\n]|\\.)*\/[dgimsuyv]*$/;

/** Why this value is not a secret to store, or undefined. */
export function notASecretReason(v: ValueAt): string | undefined {
  if (/(^|\/)\.secrets\.baseline$/.test(v.file) || (v.key !== undefined && /hashed_secret$/i.test(v.key) && /^[0-9a-f]{40}$/i.test(v.value))) {
    return 'a detect-secrets baseline entry: the SHA-1 hash of a secret, not a secret';
  }
  if (/^pk\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(v.value)) return 'a Mapbox public token (pk.): public by design';
  if (/^pk_(?:live|test)_[A-Za-z0-9]+$/.test(v.value)) return 'a Stripe publishable key: public by design';
  const p = placeholderReason(v.value);
  if (p) return `a placeholder (${p}), not a credential`;
  // bootstrap.js's autoToken, assigned a regex literal (a pattern, not a value): the history scrub would also rewrite it in the code.
  if (JS_SOURCE.test(v.file) && REGEX_LITERAL.test(v.value)) return 'a regular-expression literal in JavaScript code, not a credential';
  if (DOCUMENTATION.test(v.file)) return 'in documentation, which no program reads: not stored (if it is a real credential, rotate it and scrub it from history)';
  return undefined;
}

/** Folders that only ever hold installed packages: a committed virtualenv's site-packages, node_modules. */
const INSTALLED = /(^|\/)(?:site-packages|dist-packages|node_modules|bower_components|jspm_packages|__pypackages__)\//;

/**
 * Why a value in installed third-party code is not moved (a virtualenv committed with the project, enock24/Pitch's
 * `virtual/lib/python3.8/site-packages/alembic/…`): rewriting a library's source breaks it at its next install
 * and the values found there are the library's own; it is still listed to rotate and scrub, in case it is real.
 */
export function installedCodeReason(file: string): string | undefined {
  const m = INSTALLED.exec(file);
  if (!m) return undefined;
  const installed = file.slice(0, m.index + m[0].length - 1);
  // A virtualenv's packages are under ENV/lib/pythonX.Y/site-packages: the whole environment goes.
  const venv = /^(.*?)\/?lib\/python[\d.]*\/site-packages$/.exec(installed);
  const dir = venv ? venv[1] || 'lib' : installed;
  return `in installed third-party code (${installed}/), not the project's own: not stored or rewritten; take ${dir}/ out of the repository (\`git rm -r --cached ${dir}\`, then list it in .gitignore) and rotate the value if it is a real credential`;
}

/** Django's `<algorithm>$…` password hashes (django.contrib.auth.hashers), as a fixture or a dump holds them. */
const DJANGO_HASH = /^(?:(pbkdf2_sha(?:256|1))\$\d+\$[^$\s]+\$[A-Za-z0-9+/]+=*|(argon2)\$argon2(?:id|i|d)\$\S+|(bcrypt(?:_sha256)?)\$\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}|(scrypt)\$\d+\$[^$\s]+\$\d+\$\d+\$[A-Za-z0-9+/]+=*|(sha1|md5)\$[^$\s]*\$(?:[0-9a-f]{40}|[0-9a-f]{32})|(unsalted_sha1)\$\$[0-9a-f]{40}|(unsalted_md5)\$\$[0-9a-f]{32})$/;
/** crypt(3)'s modular formats: bcrypt `$2b$12$…`, `$argon2id$v=19$…`, sha512/sha256-crypt `$6$`/`$5$`, md5-crypt `$1$`. */
const CRYPT_HASH = /^\$(?:(2[abxy]?)\$\d{2}\$[./A-Za-z0-9]{53}|(argon2(?:id|i|d))\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+|([56])\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43,86}|(1)\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22})$/;
const CRYPT_NAMES: Record<string, string> = { 2: 'bcrypt', '2a': 'bcrypt', '2b': 'bcrypt', '2x': 'bcrypt', '2y': 'bcrypt', 5: 'sha256-crypt', 6: 'sha512-crypt', 1: 'md5-crypt' };

/**
 * A password hash (a Django fixture's `"password": "pbkdf2_sha256$…"`, a crypt(3) hash) is not a credential
 * a program uses: it is what a login check compares against, so it stays where it is, not in the vault.
 * It is still reported to rotate and scrub (unlike notASecretReason's values): a leaked hash can be cracked
 * offline, the weak ones (md5, sha1, unsalted) quickly.
 */
export function passwordHashReason(value: string): string | undefined {
  const d = DJANGO_HASH.exec(value);
  const c = d ? undefined : CRYPT_HASH.exec(value);
  const m = d ?? c;
  if (!m) return undefined;
  const algo = m.slice(1).find(Boolean)!;
  const what = d ? `a Django password hash (${algo}$…)` : `a ${CRYPT_NAMES[algo] ?? algo} password hash`;
  return `${what}, not a password: a program checks logins against it, so it is not moved to the vault; it was committed, so reset that account's password where the account is real (a leaked hash can be cracked offline${/md5|sha1|^1$/.test(algo) ? ', this one quickly' : ''})`;
}
