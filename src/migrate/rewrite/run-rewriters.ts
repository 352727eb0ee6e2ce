/**
 * Orchestration of the code rewriters for `migrate`: plan -> sites per file -> the first rewriter of the
 * registry (registry.ts) that applies -> edits, written through the central fixer (or only computed, for a dry run).
 *
 * - Sites come from the plan: every location of every field (secret and context) that is not
 *   history-only. A file no rewriter understands keeps all its secret sites as "manual".
 * - Rewriters run one file at a time in path order; Terraform files see their siblings' current text
 *   (so a data source added to one file is reused by the next).
 * - Then what the backend's capabilities call for: its generated helpers (Python `secret_sweep_secrets.py`,
 *   JS `secret-sweep-secrets.*`, whose SDK goes into the nearest package.json's dependencies) and the
 *   references (`VAR=sm://NAME#KEY`) that `secret-sweep run` resolves for the files that now read `${VAR}`,
 *   in the committed `secret-sweep.refs` at the root (names and keys only: it travels with the code).
 * - Nothing here sees a secret value; summaries name variables, secrets and keys only.
 */
import { accessSync, constants as fsc, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Plan } from '../plan.js';
import type { PlanValues } from '../plan/types.js';
import { repoTexts } from './repo-texts.js';
import { parseEnvText, REFS_FILE, REFS_HEADER, smReference } from '../run-env.js';
import { envVarName } from '../backend/env-names.js';
import { dependencyRange } from '../../cli/version.js';
import { nearestPackageDir, packageJsonFinder, SDK_PACKAGE, sdkRangeFor, withDependency } from './package-deps.js';
import { backendFor } from '../backend/backends.js';
import { checkedPathSync, writeFileAtomic } from '../../fs/write-file.js';
import { SweepError } from '../../errors.js';
import { appendIgnoreLine, gitSays } from '../value-files.js';
import { isGeneratedText, type Backend } from '../backend/backend.js';
import { testCrashPoint } from '../journal.js';
import { applyEdits, checkedPath, detectEol, writeEdits, writeNewFile } from './fixer.js';
import type { PlannedEdit, RewriteResult, RewriteSite, TextEdit } from './rewriter.js';
import { createRewriters, rewriterFor } from './registry.js';
import { tsTopLevelAwaitFinder } from './tsconfig.js';
import { browserCodeFinder } from './browser-code.js';
import { bundlerFinder } from './bundler.js';
import { babelFinder } from './babel.js';
import { isSpringConfigPath, propertyAt, springManual } from './spring.js';
import { leftoverValues } from './leftover-values.js';
import { requiredModulesOf } from './required-esm.js';
import { composeEnvFiles, isComposePath } from './yaml.js';
import { walkFolder } from '../../sources/walk.js';
import type { PythonRewriter } from './python.js';
import type { HelperKind, JavaScriptRewriter } from './javascript.js';
import type { EnvReference } from './sites.js';
import { untrackAndIgnore, wholeFilesOf, type WholeFile } from '../whole-files.js';
import { literalEnvReads, type LiteralEnvRead, type PythonSource } from './python-env-readers.js';
import { pythonSourcesOf } from './python-sources.js';
import { dotenvResolveEdits, LOADS_DOTENV } from './python-dotenv-resolve.js';
import { JS_RESOLVE_HELPER, jsDotenvResolveEdits, jsResolveModuleSource } from './js-dotenv-resolve.js';
import { envFileCommandSources, envFilePreloadEdits, nodeLoadsDotenvIn } from './node-env-file.js';
import { quoteHashedReferences, quoteUnquotedReferences } from './dotenv.js';
import { shellEnvReads, shellSourcesOf } from './shell-env-readers.js';
import { jsEnvReads, jsSourcesOf } from './js-env-readers.js';
import { syncPrefetchNames } from './sync-prefetch.js';
import { jsWholeFileRequireEdits } from './js-whole-file-require.js';
import { envFilesHoldReferences, envFilesWithReferences } from './unresolved-loaders.js';
import { prismaEnvNotes } from './prisma-env.js';
import { nextEnvNotes } from './next-env.js';
import {
  COMPOSE_EMBEDDED_REASON, COMPOSE_EMBEDDED_SUGGESTION, COMPOSE_INTERPOLATION_SUGGESTION, composeInterpolationReason, embeddedReferenceLines, isComposeProjectEnv,
} from './compose-dotenv.js';
import { iniManual, isIniPath, type IniReader } from './ini.js';
import { airflowCfgManual, isAirflowCfg } from './airflow-cfg.js';
import { fetchCommand } from './shell.js';
import { isStreamlitSecrets, isTomlPath, tomlManual } from './toml.js';
import { decoupleIniManual, decoupleIniReaderOf } from './python-decouple-env.js';
import { configFileReads, configparserInterpolates, DYNACONF, helperImportFor, INI_LIKE, knownReaderEdit, knownReaderReason, UNKNOWN_READER } from './config-file-readers.js';
import { isLoggingConfigText } from './logging-config.js';
import { dockerfileHelperEdits } from './dockerfile-helper.js';
import { decodeDepFile, installedScriptHelperDirs, moduleRootOf, nearestPythonProjectDir, otherRequirementFiles, PY_DEP_FILES, PY_SDK, setupFileEdits, withFlatLayoutModules, withHatchModule, withPipfilePackage, withPyModule, withPyprojectDependency, withRequirement } from './python-deps.js';
import type { LockStep } from '../lockfiles/lock-step.js';
import { declaredSpec, lockPins, nodeLocksFor, nodeLockStep, relToLock, type NodeLock } from '../lockfiles/node-locks.js';
import { lockUpdate, onPath, UPDATABLE } from '../lockfiles/lock-update.js';
import { hashedRequirementsStep, pinsHashes, pythonLockSteps } from '../lockfiles/python-locks.js';
import { latin1Bytes, latin1PythonText } from './source-encoding.js';
import { isPgpassPath } from '../plan/config-file-escapes.js';
import { manualLanguageOf } from '../manual-snippets.js';
import { emptyRewriteResult } from './empty-result.js';

/** A site left for a human: where, which secret and key, why, and what to write instead. */
export interface ManualSite {
  file: string;
  line: number;
  column: number;
  secretName: string;
  jsonKey: string;
  reason: string;
  suggestion?: string;
}

export interface RewriteRunOptions {
  root: string;
  plan: Plan;
  backend: string;
  region?: string;
  /** false: compute everything in memory, touch nothing (dry run). */
  write: boolean;
  /** The plan's values: each place still holding one that no rule reported becomes manual (leftover-values.ts). */
  values?: PlanValues;
  /** Called right after a file's edits are on disk (the journal's `file-rewritten`). */
  onFileWritten?: (file: string, rewriter: string, sites: number) => void;
  /** Called right after a generated file (helper, `.env`, `.gitignore`) is written. */
  onGenerated?: (file: string) => void;
  /** Called right before any file is written (the journal's `file-begin`: a kill -9 may stop the write). */
  onBeforeWrite?: (file: string) => void;
  /** Also when no .env is rewritten this run: code that loads a .env an earlier run rewrote (unresolved-loaders.ts). */
  repairLoaders?: boolean;
}

export interface RewriteRunResult {
  /** One per file with edits (summaries only, no values). */
  edits: PlannedEdit[];
  manual: ManualSite[];
  notes: string[];
  /** Generated or extended files: helpers, `secret-sweep.refs`, package.json files. */
  generated: string[];
  envRefs: EnvReference[];
  /** Files that now read `${VAR}` / `VAR=sm://…` references: their program starts under `secret-sweep run`. */
  runFiles: string[];
  /** `.py` files that resolve the references of the .env they load (get_secret.resolve_environ): they start as before. */
  envResolvedBy: string[];
  /** .env files whose unquoted sm://…#KEY references (an earlier version's) were quoted for Node's readers. */
  envQuoted: string[];
  /** Manifests that now declare the helper's SDK (package.json, requirements.txt, pyproject.toml, Pipfile). */
  dependencies: Array<{ file: string; package: string; range: string }>;
  /** Lock files that did not pin that SDK: updated (npm), to be updated by the apply (dry run), or manual. */
  lockfiles: LockStep[];
  /** Files stored whole: untracked and ignored (with `write`), started under `secret-sweep run --file`. */
  wholeFiles: WholeFile[];
}

const NOT_UTF8 = 'the file is not UTF-8 text, nor a Python source that declares latin-1 or cp1252 (a PEP 263 coding line): secret-sweep edits only those (it keeps every other byte as it is)';

