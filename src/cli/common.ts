/** Pieces shared by the commands: config + rules resolution, report rendering. */
import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import { SweepError } from '../errors.js';
import { loadConfig, type SweepConfig } from '../config/config.js';
import { loadRuleSpecs } from '../rules/load.js';
import { withoutSecrets } from '../findings/detected-text.js';
import { quoteUserText } from '../findings/redact.js';
import type { RuleSpec } from '../rules/rule.js';
import type { Finding } from '../findings/finding.js';
import type { SourceStats } from '../sources/source.js';
import type { ReportContext } from '../report/reporter.js';
import { projectUrl, version } from './version.js';

export function resolveRoot(path: string): string {
  const root = resolve(path);
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new SweepError('no such file or folder', path);
  }
  if (!st.isDirectory()) throw new SweepError('not a folder (scan a folder, or use `-` for standard input)', path);
  return root;
}

export { withoutSecrets };

/** One warning line on stderr, with anything the built-in rules detect in it redacted. */
export function warn(message: string): void {
  process.stderr.write(`secret-sweep: warning: ${withoutSecrets(message)}\n`);
}

/** One line of information on stderr (not a problem), redacted like a warning. */
export function notice(message: string): void {
  process.stderr.write(`secret-sweep: ${withoutSecrets(message)}\n`);
}

/** The config of a scan at `root` (`--config FILE` if given), as a tree scan reads it: from the files on disk. */
export function loadRootConfig(root: string, configPath?: string): SweepConfig {
  return loadConfig(root, configPath ? resolve(configPath) : undefined);
}

/**
 * Config and rules; `loaded` is a config already read elsewhere (a gate reads it from the base of the range).
 * `forScan`: the built-in rules without their `migrate` facts (load.ts), which a scan does not read.
 */
export function configAndRules(root: string, configPath?: string, loaded?: SweepConfig, { forScan = false }: { forScan?: boolean } = {}): { config: SweepConfig; rules: RuleSpec[] } {
  const config = loaded ?? loadRootConfig(root, configPath);
  for (const w of config.warnings ?? []) warn(w);
  return { config, rules: loadRuleSpecs(config, { forScan }) };
}

export function reportContext(opts: {
  root: string;
  rules: RuleSpec[];
  stats: SourceStats;
  showSecrets: boolean;
  color: boolean;
  startedAt: string;
  finishedAt: string;
  suppressed?: Finding[];
}): ReportContext {
  let rules: ReportContext['rules'] | undefined;
  return {
    suppressed: opts.suppressed ?? [],
    version: version(),
    informationUri: projectUrl(),
    root: opts.root,
    showSecrets: opts.showSecrets,
    color: opts.color,
    stats: opts.stats,
    // Built when a report lists the rules (SARIF, JUnit), not for every run: over a thousand entries.
    get rules() {
      return (rules ??= new Map(opts.rules.map((r) => [r.id, { id: r.id, description: r.description, tags: r.tags, references: r.references, severity: r.severity ?? 'high' }])));
    },
    startedAt: opts.startedAt,
    finishedAt: opts.finishedAt,
  };
}

/** --color forces colour; otherwise only for a terminal, never when NO_COLOR is set or --no-color given. */
export function wantColor(flag: boolean | undefined, toFile: boolean): boolean {
  if (flag === false || toFile) return false;
  if (flag === true) return true; // asked for: coloured even through a pipe (less -R, CI logs)
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(process.stdout.isTTY);
}

export function parseSize(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v).trim().toLowerCase();
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb)?$/.exec(s);
  if (!m) throw new SweepError(`--max-file-size: not a size: ${quoteUserText(String(v).trim())} (e.g. 10485760, 10mb)`);
  const mult = { b: 1, k: 1024, kb: 1024, m: 1 << 20, mb: 1 << 20, g: 1 << 30, gb: 1 << 30 }[m[2] ?? 'b']!;
  return Math.floor(Number(m[1]) * mult);
}

export type { Finding };
