/** A rule as written in rules/*.yaml (after validation). See rules/README.md for the file format. */
export interface RuleExample {
  text: string;
  /** For positive examples: the exact secret the rule must extract (optional). */
  secret?: string;
  /** For negative examples: why it must not match. Required for negatives. */
  reason?: string;
  /** Optional path the example pretends to live at (for rules with a `path`). */
  path?: string;
}

export interface RuleAllowlist {
  /**
   * Regexes tested against the secret (default), the line, the whole match, or `context`: the lines
   * around the secret (6 either side), for judgements that need the surrounding block.
   */
  regexes?: string[];
  target?: 'secret' | 'line' | 'match' | 'context';
  /** Case-insensitive substrings: a secret containing one is not reported. */
  stopwords?: string[];
  /** Regexes on the file path. */
  paths?: string[];
  /**
   * `or` (default): any one criterion drops the finding. `and`: every criterion given must hold, e.g. a path
   * AND a line shape, so that naming a file does not on its own silence a rule (gitleaks `condition = "AND"`).
   */
  condition?: 'or' | 'and';
}

export type ValidatorName =
  | 'github-crc32'
  | 'npm-crc32'
  | 'pypi-macaroon'
  | 'bech32'
  | 'jwt'
  | 'base64-private-key'
  | 'luhn'
  | string;

/** What `migrate` needs to know about a rule's values (the optional `migrate:` block of a rule). */
export interface RuleMigration {
  /** JSON key of a value found without an assignment name (default `token`). */
  field?: string;
  /**
   * How values group into one secret: `database-uri` (a connection URI: engine, host, port, username,
   * password, dbname), `uri` (a URL with credentials), `aws-keypair` (an access key id with its secret key).
   */
  grouping?: 'database-uri' | 'uri' | 'aws-keypair';
  /** With `grouping: aws-keypair`: which half of the pair the rule finds. */
  keypair?: 'id' | 'secret';
  /** Resource (the `{resource}` of the secret name) when nothing better is known; `{file}`: the file's name. Default: the rule id's first part. */
  resource?: string;
  /** The value is a whole file (a key file, a service-account JSON, a credentials file): what kind. */
  whole_file?: 'private-key' | 'service-account-json' | 'netrc' | 'pypirc' | 'npmrc' | 'docker-config' | 'pip-index';
  /** How to rotate it: a hint for the report, and where (a URL). `key_regex`: only for JSON keys that match. */
  rotation?: { hint: string; url?: string; key_regex?: string };
}

export interface RuleSpec {
  id: string;
  description: string;
  regex: string;
  /** Capture group holding the secret: a number or a group name. Default: group named "secret", else 1 if present, else 0. */
  secret_group?: number | string;
  /** Lower-case literals; the regex runs only when one occurs (case-insensitive). Empty = always run. */
  keywords: string[];
  /** Minimum Shannon entropy (bits per char) of the secret. */
  entropy?: number;
  /** Regex on the file path: the rule only applies to matching paths (e.g. "(^|/)\\.netrc$"). */
  path?: string;
  /** Checksum/structure validator name (see src/detect/validators.ts). */
  validator?: ValidatorName;
  allowlist?: RuleAllowlist[];
  tags: string[];
  references: string[];
  severity?: 'high' | 'medium' | 'low';
  /** The regex may span lines (private keys, JSON blocks). Otherwise it only runs on lines near keyword hits. */
  multiline?: boolean;
  /** Skip the global placeholder / hard-negative filters (for rules whose format is unambiguous). */
  skip_global_allowlist?: boolean;
  /** Lower numbers win when two rules report the same span. Default 50; the generic rule uses 90. */
  priority?: number;
  examples: RuleExample[];
  negative_examples: RuleExample[];
  /** Id of the verifier that can ask the issuer whether a finding works (`scan --verify`; src/verify/registry.ts). */
  verify?: string;
  /** Facts for `migrate` (optional). */
  migrate?: RuleMigration;
  /** Where it was defined, for error messages: "rules/aws.yaml:12". */
  origin: string;
}