/** The text of UTF-8 bytes (a BOM kept as U+FEFF), or undefined when they are not valid UTF-8. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Every check a write of this run's files could fail, made before the first vault write (a dry-run result
 * of runRewriters in, nothing written): each file to edit or generate (and `.gitignore` next to a `.env`)
 * must be a regular file or nothing, not a symlink, inside the repository, in a folder that exists, and
 * writable; a generated file's name must be free or carry GENERATED_MARKER. Throws the first problem as a
 * SweepError naming the file.
 */
export function checkWrites(root: string, result: RewriteRunResult, extra: readonly string[] = []): void {
  const locks = result.lockfiles.filter((l) => l.status === 'will-update').map((l) => l.file);
  const files = [...new Set([...result.edits.map((e) => e.file), ...result.generated, ...extra, ...locks,
    ...(result.generated.includes('.env') ? ['.gitignore'] : [])])].sort();
  for (const file of files) {
    const real = checkedPathSync(root, file, { mustExist: false });
    const exists = existsSync(real);
    try {
      accessSync(exists ? real : path.dirname(real), fsc.W_OK);
    } catch {
      throw new SweepError(exists ? 'the file is not writable' : 'its folder is not writable', file);
    }
    // Files this run extends rather than generates (.env, .gitignore, a package.json gaining the SDK, a
    // setup.py / setup.cfg whose py_modules gains the helper, a Dockerfile that copies it) are the user's.
    const extended = ['.env', '.gitignore', ...result.dependencies.map((d) => d.file), ...locks, ...result.generated.filter((f) => /(^|\/)(setup\.(py|cfg)|Dockerfile)$/.test(f))];
    if (exists && result.generated.includes(file) && !extended.includes(file)) {
      if (!isGeneratedText(readFileSync(real, 'utf8'))) {
        throw new SweepError('a file of that name exists and was not generated by secret-sweep; rename it or remove it', file);
      }
    }
  }
}

