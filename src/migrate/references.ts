/**
 * Every Secrets Manager reference in a repository, and a check that each one still resolves.
 *
 * What counts as a reference (what the rewriters write, and what people write by hand):
 * - Python helper calls `get_secret("NAME")["KEY"]` (either quote; `sweep_get_secret` too);
 * - JS/TS helper calls `getSecret('NAME', 'KEY')` / `getSecret('NAME')` (`sweepGetSecret`, `getSecretSync` too);
 * - CloudFormation dynamic references `{{resolve:secretsmanager:NAME:SecretString:KEY}}` (names or ARNs);
 * - Terraform `data "aws_secretsmanager_secret_version" "L" { secret_id = "NAME" }` and each
 *   `jsondecode(data.aws_secretsmanager_secret_version.L.secret_string)["KEY"]` in the same module;
 * - `sm://NAME#KEY` values (what `secret-sweep run` resolves) in the committed `secret-sweep.refs` and in
 *   `.env` files, the root's `.env` included even when git ignores it;
 * - shell `--secret-id NAME` (with the jq key that follows on the line);
 * - GitHub Actions `aws-actions/aws-secretsmanager-get-secrets` `secret-ids` entries (`ALIAS,NAME`).
 * Files secret-sweep generated (the helpers, whose comments show examples) and prose (Markdown, text)
 * are not read. Finding is pure text work (`findReferences`); checking goes through the Vault interface.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { walkFolder } from '../sources/walk.js';
import { yamlLib } from '../lazy.js';
import { isGeneratedText } from './backend/backend.js';
import { REFS_FILE } from './run-env.js';
import { isVaultError, type Vault } from './vault/vault.js';

export type RefKind = 'python' | 'javascript' | 'cloudformation' | 'terraform' | 'dotenv' | 'shell' | 'github-actions';

export interface SecretRef {
  /** Relative to the root, `/`-separated. */
  file: string;
  line: number;
  secretName: string;
  jsonKey?: string;
  kind: RefKind;
}

export type RefStatus = 'ok' | 'missing secret' | 'missing key' | 'access denied' | 'error';

export interface CheckedRef extends SecretRef {
  status: RefStatus;
  /** Why, in plain words, when not ok (never a value). */
  detail?: string;
}

const NAME = '[A-Za-z0-9/_+=.@:-]{1,2048}';
const KEY = '[^"\'\\]\\s]{1,256}';
const PY_CALL = new RegExp(`\\b(?:sweep_)?get_secret\\(\\s*(["'])(${NAME})\\1\\s*\\)(?:\\s*\\[\\s*(["'])(${KEY})\\3\\s*\\])?`, 'g');
const JS_CALL = new RegExp(`\\b(?:getSecret|sweepGetSecret|getSecretSync)\\(\\s*(["'\`])(${NAME})\\1(?:\\s*,\\s*(["'\`])(${KEY})\\3)?\\s*\\)`, 'g');
const CFN = /\{\{resolve:secretsmanager:([^}\s]+)\}\}/g;
const TF_DATA = /data\s+"aws_secretsmanager_secret_version"\s+"([A-Za-z0-9_-]+)"\s*\{([^}]*)\}/g;
const TF_USE = /data\.aws_secretsmanager_secret_version\.([A-Za-z0-9_-]+)\.secret_string\s*\)?\s*(?:\[\s*"([^"]+)"\s*\])?/g;
const DOTENV = /^[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.]*[ \t]*=[ \t]*["']?sm:\/\/([^#\s"']+)(?:#([^\s"']+))?/gm;
const SHELL = new RegExp(`--secret-id[ \\t=]+(["']?)(${NAME})\\1`, 'g');

const PROSE = /\.(md|markdown|rst|txt|adoc|html?)$/i;
const MAX_BYTES = 2 * 1024 * 1024;

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** `NAME:SecretString:KEY:stage:version` or an ARN in its place -> name and key. */
export function parseResolve(body: string): { secretName: string; jsonKey?: string } | undefined {
  const parts = body.split(':');
  let name: string;
  let rest: string[];
  if (parts[0] === 'arn') {
    if (parts.length < 7) return undefined;
    name = parts.slice(0, 7).join(':');
    rest = parts.slice(7);
  } else {
    name = parts[0]!;
    rest = parts.slice(1);
  }
  if (!name) return undefined;
  const key = rest[0] === 'SecretString' && rest[1] ? rest[1] : undefined;
  return { secretName: name, ...(key ? { jsonKey: key } : {}) };
}

