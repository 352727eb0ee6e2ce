/**
 * The project config file `.secret-sweep.yaml`: extra rules, disabled rules, allowlists.
 * Found at the scanned root, or given with --config. A gitleaks `.gitleaks.toml` is read by gitleaks.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { decodeUtf8Strict } from './utf8.js';
import { join, relative, resolve } from 'node:path';
import type { Node } from 'yaml';
import { yamlLib } from '../lazy.js';
import { SweepError } from '../errors.js';
import { lineOf, parseYaml, rulesFromSeq } from '../rules/load.js';
import type { RuleSpec } from '../rules/rule.js';
import { compileRe2 } from '../rules/validate.js';
import { quoteUserText, regexErrorMessage } from '../findings/redact.js';
import { GITLEAKS_CONFIG_NAMES, isGitleaksConfig, parseGitleaksConfig } from './gitleaks.js';

export interface SweepConfig {
  /** Where it came from (for messages), or undefined for defaults. */
  file?: string;
  /** Keep the built-in rules (default true). */
  useDefaultRules: boolean;
  disable: string[];
  rules: RuleSpec[];
  allowlist: {
    /** gitignore-style patterns, relative to the scanned root. */
    paths: string[];
    /** Regexes on the secret. */
    regexes: string[];
    stopwords: string[];
    /** Regexes on the path relative to the scanned root (gitleaks `[allowlist] paths`; see gitleaks.ts). */
    pathRegexes?: string[];
    /** Commits whose findings are ignored by the git sources (gitleaks `[allowlist] commits`). */
    commits?: string[];
  };
  maxFileSize?: number;
  /** `max_findings_per_file` (0 = no limit). */
  maxFindingsPerFile?: number;
  fingerprintSalt?: string;
  /**
   * `inline_allow`: honour inline allow markers (`secret-sweep:allow`, `gitleaks:allow`, `pragma: allowlist
   * secret`); default true. False reports the findings they mark like any other (a CI gate reading its
   * config from the base of the range cannot be talked out of a finding by a comment the change adds).
   */
  inlineAllow?: boolean;
  /** Non-fatal problems found while reading the config (the CLI prints them on stderr). */
  warnings?: string[];
}

export const CONFIG_NAMES = ['.secret-sweep.yaml', '.secret-sweep.yml'];

export function defaultConfig(): SweepConfig {
  return { useDefaultRules: true, disable: [], rules: [], allowlist: { paths: [], regexes: [], stopwords: [] } };
}

const TOP_KEYS = new Set(['use_default_rules', 'disable', 'rules', 'allowlist', 'max_file_size', 'max_findings_per_file', 'fingerprint_salt', 'inline_allow']);
const ALLOW_KEYS = new Set(['paths', 'regexes', 'stopwords']);

function shown(file: string): string {
  const r = relative(process.cwd(), file);
  return r && !r.startsWith('..') ? r : file;
}

