/**
 * The finding type shared by the detector, reporters, baseline and migrate.
 *
 * The plaintext secret travels with the finding only as a non-enumerable property, so JSON.stringify,
 * util.inspect in logs and spread copies never carry it by accident. Reporters read `redacted` unless the
 * user passed --show-secrets, and then call `secretOf(finding)` explicitly.
 */

/** Where a fragment of text, or a finding, came from: the one shape of provenance. Git sources fill the commit fields. */
export interface Provenance {
  kind: 'file' | 'stdin' | 'git-blob' | 'staged';
  /** Path relative to the scanned root, '/'-separated. */
  path: string;
  commit?: string;
  author?: string;
  email?: string;
  date?: string;
  blob?: string;
}

export interface Finding {
  rule: string;
  description: string;
  /** Path relative to the scanned root, '/'-separated ("-" for stdin). */
  file: string;
  /** 1-based line and column of the secret's first character. */
  line: number;
  column: number;
  /** 1-based line and column of the secret's last character (inclusive). */
  endLine: number;
  endColumn: number;
  /** Offsets of the secret within the fragment text (UTF-16 code units, end exclusive). */
  start: number;
  end: number;
  /** The secret, redacted: a short prefix then an ellipsis. Safe to print. */
  redacted: string;
  /** HMAC of rule id and secret value: stable across edits that move the line. */
  fingerprint: string;
  entropy: number;
  tags: string[];
  severity: 'high' | 'medium' | 'low';
  /** Name of the variable / key the secret was assigned to, when the detector can tell (used by migrate). */
  key?: string;
  /** Set when a checksum validator confirmed the token's structure. */
  verifiedChecksum?: boolean;
  /**
   * Set when an inline allow marker covers the finding and the scan lists suppressions (detector option
   * `inlineAllow: 'report'`): why it is not a finding, e.g. `inline allow marker "gitleaks:allow"`.
   */
  suppressed?: string;
  /** Set when the detector's baseline (`accepted`) holds the fingerprint: not reported, not counted by caps. */
  baselined?: true;
  /** Set by `scan --verify`: what the credential's issuer said (src/verify). */
  verification?: {
    status: 'live' | 'invalid' | 'unknown';
    /** The verifier that asked (absent: no verifier for this rule). */
    verifier?: string;
    identity?: Record<string, string>;
    reason?: string;
  };
  /** Set when the secret was found inside decoded text (base64, URL-encoding, ...). */
  decodedFrom?: string;
  /** Where the secret was seen, when the source knows more than the file (git history, range, gate): see Sightings. */
  seen?: Sightings;
}

/**
 * Where a finding from git was seen, kept apart from what was detected: every place has the one
 * Provenance shape. The finding's `file`, `line` and `column` are those of the blob at `at`.
 */
export interface Sightings {
  /** The place the finding is reported at: in history, the oldest commit that added it. */
  at?: Provenance;
  /** Every (commit, path) that held the secret (history: oldest first); the count of places seen is its length. */
  places: Provenance[];
  /** Whether HEAD's tree still holds it (history scans). */
  presentAtHead?: boolean;
}

/** The commit a finding is reported at (history, range, gate findings), if any. */
export function commitOf(f: Finding): string | undefined {
  return f.seen?.at?.commit;
}

/** Found in git history but no longer in HEAD's tree. */
export function historyOnly(f: Finding): boolean {
  return f.seen?.presentAtHead === false;
}

const SECRET = Symbol.for('secret-sweep.secret');
const LINE = Symbol.for('secret-sweep.lineText');

/** Where a finding about a file as a whole sits (a token in its path, a change to a config file): its start. */
export const FILE_START = { line: 1, column: 1, endLine: 1, endColumn: 1, start: 0, end: 0 } as const;

/** Attach the plaintext secret (and the line it sits on) without making them enumerable. */
export function attachSecret<T extends object>(f: T, secret: string, lineText?: string): T {
  Object.defineProperty(f, SECRET, { value: secret, enumerable: false, writable: false, configurable: true });
  if (lineText !== undefined) Object.defineProperty(f, LINE, { value: lineText, enumerable: false, configurable: true });
  return f;
}

/** The plaintext secret. Only --show-secrets output, migrate and tests may call this. */
export function secretOf(f: object): string {
  const v = (f as Record<symbol, unknown>)[SECRET];
  if (typeof v !== 'string') throw new Error('finding has no attached secret');
  return v;
}

/** The full text of the line the secret starts on (plaintext: never print it unredacted). */
export function lineTextOf(f: object): string | undefined {
  return (f as Record<symbol, unknown>)[LINE] as string | undefined;
}

/** Copy a finding, keeping the hidden secret. */
export function cloneFinding(f: Finding, patch: Partial<Finding> = {}): Finding {
  const c = { ...f, ...patch };
  attachSecret(c, secretOf(f), lineTextOf(f));
  return c;
}

/**
 * A finding as plain data for crossing a thread boundary: the hidden secret and line text do not survive
 * structured cloning, so they travel as explicit fields and are re-attached by `fromPortable`.
 */
export type PortableFinding = Finding & { secret: string; lineText?: string };

export function toPortable(f: Finding): PortableFinding {
  return { ...f, secret: secretOf(f), lineText: lineTextOf(f) };
}

export function fromPortable(p: PortableFinding): Finding {
  const { secret, lineText, ...rest } = p;
  return attachSecret(rest as Finding, secret, lineText);
}