const isShellFile = (file: string, text: string) =>
  /\.(sh|bash|zsh|ksh)$/i.test(file) || /(^|\/)(Makefile|Dockerfile|Justfile)$/.test(file) || (!/\.[A-Za-z0-9]+$/.test(path.posix.basename(file)) && /^#!.*\b(ba|z|k|da)?sh\b/.test(text.slice(0, 100)));
const isEnvFile = (file: string) => /(^|\/)\.env(\.[^/]*)?$|\.env$/.test(file) || file === REFS_FILE;
const isYaml = (file: string) => /\.ya?ml$/i.test(file);

/**
 * The references in one file. Terraform uses resolve through `tfLabels` (label -> secret name for the
 * file's module); without it only the data blocks in this file are known.
 */
export function findReferences(file: string, text: string, tfLabels?: ReadonlyMap<string, { name: string; file: string; line: number }>): SecretRef[] {
  const refs: SecretRef[] = [];
  const add = (offset: number, kind: RefKind, secretName: string, jsonKey?: string) =>
    refs.push({ file, line: lineAt(text, offset), secretName, ...(jsonKey ? { jsonKey } : {}), kind });
  if (isGeneratedText(text)) return refs;

  if (/\.(py|pyw)$/i.test(file)) for (const m of text.matchAll(PY_CALL)) add(m.index, 'python', m[2]!, m[4]);
  if (/\.ipynb$/i.test(file)) {
    // Notebook cells are JSON strings: quotes arrive escaped. Unescaping keeps every line break, so the
    // line numbers computed on the unescaped text are the file's own.
    const cells = text.replace(/\\"/g, '"');
    for (const m of cells.matchAll(PY_CALL)) refs.push({ file, line: lineAt(cells, m.index), secretName: m[2]!, ...(m[4] ? { jsonKey: m[4] } : {}), kind: 'python' });
  }
  if (/\.(c|m)?(j|t)sx?$/i.test(file)) for (const m of text.matchAll(JS_CALL)) add(m.index, 'javascript', m[2]!, m[4]);
  if (/\.(ya?ml|json|template)$/i.test(file)) {
    for (const m of text.matchAll(CFN)) {
      const r = parseResolve(m[1]!);
      if (r) add(m.index, 'cloudformation', r.secretName, r.jsonKey);
    }
  }
  if (/\.tf$/i.test(file)) {
    const labels = new Map(tfLabels ?? []);
    const declared = new Set<string>();
    for (const m of text.matchAll(TF_DATA)) {
      const id = /secret_id\s*=\s*"([^"$]+)"/.exec(m[2]!);
      if (id) labels.set(m[1]!, { name: id[1]!, file, line: lineAt(text, m.index) });
      declared.add(m[1]!);
    }
    const used = new Set<string>();
    for (const m of text.matchAll(TF_USE)) {
      const l = labels.get(m[1]!);
      if (!l) continue;
      used.add(m[1]!);
      add(m.index, 'terraform', l.name, m[2]);
    }
    // A data source nobody here reads still has to exist for `terraform plan` to work.
    for (const label of declared) {
      const l = labels.get(label);
      if (l && !used.has(label)) refs.push({ file, line: l.line, secretName: l.name, kind: 'terraform' });
    }
  }
  if (isEnvFile(file)) for (const m of text.matchAll(DOTENV)) add(m.index, 'dotenv', m[1]!, m[2]);
  if (isShellFile(file, text) || isYaml(file)) {
    for (const m of text.matchAll(SHELL)) {
      const lineEnd = text.indexOf('\n', m.index);
      const rest = text.slice(m.index, lineEnd < 0 ? text.length : lineEnd);
      const k = /\bjq\b[^|)]*?'(?:input\s*\|\s*)?\.(?:\["([^"]+)"\]|([A-Za-z_][A-Za-z0-9_]*))/.exec(rest);
      add(m.index, 'shell', m[2]!, k ? (k[1] ?? k[2]) : undefined);
    }
  }
  if (isYaml(file) && text.includes('aws-secretsmanager-get-secrets')) refs.push(...actionsRefs(file, text));
  return refs;
}

function actionsRefs(file: string, text: string): SecretRef[] {
  const Y = yamlLib();
  const refs: SecretRef[] = [];
  for (const doc of Y.parseAllDocuments(text) as unknown as Array<{ errors: unknown[]; contents: unknown }>) {
    if (doc.errors.length) continue;
    Y.visit(doc as never, {
      Map(_k, node) {
        const uses = node.get('uses');
        if (typeof uses !== 'string' || !uses.startsWith('aws-actions/aws-secretsmanager-get-secrets')) return;
        const withNode = node.get('with', true);
        if (!Y.isMap(withNode)) return;
        const ids = withNode.get('secret-ids', true);
        if (!Y.isScalar(ids) || typeof ids.value !== 'string' || !ids.range) return;
        const base = lineAt(text, ids.range[0]);
        const block = ids.type === 'BLOCK_LITERAL' || ids.type === 'BLOCK_FOLDED';
        ids.value.split('\n').forEach((entry, i) => {
          const e = entry.trim();
          if (!e) return;
          const name = e.includes(',') ? e.slice(e.indexOf(',') + 1).trim() : e;
          if (!name || name.includes('*')) return; // a prefix wildcard is not one secret
          refs.push({ file, line: base + (block ? i + 1 : 0), secretName: name, kind: 'github-actions' });
        });
      },
    });
  }
  return refs;
}