export function parseConfig(text: string, file: string): SweepConfig {
  const { doc, lc } = parseYaml(text, file);
  const { isMap } = yamlLib();
  const cfg = defaultConfig();
  cfg.file = file;
  const root = doc.contents;
  if (root === null || root === undefined) return cfg;
  if (!isMap(root)) throw new SweepError('config must be a mapping', `${shown(file)}:1`);
  for (const pair of root.items) {
    const key = String((pair.key as Node)?.toJSON?.() ?? pair.key);
    const at = `${shown(file)}:${lineOf(pair.key as Node, lc)}`;
    const valueNode = pair.value as Node | null;
    const value = valueNode?.toJSON?.() as unknown;
    const strList = (v: unknown, what: string): string[] => {
      if (v === null || v === undefined) return [];
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new SweepError(`\`${what}\` must be a list of strings`, at);
      return v as string[];
    };
    switch (key) {
      case 'use_default_rules':
        if (typeof value !== 'boolean') throw new SweepError('`use_default_rules` must be true or false', at);
        cfg.useDefaultRules = value;
        break;
      case 'disable':
        cfg.disable = strList(value, 'disable');
        break;
      case 'rules':
        cfg.rules = rulesFromSeq(valueNode, lc, file);
        break;
      case 'allowlist': {
        if (!isMap(valueNode)) throw new SweepError('`allowlist` must be a mapping (paths, regexes, stopwords)', at);
        for (const p of valueNode.items) {
          const k = String((p.key as Node)?.toJSON?.() ?? p.key);
          const kat = `${shown(file)}:${lineOf(p.key as Node, lc)}`;
          if (!ALLOW_KEYS.has(k)) throw new SweepError(`unknown key \`allowlist.${quoteUserText(k)}\` (expected paths, regexes, stopwords)`, kat);
          const list = strList((p.value as Node | null)?.toJSON?.(), `allowlist.${k}`);
          if (k === 'regexes')
            for (const r of list) {
              try { compileRe2(r, ''); } catch (e) { throw new SweepError(`invalid regex in allowlist.regexes: ${regexErrorMessage(e)}`, kat); }
            }
          cfg.allowlist[k as 'paths' | 'regexes' | 'stopwords'] = list;
        }
        break;
      }
      case 'max_file_size':
        if (typeof value !== 'number' || value <= 0) throw new SweepError('`max_file_size` must be a positive number of bytes', at);
        cfg.maxFileSize = value;
        break;
      case 'max_findings_per_file':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new SweepError('`max_findings_per_file` must be a whole number >= 0 (0: no limit)', at);
        cfg.maxFindingsPerFile = value;
        break;
      case 'fingerprint_salt':
        if (typeof value !== 'string' || !value) throw new SweepError('`fingerprint_salt` must be a non-empty string', at);
        cfg.fingerprintSalt = value;
        break;
      case 'inline_allow':
        if (typeof value !== 'boolean') throw new SweepError('`inline_allow` must be true or false', at);
        cfg.inlineAllow = value;
        break;
      default:
        throw new SweepError(`unknown key \`${quoteUserText(key)}\` (expected one of: ${[...TOP_KEYS].join(', ')})`, at);
    }
  }
  return cfg;
}

/**
 * The config for a scan: --config FILE if given (must exist; `*.toml` is read as a gitleaks config), else
 * the root's .secret-sweep.yaml, else $GITLEAKS_CONFIG (a gitleaks TOML file, as gitleaks reads it), else the
 * root's .gitleaks.toml, else defaults. A file found and not read is named in a warning.
 */
export function loadConfig(root: string, explicit?: string, env: NodeJS.ProcessEnv = process.env): SweepConfig {
  const ours = CONFIG_NAMES.map((n) => join(root, n)).find((p) => existsSync(p));
  const gitleaks = GITLEAKS_CONFIG_NAMES.map((n) => join(root, n)).find((p) => existsSync(p));
  // gitleaks reads $GITLEAKS_CONFIG before the root's .gitleaks.toml; our own config file comes first.
  const fromEnv = env.GITLEAKS_CONFIG ? resolve(env.GITLEAKS_CONFIG) : undefined;
  const file = explicit ?? ours ?? fromEnv ?? gitleaks;
  if (!file) return defaultConfig();
  const ignored = explicit ? [] : [fromEnv && file !== fromEnv ? `GITLEAKS_CONFIG (${shown(fromEnv)})` : undefined, gitleaks && file !== gitleaks ? shown(gitleaks) : undefined].filter((x): x is string => x !== undefined);
  const cfg = readConfigFile(file, fromEnv === file && !explicit ? 'GITLEAKS_CONFIG' : undefined);
  // A team moving from gitleaks may keep both files: say which one is not read, never skip it silently.
  if (ignored.length) cfg.warnings = [...(cfg.warnings ?? []), `${ignored.join(' and ')} not read: ${shown(file)} is the config (merge what you need into it, or pass --config)`];
  return cfg;
}

function readConfigFile(file: string, via?: string): SweepConfig {
  if (via && !existsSync(file)) throw new SweepError(`${via} names a file that does not exist`, shown(file));
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new SweepError(`cannot read config file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, shown(file));
  }
  const text = decodeUtf8Strict(bytes, shown(file));
  if (via) {
    const { config, warnings } = parseGitleaksConfig(text, file);
    return { ...config, warnings };
  }
  return configFromText(text, file);
}

/** A config file's text, read as gitleaks TOML (`*.toml`) or as our YAML; `file` names it in messages. */
export function configFromText(text: string, file: string): SweepConfig {
  if (isGitleaksConfig(file)) {
    const { config, warnings } = parseGitleaksConfig(text, file);
    return { ...config, warnings };
  }
  return parseConfig(text, file);
}