/** The rewrite sites of a plan, by file (path order). */
export function sitesFromPlan(plan: Plan): Map<string, RewriteSite[]> {
  const byFile = new Map<string, RewriteSite[]>();
  for (const s of plan.secrets) {
    for (const f of s.fields) {
      for (const l of f.locations) {
        if (l.historyOnly || l.commit) continue;
        const site: RewriteSite = {
          file: l.file, line: l.line, column: l.column, endLine: l.endLine, endColumn: l.endColumn,
          fingerprint: l.fingerprint, ...(l.rule ?? f.rule ? { rule: l.rule ?? f.rule } : {}),
          ...(l.key ? { assignedTo: l.key } : {}),
          kind: f.secret ? 'secret' : 'context',
          ref: { secretName: s.name, jsonKey: f.key },
        };
        const list = byFile.get(l.file) ?? [];
        if (!list.some((x) => x.line === site.line && x.column === site.column && x.endLine === site.endLine && x.endColumn === site.endColumn)) list.push(site);
        byFile.set(l.file, list);
      }
    }
  }
  return new Map([...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

type AnyResult = RewriteResult & {
  unhandled: Array<RewriteSite & { reason?: string; suggestion?: string; keyPath?: Array<string | number> }>;
  envRefs?: EnvReference[];
  uses?: { helper: boolean; os: boolean };
  helper?: { path: string; kind: string };
};

/** The `type` of the package.json nearest to `file` (inside the root), when there is one. */
export function packageTypeFinder(root: string): (file: string) => string | undefined {
  return packageJsonFinder(root, (json) => (json ? (typeof json.type === 'string' ? json.type : 'commonjs') : undefined));
}

/** npm reads .npmrc literally but for `${VAR}`, which it takes from its environment (an unset one is an error). */
function npmrcManual(s: RewriteSite): { reason: string; suggestion: string } {
  const v = envVarName(s.ref.secretName, s.ref.jsonKey);
  return {
    reason: 'npm reads .npmrc values literally (only ${VAR} is taken from its environment): a sm:// reference here would be sent to the registry as the token',
    suggestion: `replace the value with \`\${${v}}\` and run npm under \`secret-sweep run -- npm …\` with \`${v}=${smReference(s.ref.secretName, s.ref.jsonKey)}\` in secret-sweep.refs (in CI, set ${v} from the secret instead); npm stops with "Failed to replace env in config" where it is unset`,
  };
}

/**
 * make takes a makefile variable's value literally, and a `$(shell aws …)` fetch would hide a failure
 * (make ignores its exit status: the recipe would run with an empty password). An environment variable
 * is a make variable too, unless the makefile assigns it with `=` or `:=` (`?=` keeps it).
 */
function makefileManual(s: RewriteSite): { reason: string; suggestion: string } {
  const v = s.assignedTo && /^[A-Za-z_][A-Za-z0-9_]*$/.test(s.assignedTo) ? s.assignedTo : envVarName(s.ref.secretName, s.ref.jsonKey);
  return {
    reason: 'make takes a makefile variable literally: a sm:// reference here would be the value, and a $(shell aws …) fetch would run the recipe with an empty value when it fails (make ignores its status)',
    suggestion: `delete the assignment (or leave \`${v} ?=\` with no value): make reads ${v} from its environment; run make under \`secret-sweep run -- make …\` with \`${v}=${smReference(s.ref.secretName, s.ref.jsonKey)}\` in secret-sweep.refs (in CI, set ${v} from the secret)`,
  };
}

/** A template of a .env (`.env.example`, `env.sample`, `example.env`…): copied by hand, run by no program. */
const ENV_TEMPLATE = /(^|\/)(?:\.?env(?:\.[\w-]+)*\.(?:example|sample|template|dist|tmpl|tpl)|(?:example|sample|template)\.env|\.env\.(?:example|sample|template|dist)\.[\w-]+)$/i;

function envTemplateManual(s: RewriteSite): { reason: string; suggestion: string } {
  return {
    reason: 'a template of .env that no program loads (people copy it by hand): the value goes to the vault, but whoever copies the file still gets it from here, and a reference would stand where people expect a placeholder',
    suggestion: `replace the value with a placeholder (or \`${smReference(s.ref.secretName, s.ref.jsonKey)}\`, which \`secret-sweep run\` resolves once copied to .env), and rotate it: it was committed`,
  };
}

/** libpq reads a password file literally; PGPASSWORD from the environment is its other source. */
function pgpassManual(s: RewriteSite): { reason: string; suggestion: string } {
  return {
    reason: 'libpq reads a password file (.pgpass) literally: a reference written here would be sent to the server as the password',
    suggestion: `remove the line and start the program with \`secret-sweep run -- COMMAND\` and \`PGPASSWORD=${smReference(s.ref.secretName, s.ref.jsonKey)}\` in secret-sweep.refs (libpq takes PGPASSWORD from its environment)`,
  };
}

/** Why a .env value read literally by Python code stays, and what to change first. */
/** `text`: the env file's, to tell a value that is the whole of its line's value (`KEY=…`) from one inside a URL. */
function literalEnvManual(r: LiteralEnvRead, s: RewriteSite, text: string): { reason: string; suggestion: string } {
  const python = /\.(py|pyw|ipynb)$/i.test(r.file);
  const fix = python
    ? 'read the variable from the environment (`load_dotenv()` without override, then `os.environ`)'
    : /\.(c|m)?(j|t)sx?$/i.test(r.file)
      ? 'read the variable from the environment (`dotenv.config()` without override, then `process.env`)'
      : 'take the variable from the environment instead of reading the file (drop the `source`/`include`/`COPY` of it, or keep only non-secret lines there)';
  const ref = smReference(s.ref.secretName, s.ref.jsonKey);
  // A notebook's load_dotenv() keeps what the environment has: a Jupyter started under `secret-sweep run` reads the values.
  if (r.how.endsWith(' in a notebook cell')) {
    return {
      reason: `${r.file}:${r.line} loads this file with ${r.how.replace(/ in a notebook cell$/, '')} in a notebook cell, which migrate does not resolve: a kernel not started under \`secret-sweep run\` would take an sm:// reference as the value`,
      suggestion: `set the value to ${ref} and start Jupyter with \`secret-sweep run --env-file ${s.file} -- jupyter lab\` (its kernels inherit the resolved variables, which ${r.how.replace(/ in a notebook cell$/, '')} keeps)`,
    };
  }
  // python-decouple's Config / AutoConfig take the environment over the file: only a plain start reads the reference.
  if (r.how === 'RepositoryEnv()' || r.how.startsWith('AutoConfig(')) {
    return {
      reason: `${r.file}:${r.line} reads this file itself with python-decouple's ${r.how}, which takes the environment first but this file's values as written: started plainly, it would take an sm:// reference as the value`,
      suggestion: `set the value to ${ref} and start it with \`secret-sweep run --env-file ${s.file} -- COMMAND\`, or read it with decouple's own \`from decouple import config\` (which migrate resolves after the import) if that finds this file from ${r.file}'s folder up`,
    };
  }
  const reason = `${r.file}:${r.line} reads this file itself with ${r.how}, which would take an sm:// reference as the value (even under \`secret-sweep run\`)`;
  // A shell script that sources it: the two exact edits (a sourced reference is only text, so the file can hold it).
  const line = text.split(/\r?\n/)[s.line - 1] ?? '';
  const v = s.assignedTo ?? '';
  const whole = s.line === s.endLine && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v)
    && new RegExp(`^\\s*(?:export\\s+)?${v}\\s*=\\s*["']?$`).test(line.slice(0, s.column - 1)) && /^["']?\s*(?:#.*)?$/.test(line.slice(s.endColumn));
  if (r.how === '`.`/`source`' && whole) {
    return {
      reason,
      suggestion: `set \`${v}=${ref}\` in ${s.file}; then either drop line ${r.line} of ${r.file} (the \`source\`) and start it with \`secret-sweep run --env-file ${s.file} -- ${r.file}\` from the repository root (run sets every variable of the file, the sm:// ones resolved), or keep that line and add after it \`${v}="$(${fetchCommand(s.ref)})"; export ${v}\` (the AWS CLI and jq, as migrate writes it in shell scripts)`,
    };
  }
  return {
    reason,
    suggestion: `make ${r.file} ${fix}, then set the value to ${ref} and start it with \`secret-sweep run -- …\``,
  };
}

/** Go, PHP, Ruby, Java, C#: no rewriter, but the report shows the AWS SDK code and the call for this place. */
function otherLanguageManual(file: string, s: RewriteSite, backendId: string): { reason?: string; suggestion?: string } {
  const lang = backendId === 'aws' ? manualLanguageOf(file) : undefined;
  if (lang === undefined) return {};
  return {
    reason: `no rewriter for ${lang.name} code`,
    suggestion: `replace the literal with \`${lang.call(s.ref.secretName, s.ref.jsonKey)}\` (the report's "Reading secrets in ${lang.name}" has the function)`,
  };
}

function manualOf(u: RewriteSite & { reason?: string; suggestion?: string }, fallback: string): ManualSite {
  return {
    file: u.file, line: u.line, column: u.column, secretName: u.ref.secretName, jsonKey: u.ref.jsonKey,
    reason: u.reason ?? fallback, ...(u.suggestion ? { suggestion: u.suggestion } : {}),
  };
}

function summaryOf(file: string, rewriter: string, sites: RewriteSite[], unhandled: readonly RewriteSite[]): string {
  const left = new Set(unhandled.map((u) => `${u.line}:${u.column}`));
  const refs = [...new Set(sites.filter((s) => s.kind === 'secret' && !left.has(`${s.line}:${s.column}`)).map((s) => `${s.ref.secretName}#${s.ref.jsonKey}`))];
  return `${file} (${rewriter}): ${refs.length === 1 ? '' : `${refs.length} references: `}${refs.join(', ')}`;
}

/**
 * Run the rewriters over the plan's sites. With `write`, edits go to disk through the fixer (each file
 * checked to still hold the text the edits were computed from); without it, nothing is written.
 */
export async function runRewriters(opts: RewriteRunOptions): Promise<RewriteRunResult> {
  const { root, plan } = opts;
  const backend = backendFor(opts.backend);
  const out: RewriteRunResult = { ...emptyRewriteResult(), wholeFiles: wholeFilesOf(plan) };
  const byFile = sitesFromPlan(plan);
  // A file stored whole is not edited: it leaves git (after the code edits below).
  for (const w of out.wholeFiles) byFile.delete(w.file);
  // (A JSON key file stored whole may still have a require() to rewrite.)
  if (byFile.size === 0 && !opts.repairLoaders && !out.wholeFiles.some((w) => /\.json$/i.test(w.file))) return finishWholeFiles(opts, out);

  // Current text of each file as this run sees it (after its own in-memory edits). Only UTF-8 files are
  // edited: their text turns back into the same bytes. Another encoding (latin-1 "José") would not, so such a
  // file is left for a human, byte for byte.
  const texts = new Map<string, string>();
  const notUtf8 = new Set<string>();
  // Python sources that declare latin-1 or cp1252 (source-encoding.ts): edited as latin-1 text, written back in latin-1 (byte for byte).
  const latin1 = new Set<string>();
  const read = (file: string): string | undefined => {
    if (texts.has(file)) return texts.get(file);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.join(root, file));
    } catch {
      return undefined;
    }
    const utf8 = utf8Text(bytes);
    const text = utf8 ?? latin1PythonText(bytes);
    if (text === undefined) notUtf8.add(file);
    else if (utf8 === undefined) latin1.add(file);
    return text;
  };
  const siblings = (file: string): string[] => {
    const dir = path.posix.dirname(file);
    const names = new Set<string>();
    try {
      for (const n of readdirSync(path.join(root, dir))) if (/\.tf$/i.test(n)) names.add(dir === '.' ? n : `${dir}/${n}`);
    } catch {
      /* no folder */
    }
    for (const f of texts.keys()) if (path.posix.dirname(f) === dir && /\.tf$/i.test(f)) names.add(f);
    names.delete(file);
    return [...names].sort().map((f) => read(f)).filter((t): t is string => t !== undefined);
  };

  // YAML / TOML files a Python program of the repository opens itself (config-file-readers.ts).
  let configReads: Map<string, LiteralEnvRead> | undefined;
  let pySources: PythonSource[] | undefined;
  const pySourcesOf = () => (pySources ??= pythonSourcesOf(root));
  const configReadsOf = () => (configReads ??= configFileReads([...byFile.keys()].filter((f) => /\.(ya?ml|toml|json)$/i.test(f) || isIniPath(f) || INI_LIKE.test(f)), pySourcesOf()));
  // The reader's text and the helper import its package needs, for an edit made there (Dynaconf's settings.set).
  const readerSourceOf = (read: { file: string } | undefined) => {
    const src = read && pySourcesOf().find((x) => x.file === read.file);
    return src && { text: src.text, importLine: helperImportFor(src.file, pySourcesOf()) };
  };
  // An INI file by its name, or a `config.conf` that a program of the repository reads with configparser.
  const isIniFile = (file: string) => isIniPath(file) || (INI_LIKE.test(file) && configReadsOf().get(file)?.how === 'configparser');
  const iniReaderOf = (file: string): IniReader => {
    const reader = configReadsOf().get(file);
    const source = reader && pySourcesOf().find((x) => x.file === reader.file);
    if (!source) return {};
    const parsers = new Set([...source.text.matchAll(/^[ \t]*([A-Za-z_]\w*)\s*=\s*(?:configparser\.)?(?:Raw|Safe)?ConfigParser\(/gm)].map((m) => m[1]!));
    return {
      interpolates: configparserInterpolates(source.text), parser: parsers.size === 1 ? [...parsers][0] : undefined,
      at: `${reader.file}:${reader.line}`, importLine: helperImportFor(reader.file, pySourcesOf()),
    };
  };

  let composeEnv: Set<string> | undefined;
  const composeEnvFilesOf = (): Set<string> => (composeEnv ??= envFilesOfComposeFiles(root));

  let required: Map<string, string> | undefined;
  const requiredBy = (file: string) => (required ??= requiredModulesOf(root)).get(file);
  const babelOf = babelFinder(root);
  const rewriters = await createRewriters({ packageType: packageTypeFinder(root), tsTopLevelAwait: tsTopLevelAwaitFinder(root), requiredBy, bundledBy: bundlerFinder(root), babel: babelOf, siblings, browserCode: browserCodeFinder(root) });
  // The two whose generated helper modules are written below.
  const python = rewriters.find((r) => r.id === 'python') as PythonRewriter;
  const javascript = rewriters.find((r) => r.id === 'javascript') as JavaScriptRewriter;

  let envFileCommands: ReturnType<typeof envFileCommandSources> | undefined;
  const envFileCommandsOf = () => (envFileCommands ??= envFileCommandSources(root));
  let nodeDotenv: boolean | undefined;
  // Node's readers (dotenv, --env-file, process.loadEnvFile) end an unquoted value at `#`.
  const nodeLoadsDotenv = () => (nodeDotenv ??= nodeLoadsDotenvIn(root, envFileCommandsOf()));
  let envReads: Map<string, LiteralEnvRead> | undefined;
  const envReadsOf = () => {
    if (envReads) return envReads;
    const envFiles = [...byFile.keys()].filter((f) => rewriterFor(rewriters, f, read(f) ?? '')?.id === 'dotenv');
    envReads = literalEnvReads(envFiles, pySourcesOf());
    for (const [f, r] of shellEnvReads(envFiles.filter((f) => !envReads!.has(f)), shellSourcesOf(root))) envReads.set(f, r);
    for (const [f, r] of jsEnvReads(envFiles.filter((f) => !envReads!.has(f)), jsSourcesOf(root))) envReads.set(f, r);
    return envReads;
  };

  const pyHelperFiles: string[] = [];
  const jsResults: AnyResult[] = [];
  const resolveModules = new Map<string, string>();
  const pending: Pending[] = [];
  for (const [file, fileSites] of byFile) {
    let sites = fileSites;
    const text = read(file);
    if (text === undefined) {
      const why = notUtf8.has(file) ? NOT_UTF8 : 'the file could not be read';
      for (const s of sites) if (s.kind === 'secret') out.manual.push(manualOf(s, why));
      continue;
    }
    const rw = rewriterFor(rewriters, file, text);
    if (latin1.has(file) && rw?.id !== 'python') {
      for (const s of sites) if (s.kind === 'secret') out.manual.push(manualOf(s, NOT_UTF8));
      continue;
    }
    // A .env file that code, a shell script, a makefile or a Dockerfile reads itself would hand it the sm:// reference as the value.
    const literalRead = rw?.id === 'dotenv' ? envReadsOf().get(file) : undefined;
    if (literalRead) {
      for (const s of sites) if (s.kind === 'secret') out.manual.push(manualOf({ ...s, ...literalEnvManual(literalRead, s, text) }, ''));
      continue;
    }
    if (!rw) {
      for (const s of sites) {
        if (s.kind !== 'secret') continue;
        const airflow = isAirflowCfg(file) ? airflowCfgManual(file, text, s) : undefined;
        const decouple = isIniFile(file) ? decoupleIniReaderOf(file, pySourcesOf()) : undefined;
        out.manual.push(airflow ? manualOf({ ...s, ...airflow }, '')
          : decouple ? manualOf({ ...s, ...decoupleIniManual(file, text, s, decouple, backend.capabilities.helpers, helperImportFor(decouple.file, pySourcesOf())) }, '')
          : isIniFile(file) || isLoggingConfigText(text) ? manualOf({ ...s, ...iniManual(file, text, s, backend.capabilities.helpers, iniReaderOf(file)) }, '')
          : isSpringConfigPath(file) ? manualOf({ ...s, ...springManual(file, s.ref, propertyAt(text, s.line)) }, '')
            : /(^|\/)\.npmrc$/.test(file) ? manualOf({ ...s, ...npmrcManual(s) }, '')
              : /(^|\/)(GNUmakefile|makefile|Makefile)$|\.mk$/.test(file) ? manualOf({ ...s, ...makefileManual(s) }, '')
                : isPgpassPath(file) ? manualOf({ ...s, ...pgpassManual(s) }, '')
                  : isTomlPath(file) ? manualOf({ ...s, ...tomlManual(file, text, s, backend.capabilities.helpers, configReadsOf().get(file), readerSourceOf(configReadsOf().get(file))) }, '')
                    : ENV_TEMPLATE.test(file) ? manualOf({ ...s, ...envTemplateManual(s) }, '')
                      : manualOf({ ...s, ...otherLanguageManual(file, s, backend.id) }, 'no rewriter for this kind of file'));
      }
      // The INI edit the report suggests goes into the Python code that names the file, and imports the helper
      // (`from secret_sweep_secrets import get_secret`): it is generated beside that code, even when no code was rewritten.
      if (isIniFile(file) && !isAirflowCfg(file) && backend.capabilities.helpers && sites.some((s) => s.kind === 'secret')) {
        const base = path.posix.basename(file);
        for (const src of pySourcesOf()) if (src.text.includes(base) && !pyHelperFiles.includes(src.file)) pyHelperFiles.push(src.file);
      }
      // So does the decouple edit, beside the module that imports config.
      const decoupleReader = isIniFile(file) ? decoupleIniReaderOf(file, pySourcesOf()) : undefined;
      if (decoupleReader && backend.capabilities.helpers && sites.some((s) => s.kind === 'secret') && !pyHelperFiles.includes(decoupleReader.file)) pyHelperFiles.push(decoupleReader.file);
      // So does the Dynaconf edit, beside the code that builds the settings.
      const dyn = isTomlPath(file) ? configReadsOf().get(file) : undefined;
      if (dyn?.how === DYNACONF && backend.capabilities.helpers && sites.some((s) => s.kind === 'secret') && !pyHelperFiles.includes(dyn.file)) pyHelperFiles.push(dyn.file);
      // So does the Streamlit edit: beside the app's modules that read st.secrets / st.connection (under the folder holding .streamlit/).
      if (isStreamlitSecrets(file) && backend.capabilities.helpers && sites.some((s) => s.kind === 'secret')) {
        const appDir = path.posix.dirname(path.posix.dirname(file));
        for (const src of pySourcesOf()) {
          if (!src.file.endsWith('.py') || !(appDir === '.' || src.file.startsWith(`${appDir}/`)) || !/\bst\.(?:secrets|connection)\b/.test(src.text)) continue;
          if (!pyHelperFiles.includes(src.file)) pyHelperFiles.push(src.file);
        }
      }
      continue;
    }
    // The JS helper needs its SDK declared in a package.json above the file, or a fresh clone cannot install it.
    if (rw.id === 'javascript' && backend.capabilities.helpers && nearestPackageDir(file, (rel) => existsSync(path.join(root, rel))) === undefined) {
      for (const s of sites) {
        if (s.kind === 'secret') out.manual.push(manualOf(s, `no package.json above it to declare ${SDK_PACKAGE}, which the rewritten code would need: add one (or move the value to the vault by hand)`));
      }
      continue;
    }
    if (rw.id === 'dotenv' && backend.capabilities.runReferences && composeEnvFilesOf().has(file)) {
      for (const s of sites) {
        if (s.kind !== 'secret') continue;
        out.manual.push(manualOf({
          ...s, reason: 'docker compose hands this file to a container (env_file:) as written: a sm:// reference would reach the container literally',
          suggestion: 'move the variable to the service\'s `environment:` as `VAR: ${VAR}` and start compose with `secret-sweep run -- docker compose up`',
        }, ''));
      }
      continue;
    }
    // Node's dotenv ends an unquoted value at `#`, python-dotenv only at ` #`: which text is the value depends on the reader.
    if (rw.id === 'dotenv' && backend.capabilities.runReferences && nodeLoadsDotenv()) {
      sites = setAsideLines(text, sites, out.manual, (line, s) => (UNQUOTED_HASH.test(line) ? {
        reason: 'the unquoted value holds `#`: Node\'s dotenv reads only the text before it, python-dotenv and `secret-sweep run` the whole text, so the stored value may not be the one the program used',
        suggestion: `quote the value as the program should read it (\`KEY="…"\`), run migrate again; or set it to ${smReference(s.ref.secretName, s.ref.jsonKey)} once the stored value is the right one`,
      } : undefined));
      if (!sites.some((s) => s.kind === 'secret')) continue;
    }
    const composeEnv = rw.id === 'dotenv' && isComposeProjectEnv(root, file);
    if (composeEnv) {
      sites = setAsideLines(text, sites, out.manual, (line) => (composeInterpolationReason(line) !== undefined
        ? { reason: composeInterpolationReason(line, root, file)!, suggestion: COMPOSE_INTERPOLATION_SUGGESTION } : undefined));
      if (!sites.some((s) => s.kind === 'secret')) continue;
    }
    const res = rw.rewrite({ file, text, sites, backend: backend.id, region: opts.region }) as AnyResult;
    // django-environ's read_env() ends an unquoted value at `#` in some versions (0.9) and with parse_comments=True.
    if (rw.id === 'dotenv' && (nodeLoadsDotenv() || pySourcesOf().some((x) => /\bread_env\s*\(/.test(x.text)))) res.edits = quoteHashedReferences(text, res.edits);
    const embedded = composeEnv ? embeddedReferenceLines(text, res.edits) : new Set<number>();
    if (embedded.size) {
      const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
      res.edits = res.edits.filter((e) => !embedded.has(lineOf(e.start)));
      for (const s of sites) if (s.kind === 'secret' && embedded.has(s.line)) out.manual.push(manualOf({ ...s, reason: COMPOSE_EMBEDDED_REASON, suggestion: COMPOSE_EMBEDDED_SUGGESTION }, ''));
      sites = sites.filter((s) => !embedded.has(s.line));
      res.notes = res.notes.filter((n) => ![...embedded].some((l) => n.includes(`(line ${l})`)));
    }
    for (const u of res.unhandled) {
      const reader = u.reason?.startsWith(UNKNOWN_READER) ? configReadsOf().get(file) : undefined;
      // A Python program loads the file itself: the edit goes after its load, and imports the helper generated beside it.
      const edit = reader && u.keyPath?.length
        ? knownReaderEdit(file, u.keyPath, u.ref, reader, pySourcesOf().find((x) => x.file === reader.file)?.text, backend.capabilities.helpers, helperImportFor(reader.file, pySourcesOf())) : undefined;
      if (edit && backend.capabilities.helpers && !pyHelperFiles.includes(reader!.file)) pyHelperFiles.push(reader!.file);
      out.manual.push(manualOf(reader ? { ...u, reason: knownReaderReason(reader), ...(edit ? { suggestion: edit } : {}) } : u, 'the rewriter could not change it safely'));
    }
    out.notes.push(...res.notes.filter((n) => !/: left for you: /.test(n)));
    if (res.edits.length === 0) continue;
    const after = applyEdits(text, res.edits, file);
    if (after === text) continue;
    if (latin1.has(file) && latin1Bytes(after) === undefined) {
      for (const s of sites) if (s.kind === 'secret') out.manual.push(manualOf(s, 'the file is latin-1 or cp1252 (its coding line) and the rewritten text would not be: edit it by hand'));
      continue;
    }
    texts.set(file, after);
    pending.push({ file, rewriter: rw.id, text, edits: res.edits, sites: sites.length, ...(latin1.has(file) ? { encoding: 'latin1' as const } : {}) });
    out.edits.push({ file, rewriter: rw.id, summary: summaryOf(file, rw.id, sites, res.unhandled), sites });
    for (const e of res.envRefs ?? []) if (!out.envRefs.some((x) => x.variable === e.variable)) out.envRefs.push(e);
    if (backend.capabilities.runReferences && ((res.envRefs ?? []).length || /sm:\/\//.test(after))) out.runFiles.push(file);
    if (res.uses?.helper) pyHelperFiles.push(file);
    if (res.helper) jsResults.push(res);
  }

  // Python code that loads a .env this run turned into references resolves them itself after the load.
  // Also a .env an earlier run rewrote, whose loaders it left unresolved (older versions): repaired now.
  if (backend.capabilities.helpers && (opts.repairLoaders || pending.some((p) => p.rewriter === 'dotenv') || envFilesHoldReferences(root))) {
    const loaders = pySourcesOf().filter((x) => /\.py$/.test(x.file) && LOADS_DOTENV.test(x.text));
    const resolves = (r: { file: string; lines: number[] }, rewriter: string, call: string) => {
      out.envResolvedBy.push(r.file);
      out.notes.push(`${r.file}: resolves the sm:// references it loads from .env itself (line ${r.lines.join(', ')}: ${call})`);
      if (!out.edits.some((e) => e.file === r.file)) out.edits.push({ file: r.file, rewriter, summary: `${r.file} (${rewriter}): resolves the references of the .env it loads`, sites: [] });
    };
    for (const r of dotenvLoaders(loaders, texts, pending, read, 'python', dotenvResolveEdits)) {
      resolves(r, 'python', r.calls.join(', '));
      if (!pyHelperFiles.includes(r.file)) pyHelperFiles.push(r.file);
    }
    // CommonJS with dotenv: the same, synchronously; its SDK is declared in a package.json above it
    // (an ES module's `import 'dotenv/config'`: an import of a generated module that does it).
    const hasPackage = (f: string) => nearestPackageDir(f, (rel) => existsSync(path.join(root, rel))) !== undefined;
    const jsSources = jsSourcesOf(root).filter((x) => hasPackage(x.file));
    const ctx = { packageType: packageTypeFinder(root), tsTopLevelAwait: tsTopLevelAwaitFinder(root), babel: babelOf };
    for (const r of dotenvLoaders(jsSources, texts, pending, read, 'javascript', (f, t) => jsDotenvResolveEdits(f, t, ctx))) {
      for (const u of r.unresolved ?? []) {
        out.notes.push(`${r.file}:${u.line}: ${u.what} reads the sm:// references of .env as text: start the program with \`secret-sweep run -- <command>\` (or resolve them before it runs)`);
      }
      if (!r.edits.length) continue;
      resolves(r, 'javascript', 'resolveEnvSync()');
      for (const h of r.helpers) jsResults.push({ edits: [], notes: [], unhandled: [], helper: h });
      if (r.module && !resolveModules.has(r.module.path)) resolveModules.set(r.module.path, r.module.content);
    }
    // The .env files holding references, this run's and an earlier run's. Node's readers end an unquoted value
    // at `#`: references an earlier version left unquoted are quoted (this run's are, above).
    const refEnvFiles = [...envFilesWithReferences(root), ...pending.filter((p) => p.rewriter === 'dotenv').map((p) => ({ file: p.file, text: p.text }))]
      .filter((x, i, all) => all.findIndex((y) => y.file === x.file) === i && rewriterFor(rewriters, x.file, x.text)?.id === 'dotenv');
    if (nodeLoadsDotenv()) {
      const quoted = (_f: string, t: string) => {
        const edits = quoteUnquotedReferences(t);
        return edits.length ? { edits, lines: edits.map((e) => t.slice(0, e.start).split('\n').length) } : undefined;
      };
      for (const r of dotenvLoaders(refEnvFiles, texts, pending, read, 'dotenv', quoted)) {
        out.envQuoted.push(r.file);
        out.notes.push(`${r.file}: the sm://…#KEY references an earlier run left unquoted are single-quoted (line ${r.lines.join(', ')}): Node's .env readers end an unquoted value at #`);
        if (!out.edits.some((e) => e.file === r.file)) out.edits.push({ file: r.file, rewriter: 'dotenv', summary: `${r.file} (dotenv): references quoted for Node's readers`, sites: [] });
      }
    }
    // `node --env-file=.env app.js`, `node -r dotenv/config app.js`: the same command line preloads a module that resolves them (node-env-file.ts).
    const envFiles = new Set(refEnvFiles.map((x) => x.file));
    // A Prisma schema reading a variable that is a reference now: the CLI loads .env itself (prisma-env.ts).
    out.notes.push(...prismaEnvNotes(root, envFiles, read));
    // Next.js loads its .env files itself, before any of the project's code (next-env.ts).
    out.notes.push(...nextEnvNotes(root, envFiles));
    const embedded = (e: string) => /\$\{sm:\/\//.test(read(e) ?? '');
    for (const r of dotenvLoaders(envFileCommandsOf(), texts, pending, read, 'node-env-file', (f, t) => envFilePreloadEdits(f, t, (e) => envFiles.has(e), embedded))) {
      for (const x of (r.expanded ?? []).filter((x, i, all) => all.findIndex((y) => y.line === x.line && y.envFile === x.envFile) === i)) {
        out.notes.push(`${r.file}:${x.line}: dotenv-cli / dotenvx load ${x.envFile} into the command they start, expanding \${…} first, which breaks the \${sm://…} references inside its values: start it under \`secret-sweep run -- <command>\` (they keep the variables it sets)`);
      }
      if (!r.edits.length) continue;
      out.envResolvedBy.push(r.file);
      out.notes.push(`${r.file}: node --env-file (or -r dotenv/config) now preloads ${r.modules.join(', ')} (line ${r.lines.join(', ')}), which resolves the sm:// references of the .env`);
      if (!out.edits.some((e) => e.file === r.file)) out.edits.push({ file: r.file, rewriter: 'node-env-file', summary: `${r.file} (node-env-file): the program started with --env-file (or -r dotenv/config) resolves the references of its .env`, sites: [] });
      for (const m of r.modules) {
        resolveModules.set(m, jsResolveModuleSource());
        jsResults.push({ edits: [], notes: [], unhandled: [], helper: { path: path.posix.join(path.posix.dirname(m), JS_RESOLVE_HELPER), kind: 'cjs' } });
      }
    }
  }

  // A JSON key file stored whole leaves git: CommonJS code requiring it parses the stored text instead.
  const wholeJson = new Map(out.wholeFiles.filter((w) => /\.json$/i.test(w.file)).map((w) => [w.file, w]));
  if (backend.capabilities.helpers && wholeJson.size) {
    const names = [...wholeJson.keys()].map((f) => path.posix.basename(f));
    const hasPackage = (f: string) => nearestPackageDir(f, (rel) => existsSync(path.join(root, rel))) !== undefined;
    // Not in code bundled for a browser, which cannot fetch from Secrets Manager (browser-code.ts).
    const browser = browserCodeFinder(root);
    const sources = repoTexts(root, (f) => /\.c?js$/i.test(f) && hasPackage(f), (t) => names.some((n) => t.includes(n)))
      .filter((x) => browser(x.file, x.text) === undefined);
    const ctx = { packageType: packageTypeFinder(root), babel: babelOf };
    for (const r of dotenvLoaders(sources, texts, pending, read, 'javascript', (f, t) => jsWholeFileRequireEdits(f, t, wholeJson, ctx))) {
      out.notes.push(`${r.file}: reads ${[...new Set(r.files)].join(', ')} from Secrets Manager now (line ${r.lines.join(', ')}: JSON.parse(getSecretSync(…))), so it starts without \`secret-sweep run --file\``);
      if (!out.edits.some((e) => e.file === r.file)) out.edits.push({ file: r.file, rewriter: 'javascript', summary: `${r.file} (javascript): requires the stored key file's text`, sites: [] });
      for (const h of r.helpers) jsResults.push({ edits: [], notes: [], unhandled: [], helper: h });
    }
  }

  // What the rewritten code needs goes to disk first (helpers, .env references): a run killed halfway
  // never leaves code that refers to a helper or variable that is not there. A resumed run finds the
  // values left in the files not yet rewritten, and rewrites only those.
  if (backend.capabilities.helpers) {
    const jsHelpers = javascript.helperFiles(jsResults as Array<{ helper?: { path: string; kind: HelperKind } }>, backend, (h) => syncPrefetchNames(root, h, texts));
    const pyHelpers = pythonHelperFiles(root, python, pyHelperFiles, backend);
    const helpers = [...pyHelpers, ...jsHelpers, ...[...resolveModules].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([p, content]) => ({ path: p, content }))];
    for (const h of helpers) {
      if (opts.write) {
        opts.onBeforeWrite?.(h.path);
        const r = await writeNewFile(root, h.path, h.content);
        if (r.changed) opts.onGenerated?.(h.path);
      }
      out.generated.push(h.path);
    }
    await declareSdk(root, jsHelpers.map((h) => h.path), opts, out, pending, texts);
    declarePythonSdk(root, pyHelpers.map((h) => h.path), opts, out);
    copyHelpersIntoImages(root, pyHelpers.map((h) => h.path), pyHelperFiles, opts, out);
  }
  if (backend.capabilities.runReferences && out.envRefs.length) {
    const refs = await addRunReferences(root, out.envRefs, { write: opts.write, before: opts.onBeforeWrite });
    for (const n of refs.notes) out.notes.push(n);
    for (const f of refs.written) opts.onGenerated?.(f);
    if (refs.changed && !out.generated.includes(REFS_FILE)) out.generated.push(REFS_FILE);
  }
  if (opts.write) {
    for (const p of pending) {
      opts.onBeforeWrite?.(p.file);
      await writeEdits(root, p.file, p.edits, { expectedText: p.text, ...(p.encoding ? { encoding: p.encoding } : {}) });
      opts.onFileWritten?.(p.file, p.rewriter, p.sites);
    }
  }
  if (opts.values?.size) manualLeftovers(root, plan, opts.values, texts, new Map(pending.map((p) => [p.file, p.text])), out);
  return finishWholeFiles(opts, out);
}

/**
 * The sites of `text` left after setting aside, as manual, each secret site whose line `why` gives a reason
 * for (with the other sites of that line, which are no longer edited).
 */
function setAsideLines(text: string, sites: RewriteSite[], manual: ManualSite[],
  why: (line: string, site: RewriteSite) => { reason: string; suggestion: string } | undefined): RewriteSite[] {
  const lines = text.split('\n');
  const aside: RewriteSite[] = [];
  for (const s of sites) {
    const w = s.kind === 'secret' ? why(lines[s.line - 1] ?? '', s) : undefined;
    if (!w) continue;
    aside.push(s);
    manual.push(manualOf({ ...s, ...w }, ''));
  }
  return aside.length ? sites.filter((s) => !aside.some((a) => a.line === s.line)) : sites;
}

/** A `KEY=value` line whose unquoted value holds a `#` right after a non-blank character. */
const UNQUOTED_HASH = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=\s*[^'"`\s#](?:[^#\r\n]*[^\s#])?#/;

type Pending = { file: string; rewriter: string; text: string; edits: RewriteResult['edits']; sites: number; encoding?: 'latin1' };

/**
 * The source files that load a `.env` themselves, each given the edits that resolve its references after
 * the load (`resolve`: python-dotenv-resolve.ts, js-dotenv-resolve.ts). A file this run already edits gets
 * one whole-text edit from its original text, so it is still written once, checked against what it held.
 */
function dotenvLoaders<R extends { edits: TextEdit[]; lines: number[] }>(sources: ReadonlyArray<{ file: string; text: string }>, texts: Map<string, string>, pending: Pending[],
  read: (f: string) => string | undefined, rewriter: string, resolve: (file: string, text: string) => R | undefined): Array<R & { file: string }> {
  const out: Array<R & { file: string }> = [];
  for (const src of sources) {
    const current = read(src.file);
    if (current === undefined) continue;
    const p = pending.find((x) => x.file === src.file);
    // Not edited otherwise: only a UTF-8 file (its text as the source list decoded it), written back as it was read.
    if (!p && src.text !== current) continue;
    const res = resolve(src.file, current);
    if (!res) continue;
    if (!res.edits.length) {
      out.push({ ...res, file: src.file });
      continue;
    }
    const after = applyEdits(current, res.edits, src.file);
    if (p) {
      if (p.encoding === 'latin1' && latin1Bytes(after) === undefined) continue;
      p.edits = [{ start: 0, end: p.text.length, replacement: after }];
    } else {
      pending.push({ file: src.file, rewriter, text: current, edits: res.edits, sites: 0 });
    }
    texts.set(src.file, after);
    out.push({ ...res, file: src.file });
  }
  return out;
}

/**
 * The places still holding a migrated value that no rule reported, in the texts this run leaves: manual.
 * `originals` holds the text before this run's edits of each edited file.
 */
function manualLeftovers(root: string, plan: Plan, values: PlanValues, edited: ReadonlyMap<string, string>, originals: ReadonlyMap<string, string>, out: RewriteRunResult): void {
  const whole = new Set(out.wholeFiles.map((w) => w.file));
  const texts = new Map<string, string>(repoTexts(root, (f) => !whole.has(f) && !f.startsWith('.secret-sweep/')).map((x): [string, string] => [x.file, edited.get(x.file) ?? x.text]));
  // A place already manual. Its line number is the original text's; in a file this run edited, lines before
  // it may have moved (a notebook's helper import), so it is found again by its line's text, which the edits
  // left as it was.
  const known = new Set<string>();
  for (const m of out.manual) {
    const before = originals.get(m.file);
    const after = edited.get(m.file);
    if (before === undefined || after === undefined) {
      known.add(`${m.file}:${m.line}`);
      continue;
    }
    const text = before.split(/\r?\n/)[m.line - 1];
    after.split(/\r?\n/).forEach((l, i) => {
      if (l === text) known.add(`${m.file}:${i + 1}`);
    });
  }
  for (const s of plan.secrets) for (const f of s.fields) for (const l of f.locations) if (!l.historyOnly && !l.commit && !edited.has(l.file)) known.add(`${l.file}:${l.line}`);
  for (const x of leftoverValues(texts, plan, values, known)) {
    out.manual.push({
      ...x,
      reason: `it still holds the value stored in ${x.secretName} (key ${x.jsonKey}), at a place no rule reported, so nothing rewrote it; the history scrub (\`git filter-repo --replace-text\`) would replace it here too, and the program would read ***REMOVED***`,
      suggestion: `refer to ${smReference(x.secretName, x.jsonKey)} here as the rewritten places do, then check with \`secret-sweep scan\``,
    });
  }
}

/** Every env file a compose file of the repository hands to its containers (`env_file:`), from the root. */
function envFilesOfComposeFiles(root: string): Set<string> {
  const out = new Set<string>();
  const { files } = walkFolder(root, true, (rel) => /(^|\/)(node_modules|\.git)$/.test(rel));
  for (const f of files) {
    const rel = f.split(path.sep).join('/');
    if (!isComposePath(rel)) continue;
    const text = read(root, rel);
    if (text !== undefined) for (const e of composeEnvFiles(rel, text)) out.add(e);
  }
  return out;
}

function read(root: string, rel: string): string | undefined {
  try {
    return readFileSync(path.join(root, rel), 'utf8');
  } catch {
    return undefined;
  }
}

function finishWholeFiles(opts: RewriteRunOptions, out: RewriteRunResult): RewriteRunResult {
  for (const w of out.wholeFiles) {
    out.notes.push(`${w.file}: stored whole in ${w.secretName} (key ${w.jsonKey}); untracked and git-ignored (your local copy stays): start what reads it with \`${w.command}\``);
    if (!opts.write) continue;
    const r = untrackAndIgnore(opts.root, w.file, opts.onBeforeWrite);
    if (r.ignored) {
      opts.onGenerated?.('.gitignore');
      if (!out.generated.includes('.gitignore')) out.generated.push('.gitignore');
    }
  }
  return out;
}

/**
 * Add the helper's SDK to the nearest package.json of each JS helper (keeping the file's formatting),
 * then bring each lock that pins those packages up to date (lockfiles/): a package-lock.json (and a
 * pnpm-lock.yaml where pnpm is installed) is rewritten by its tool in a scratch copy and written here
 * atomically, after the package.json files and before any code edit, so a killed run resumes with the
 * code still to rewrite and finds the lock stale; yarn and bun locks, and a lock its tool could not
 * update, become manual steps. Nothing runs in a dry run.
 */
async function declareSdk(root: string, helperPaths: readonly string[], opts: RewriteRunOptions, out: RewriteRunResult, pending: Pending[] = [], texts: ReadonlyMap<string, string> = new Map()): Promise<void> {
  // Caret from the version secret-sweep was built against (its own range is `~`: it runs on Node 20);
  // sdkRangeFor narrows it for a package that may run on Node < 22.
  const ownRange = (dependencyRange(SDK_PACKAGE) ?? '^3').replace(/^~(?=\d)/, '^');
  const exists = (rel: string) => existsSync(path.join(root, rel));
  const dirs = new Set<string>();
  for (const h of helperPaths) {
    const d = nearestPackageDir(h, exists);
    if (d === undefined) out.notes.push(`${h}: no package.json above it: install ${SDK_PACKAGE} where it runs`);
    else dirs.add(d);
  }
  // The packages each lock must pin the SDK for, with the range their package.json declares after this run.
  const byLock = new Map<string, { lock: NodeLock; pkgs: Array<{ dir: string; manifest: string; spec: string }> }>();
  for (const d of [...dirs].sort()) {
    const rel = d === '.' ? 'package.json' : `${d}/package.json`;
    const real = await checkedPath(root, rel, { mustExist: true });
    const text = readFileSync(real, 'utf8');
    // A package.json this run also edits (a script's `node --env-file` preload): one write holds both.
    const p = pending.find((x) => x.file === rel);
    const base = (p && texts.get(rel)) ?? text;
    let json: Record<string, unknown> | undefined;
    try { json = JSON.parse(base) as Record<string, unknown>; } catch { json = undefined; }
    const { range, oldestNode, from } = sdkRangeFor(ownRange, json, path.join(root, d));
    const next = withDependency(base, SDK_PACKAGE, range);
    if (next === undefined) {
      out.notes.push(`${rel}: not a JSON object with a dependencies object: add "${SDK_PACKAGE}": "${range}" to its dependencies by hand`);
      continue;
    }
    const spec = declaredSpec(next, SDK_PACKAGE) ?? range;
    for (const lock of nodeLocksFor(d, exists, (f) => read(root, f))) {
      const entry = byLock.get(lock.file) ?? { lock, pkgs: [] };
      entry.pkgs.push({ dir: d, manifest: rel, spec });
      byLock.set(lock.file, entry);
    }
    if (next === base) continue;
    if (p) pending.splice(pending.indexOf(p), 1);
    out.dependencies.push({ file: rel, package: SDK_PACKAGE, range });
    out.notes.push(`${rel}: added ${SDK_PACKAGE} ${range} to dependencies (the generated helper needs it)` + (range === ownRange ? ''
      : `; ${range}, not ${ownRange}: the package may run on Node ${oldestNode} (${from}) and the SDK's releases after the first week of January 2027 require Node 22; widen it to ${ownRange} once the package requires Node 22 (on Node 20 the SDK prints a NodeVersionSupportWarning; AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true silences it)`));
    out.generated.push(rel);
    if (opts.write) {
      opts.onBeforeWrite?.(rel);
      writeFileAtomic(real, next, { mode: statSync(real).mode & 0o7777, onStep: testCrashPoint });
      opts.onGenerated?.(rel);
      if (p) opts.onFileWritten?.(rel, p.rewriter, p.sites);
    }
  }
  for (const { lock, pkgs } of byLock.values()) {
    const text = read(root, lock.file) ?? '';
    const pins = pkgs.map((p) => lockPins(lock.kind, text, relToLock(lock, p.dir), SDK_PACKAGE, p.spec));
    const pinned = pins.every((v) => v === true) ? true : pins.includes(undefined) ? undefined : false;
    const cannotRun = !UPDATABLE.has(lock.kind) ? `secret-sweep does not run ${lock.kind} itself (it edits no ${lock.kind} lock)`
      : !onPath(lock.kind) ? `${lock.kind} is not installed where secret-sweep ran` : undefined;
    const step = nodeLockStep(lock, pkgs.map((p) => p.manifest).join(', '), SDK_PACKAGE, pinned, cannotRun);
    if (!step) continue;
    if (step.status !== 'will-update' || !opts.write) {
      out.lockfiles.push(step);
      if (step.status === 'will-update') out.generated.push(lock.file);
      continue;
    }
    const r = await lockUpdate(root, lock, pkgs.map((p) => p.dir), SDK_PACKAGE, pkgs.map((p) => p.spec));
    if (!r.ok) {
      out.lockfiles.push({ ...step, status: 'manual', why: `${step.why}; it could not be updated here (${r.reason}), so it is unchanged: run the command where the registry is reachable` });
      continue;
    }
    const real = checkedPathSync(root, lock.file, { mustExist: true });
    opts.onBeforeWrite?.(lock.file);
    writeFileAtomic(real, r.text, { mode: statSync(real).mode & 0o7777, onStep: testCrashPoint });
    opts.onGenerated?.(lock.file);
    out.generated.push(lock.file);
    out.lockfiles.push({ ...step, status: 'updated', why: r.summary });
  }
}

/**
 * The Python helpers: one beside each rewritten file, and one more at the module root of a setup.py /
 * setup.cfg project that installs a script of a helper's folder (installedScriptHelperDirs).
 */
function pythonHelperFiles(root: string, python: Pick<PythonRewriter, 'helperFiles'>, files: readonly string[], backend: Backend): Array<{ path: string; content: string }> {
  const beside = python.helperFiles(files, backend);
  const exists = (rel: string) => existsSync(path.join(root, rel));
  const more = installedScriptHelperDirs(beside.map((h) => h.path), (h) => nearestPythonProjectDir(h, exists), (f) => (exists(f) ? read(root, f) : undefined));
  return more.length ? python.helperFiles([...files, ...more.map((d) => path.posix.join(d, 'x.py'))], backend) : beside;
}

/**
 * Add boto3 to the requirements.txt / pyproject.toml / Pipfile nearest each Python helper
 * (python-deps.ts); a hash-pinned requirements.txt and the lock files beside a manifest get manual
 * steps instead (lockfiles/python-locks.ts).
 */
function declarePythonSdk(root: string, helperPaths: readonly string[], opts: RewriteRunOptions, out: RewriteRunResult): void {
  const exists = (rel: string) => existsSync(path.join(root, rel));
  const list = (rel: string): string[] => {
    try {
      return readdirSync(path.join(root, rel), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
    } catch {
      return [];
    }
  };
  const dirs = new Set<string>();
  for (const h of helperPaths) {
    const d = nearestPythonProjectDir(h, exists, list);
    if (d === undefined) out.notes.push(`${h}: no requirements.txt, pyproject.toml or Pipfile above it: install ${PY_SDK} where it runs (the helper needs it)`);
    else dirs.add(d);
  }
  /** `added`: boto3 and/or the helper's module name (a setup.py / setup.cfg `py_modules`). */
  const write = (rel: string, real: string, next: string | Uint8Array, added: readonly string[] = [PY_SDK]) => {
    const modules = added.filter((a) => a !== PY_SDK);
    if (added.includes(PY_SDK)) {
      out.dependencies.push({ file: rel, package: PY_SDK, range: '' });
      out.notes.push(`${rel}: added ${PY_SDK} (the generated helper needs it): install the project's dependencies again where it runs`);
    }
    if (modules.length) out.notes.push(`${rel}: added ${modules.join(', ')} to py_modules (an installed copy imports the helper from there)`);
    out.generated.push(rel);
    if (!opts.write) return;
    opts.onBeforeWrite?.(rel);
    writeFileAtomic(real, next, { mode: statSync(real).mode & 0o7777, onStep: testCrashPoint });
    opts.onGenerated?.(rel);
  };
  for (const d of [...dirs].sort()) {
    let found = PY_DEP_FILES.map((n) => (d === '.' ? n : `${d}/${n}`)).filter(exists);
    if (!found.length) found = otherRequirementFiles(d, list);
    const setup = setupFileEdits(d, helperPaths, (f) => (exists(f) ? read(root, f) : undefined), found.length === 0);
    out.notes.push(...setup.notes);
    for (const e of setup.edits) write(e.file, checkedPathSync(root, e.file, { mustExist: true }), e.text, e.added);
    if (found.length === 0 && !setup.sdkDeclared) out.notes.push(`${d === '.' ? 'the root' : d}: the project is declared in setup.py / setup.cfg: add ${PY_SDK} to its install_requires by hand (the helper needs it)`);
    for (let rel of found) {
      let real = checkedPathSync(root, rel, { mustExist: true });
      let decoded = decodeDepFile(readFileSync(real));
      if (!decoded) {
        out.notes.push(`${rel}: neither UTF-8 nor UTF-16 with a BOM: declare ${PY_SDK} there by hand (the helper needs it)`);
        continue;
      }
      let text = decoded.text;
      if (/(?:^|\/)requirements?[^/]*\.(?:txt|pip)$|(?:^|\/)reqs\.txt$/.test(rel) && pinsHashes(text)) {
        if (withRequirement(text) === text) continue;
        // pip refuses a whole hash-pinned file over one unhashed line: declare it in the pip-tools source, if any, and say how to pin it.
        const source = d === '.' ? 'requirements.in' : `${d}/requirements.in`;
        out.lockfiles.push(hashedRequirementsStep(rel, PY_SDK, exists(source)));
        if (!exists(source)) continue;
        rel = source;
        real = checkedPathSync(root, rel, { mustExist: true });
        decoded = decodeDepFile(readFileSync(real));
        if (!decoded) continue;
        text = decoded.text;
      }
      let next = rel.endsWith('pyproject.toml') ? withPyprojectDependency(text)
        : rel.endsWith('Pipfile') ? withPipfilePackage(text) : withRequirement(text);
      // A single-module project (`py-modules`) installs only the modules listed: list the helper beside them too.
      const helperHere = helperPaths.find((h) => path.posix.dirname(h) === path.posix.join(d, moduleRootOf(text)));
      if (next !== undefined && helperHere && rel.endsWith('pyproject.toml')) {
        const module = path.posix.basename(helperHere, '.py');
        const inProject = (f: string) => (d === '.' ? f : `${d}/${f}`);
        next = withPyModule(next, module) ?? withHatchModule(next, module, (f) => exists(inProject(f)))
          ?? withFlatLayoutModules(next, module, projectEntries(path.join(root, d))) ?? next;
      }
      if (next === undefined) {
        out.notes.push(`${rel}: no dependency list secret-sweep can edit: declare ${PY_SDK} there by hand (the helper needs it)`);
        continue;
      }
      if (next !== text) write(rel, real, decoded.encode(next));
      out.lockfiles.push(...pythonLockSteps(rel, next !== text, PY_SDK, exists, (f) => read(root, f)));
    }
  }
}

/** A Dockerfile at or above each helper's folder that copies the code importing it file by file gets the helper copied too. */
function copyHelpersIntoImages(root: string, helperPaths: readonly string[], importers: readonly string[], opts: RewriteRunOptions, out: RewriteRunResult): void {
  const found = new Set<string>();
  for (const h of helperPaths) {
    for (let d = path.posix.dirname(h); ; d = path.posix.dirname(d)) {
      const f = d === '.' ? 'Dockerfile' : `${d}/Dockerfile`;
      if (existsSync(path.join(root, f))) found.add(f);
      if (d === '.' || d === '/' || d === '') break;
    }
  }
  const dockerfiles = [...found].sort().map((file) => ({ file, text: readFileSync(checkedPathSync(root, file, { mustExist: true }), 'utf8') }));
  const { edits, notes } = dockerfileHelperEdits(dockerfiles, helperPaths, importers);
  out.notes.push(...notes);
  for (const e of edits) {
    out.generated.push(e.file);
    if (!opts.write) continue;
    const real = checkedPathSync(root, e.file, { mustExist: true });
    opts.onBeforeWrite?.(e.file);
    writeFileAtomic(real, e.text, { mode: statSync(real).mode & 0o7777, onStep: testCrashPoint });
    opts.onGenerated?.(e.file);
  }
}

/** The names of a folder's files and folders (symbolic links left out). */
function projectEntries(dir: string): { files: string[]; dirs: string[] } {
  const entries = readdirSync(dir, { withFileTypes: true });
  return { files: entries.filter((e) => e.isFile()).map((e) => e.name), dirs: entries.filter((e) => e.isDirectory()).map((e) => e.name) };
}

/**
 * Add `VAR=sm://NAME#KEY` lines to the committed `secret-sweep.refs` at the root for variables it does
 * not set yet (the format `secret-sweep run` reads, see run-env.ts), keeping every existing line and the
 * file's line ending. It holds names and keys, never values, so it is committed and travels with the
 * code (a git-ignored `.env` would not). A variable the file already sets to something else is left
 * alone and noted.
 */
export async function addRunReferences(
  root: string,
  refs: readonly EnvReference[],
  opts: { write: boolean; before?: (file: string) => void },
): Promise<{ written: string[]; notes: string[]; changed: boolean; text?: string }> {
  const written: string[] = [];
  const notes: string[] = [];
  const real = await checkedPath(root, REFS_FILE, { mustExist: false });
  let text: string | undefined;
  let mode = 0o644;
  try {
    text = readFileSync(real, 'utf8');
    mode = statSync(real).mode & 0o7777;
  } catch {
    text = undefined;
  }
  const existing = new Map(parseEnvText(text ?? '').map((l) => [l.key, l.value]));
  const add: string[] = [];
  for (const r of refs) {
    const want = smReference(r.ref.secretName, r.ref.jsonKey);
    const have = existing.get(r.variable);
    if (have === undefined) {
      add.push(`${r.variable}=${want}`);
      existing.set(r.variable, want);
    } else if (have !== want) {
      notes.push(`${REFS_FILE} already sets ${r.variable}; it was left as it is (the rewritten code expects ${want})`);
    }
  }
  if (add.length === 0) return { written, notes, changed: false, text };
  const eol = detectEol(text ?? '');
  const base = text ?? REFS_HEADER.join(eol) + eol;
  const next = base + (base.endsWith('\n') ? '' : eol) + add.join(eol) + eol;
  notes.push(`${REFS_FILE}: added ${add.length} reference(s) for \`secret-sweep run\`: ${add.map((l) => l.split('=')[0]).join(', ')} (commit it: names and keys only)`);
  if (!opts.write) return { written, notes, changed: true, text: next };
  opts.before?.(REFS_FILE);
  writeFileAtomic(real, next, { mode, onStep: testCrashPoint });
  written.push(REFS_FILE);
  return { written, notes, changed: true, text: next };
}