/** Walk the repository (git-ignored files skipped) and collect every reference. */
export function collectReferences(root: string): { refs: SecretRef[]; unreadable: string[] } {
  const { files, unreadable } = walkFolder(root, true);
  // The root's .env holds references too, git-ignored or not.
  if (!files.includes('.env') && existsSync(path.join(root, '.env'))) files.push('.env');
  const texts = new Map<string, string>();
  for (const f of files.sort()) {
    const rel = f.split(path.sep).join('/');
    if (PROSE.test(rel) || /(^|\/)node_modules\//.test(rel)) continue;
    if (rel === 'secret-sweep-migration.json') continue; // migrate's own report: it quotes references, it does not use them
    if (!/\.(py|pyw|ipynb|c?m?[jt]sx?|ya?ml|json|template|tf|sh|bash|zsh|ksh)$/i.test(rel) && !isEnvFile(rel) && !/(^|\/)[^./]+$/.test(rel)) continue;
    try {
      const st = statSync(path.join(root, f));
      if (!st.isFile() || st.size > MAX_BYTES) continue;
      const text = readFileSync(path.join(root, f), 'utf8');
      if (text.includes('\u0000')) continue;
      texts.set(rel, text);
    } catch {
      unreadable.push({ path: rel, code: 'unreadable' });
    }
  }
  // Terraform labels are module-wide: collect them per folder first.
  const tfByDir = new Map<string, Map<string, { name: string; file: string; line: number }>>();
  for (const [rel, text] of texts) {
    if (!/\.tf$/i.test(rel)) continue;
    const dir = path.posix.dirname(rel);
    const m = tfByDir.get(dir) ?? new Map();
    for (const d of text.matchAll(TF_DATA)) {
      const id = /secret_id\s*=\s*"([^"$]+)"/.exec(d[2]!);
      if (id) m.set(d[1]!, { name: id[1]!, file: rel, line: lineAt(text, d.index) });
    }
    tfByDir.set(dir, m);
  }
  const refs: SecretRef[] = [];
  for (const [rel, text] of texts) {
    refs.push(...findReferences(rel, text, tfByDir.get(path.posix.dirname(rel))));
  }
  return { refs: dedupe(refs), unreadable: unreadable.map((u) => u.path) };
}

function dedupe(refs: SecretRef[]): SecretRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const k = `${r.file}\u0000${r.line}\u0000${r.secretName}\u0000${r.jsonKey ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

interface SecretCheck {
  status: 'ok' | 'missing secret' | 'access denied' | 'error';
  detail?: string;
  keys?: Set<string>;
  json: boolean;
}

/** Check each secret once (a few at a time) and each reference's key against its value. */
export async function verifyReferences(refs: readonly SecretRef[], vault: Vault, concurrency = 4): Promise<CheckedRef[]> {
  const names = [...new Set(refs.map((r) => r.secretName))];
  const checks = new Map<string, SecretCheck>();
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++]!;
      checks.set(name, await checkSecret(vault, name));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, names.length) }, worker));
  return refs.map((r) => {
    const c = checks.get(r.secretName)!;
    if (c.status !== 'ok') return { ...r, status: c.status, ...(c.detail ? { detail: c.detail } : {}) };
    if (r.jsonKey === undefined) return { ...r, status: 'ok' };
    if (!c.json) return { ...r, status: 'missing key', detail: 'the secret is not a JSON object' };
    return c.keys!.has(r.jsonKey) ? { ...r, status: 'ok' } : { ...r, status: 'missing key' };
  });
}

async function checkSecret(vault: Vault, name: string): Promise<SecretCheck> {
  try {
    const v = await vault.get(name);
    let parsed: unknown;
    try {
      parsed = JSON.parse(v.value);
    } catch {
      parsed = undefined;
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { status: 'ok', json: true, keys: new Set(Object.keys(parsed)) };
    return { status: 'ok', json: false };
  } catch (e) {
    if (isVaultError(e)) {
      if (e.code === 'NotFound') return { status: 'missing secret', json: false };
      if (e.code === 'ScheduledForDeletion') return { status: 'missing secret', detail: 'scheduled for deletion', json: false };
      if (e.code === 'AccessDenied') return { status: 'access denied', json: false };
      return { status: 'error', detail: e.message, json: false };
    }
    return { status: 'error', detail: String((e as Error)?.message ?? e).split('\n')[0], json: false };
  }
}

/** One line per reference: `file:line NAME#KEY status`. */
export function formatChecked(r: CheckedRef): string {
  return `${r.file}:${r.line} ${r.secretName}${r.jsonKey !== undefined ? `#${r.jsonKey}` : ''} ${r.status}${r.detail ? ` (${r.detail})` : ''}`;
}

/** 0 all resolve, 1 some secret or key is missing, 2 some could not be checked (access denied, errors). */
export function exitCodeFor(checked: readonly CheckedRef[]): number {
  if (checked.some((r) => r.status === 'access denied' || r.status === 'error')) return 2;
  if (checked.some((r) => r.status !== 'ok')) return 1;
  return 0;
}
