/**
 * The Terraform rewriter: a literal that held a secret becomes
 * `jsondecode(data.aws_secretsmanager_secret_version.<label>.secret_string)["KEY"]`, and a
 *   data "aws_secretsmanager_secret_version" "<label>" { secret_id = "NAME" }
 * block is added once per secret at the end of the same file (unless this file, or a sibling `.tf`
 * file of the module the caller shows us, already declares it). Same file, not a new `secrets.tf`:
 * every edit stays inside the file the plan names, and a reader finds the data source next to its use.
 *
 * Parser: a hand-written HCL scanner (`scanHcl`). There is no maintained HCL parser for JavaScript that
 * gives source positions (`@cdktf/hcl2json` is a WebAssembly build of Go's hcl2json: it converts to
 * JSON and loses every offset). The scanner knows what matters for finding a literal's extent safely:
 * quoted templates with escapes and nested `${…}` / `%{…}` (including strings inside them), heredocs
 * (`<<EOF`, `<<-EOF`), the three comment forms, and block nesting (so it knows the top-level block a
 * literal sits in). Anything it does not understand makes the file manual, never a guess.
 *
 * Left for a human: `.tfvars` files and `variable` defaults (neither may reference a data source),
 * `provider` blocks (a provider is configured before data sources are read; for `aws`, a cycle: the
 * suggested edit is a profile, the environment or assume_role),
 * the `terraform` block (backend settings are read before anything is evaluated), values across an
 * escape or an interpolation. The secret's value then lives in Terraform state, as any data source does.
 */
import path from 'node:path';
import type { RewriteInput, Rewriter, RewriteSite } from './rewriter.js';
import { emptyResult, guardParses, locateSites, noteUnhandled, PLAIN_KEY, PLAIN_NAME, URI_RULE, type Located, type SiteRewriteResult } from './sites.js';

export const DATA_TYPE = 'aws_secretsmanager_secret_version';

export interface HclString {
  /** [start, end) of the whole token (quotes or heredoc marker to closing delimiter). */
  start: number;
  end: number;
  heredoc: boolean;
  /** Literal stretches (outside interpolations), [start, end). */
  literals: Array<[number, number]>;
  /** The header of the top-level block it sits in (`resource "aws_db_instance" "main"` -> [resource, aws_db_instance, main]). */
  block: string[];
}

export interface HclScan {
  strings: HclString[];
  error?: string;
}

/** Scan HCL source for string tokens and block context. */
export function scanHcl(text: string): HclScan {
  const strings: HclString[] = [];
  let depth = 0;
  let header: string[] = [];
  let block: string[] = [];
  let i = 0;
  const n = text.length;
  const fail = (msg: string): HclScan => ({ strings, error: `${msg} at offset ${i}` });

  /** Skip a `${…}`/`%{…}` starting at `j` (pointing at `$`/`%`); returns the index after `}` or -1. */
  const skipInterp = (j: number): number => {
    let d = 0;
    let k = j + 1;
    for (; k < n; k++) {
      const c = text[k]!;
      if (c === '{') d++;
      else if (c === '}') {
        d--;
        if (d === 0) return k + 1;
      } else if (c === '"') {
        const s = quoted(k, false);
        if (s < 0) return -1;
        k = s - 1;
      }
    }
    return -1;
  };
  /** Scan a quoted template at `j` (pointing at `"`); returns the index after the closing quote or -1. */
  const quoted = (j: number, record: boolean): number => {
    const literals: Array<[number, number]> = [];
    let litStart = j + 1;
    let k = j + 1;
    while (k < n) {
      const c = text[k]!;
      if (c === '\n') return -1;
      if (c === '\\') {
        k += 2;
        continue;
      }
      if (c === '"') {
        literals.push([litStart, k]);
        if (record) strings.push({ start: j, end: k + 1, heredoc: false, literals, block: [...block] });
        return k + 1;
      }
      if ((c === '$' || c === '%') && text[k + 1] === '{') {
        if (k > 0 && text[k - 1] === c) {
          // `$${` / `%%{` are escapes for a literal `${` / `%{`
          k += 2;
          continue;
        }
        literals.push([litStart, k]);
        const e = skipInterp(k);
        if (e < 0) return -1;
        k = e;
        litStart = k;
        continue;
      }
      k++;
    }
    return -1;
  };

  while (i < n) {
    const c = text[i]!;
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      const e = text.indexOf('\n', i);
      i = e < 0 ? n : e;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      if (e < 0) return fail('unclosed comment');
      i = e + 2;
      continue;
    }
    if (c === '"') {
      const start = i;
      const e = quoted(i, true);
      if (e < 0) return fail('unclosed string');
      if (depth === 0) header.push(text.slice(start + 1, e - 1));
      i = e;
      continue;
    }
    if (c === '<' && text[i + 1] === '<') {
      const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(text.slice(i, i + 200));
      if (m) {
        const bodyStart = i + m[0].length;
        const re = new RegExp(`^[ \\t]*${m[2]}[ \\t]*\\r?$`, 'm');
        const rest = text.slice(bodyStart);
        const found = re.exec(rest);
        if (!found) return fail('unclosed heredoc');
        const bodyEnd = bodyStart + found.index;
        const literals: Array<[number, number]> = [];
        let lit = bodyStart;
        for (let k = bodyStart; k < bodyEnd; k++) {
          const ch = text[k]!;
          if ((ch === '$' || ch === '%') && text[k + 1] === '{' && text[k - 1] !== ch) {
            literals.push([lit, k]);
            const e = skipInterp(k);
            if (e < 0 || e > bodyEnd) return fail('bad interpolation in heredoc');
            k = e - 1;
            lit = e;
          }
        }
        literals.push([lit, bodyEnd]);
        const end = bodyStart + found.index + found[0].replace(/\r$/, '').length;
        strings.push({ start: i, end, heredoc: true, literals, block: [...block] });
        i = end;
        continue;
      }
    }
    if (c === '{') {
      if (depth === 0) block = header;
      depth++;
      i++;
      continue;
    }
    if (c === '}') {
      depth--;
      if (depth < 0) return fail('unbalanced }');
      if (depth === 0) {
        block = [];
        header = [];
      }
      i++;
      continue;
    }
    if (depth === 0) {
      if (c === '\n') header = [];
      else {
        const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i, i + 100));
        if (m) {
          header.push(m[0]);
          i += m[0].length;
          continue;
        }
      }
    }
    i++;
  }
  if (depth !== 0) return fail('unbalanced {');
  return { strings };
}

/** `prod/app-db` -> `prod_app_db`: a Terraform label for a secret name. */
export function dataLabel(secretName: string): string {
  const l = secretName.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[A-Za-z_]/.test(l) ? l : `s_${l}`;
}

export function dataReference(ref: { secretName: string; jsonKey?: string }): string {
  const sv = `data.${DATA_TYPE}.${dataLabel(ref.secretName)}.secret_string`;
  return ref.jsonKey ? `jsondecode(${sv})["${ref.jsonKey}"]` : sv;
}

/** The edit for credentials in a `provider` block: the provider's own ways of finding them. */
export function providerEdit(provider: string, refs: ReadonlyArray<{ secretName: string; jsonKey: string }>): string {
  const runRefs = refs.map((r) => `${/access_key_id|key_id/.test(r.jsonKey) ? 'AWS_ACCESS_KEY_ID' : /secret/.test(r.jsonKey) && provider === 'aws' ? 'AWS_SECRET_ACCESS_KEY' : '<PROVIDER_ENV_VAR>'}=sm://${r.secretName}#${r.jsonKey}`);
  if (provider === 'aws') {
    // A key pair is one secret (plan/group-aws-keypair.ts): name both variables from it.
    const pair = refs.find((r) => /^aws_(access_key_id|secret_access_key)$/.test(r.jsonKey));
    if (pair) runRefs.splice(0, runRefs.length, `AWS_ACCESS_KEY_ID=sm://${pair.secretName}#aws_access_key_id`, `AWS_SECRET_ACCESS_KEY=sm://${pair.secretName}#aws_secret_access_key`);
    return 'remove access_key and secret_key from provider "aws" and let it find credentials the standard way: '
      + 'a profile (`profile = "NAME"`, keys in ~/.aws/credentials or AWS SSO), '
      + `the environment (\`secret-sweep run -- terraform plan\` with ${runRefs.join(' and ')}), `
      + 'or a role (`assume_role { role_arn = "arn:aws:iam::ACCOUNT_ID:role/terraform" }`)';
  }
  return `remove the credential from provider "${provider}" and pass it through the environment variable the provider reads (see its documentation), under \`secret-sweep run -- terraform plan\` with ${runRefs.join(' and ')}`;
}

const declares = (text: string, label: string) => new RegExp(`data\\s+"${DATA_TYPE}"\\s+"${label}"`).test(text);

function indentUnit(text: string): string {
  const m = /\n([ \t]+)\S/.exec(text);
  return m ? (m[1]!.startsWith('\t') ? '\t' : m[1]!.length >= 4 && m[1]!.length % 4 === 0 ? '    ' : '  ') : '  ';
}

export interface TerraformRewriterOptions {
  /** The texts of the other `.tf` files of the module (same folder), to reuse a data source declared there. */
  siblings?: (file: string) => string[];
}

export class TerraformRewriter implements Rewriter {
  readonly id = 'terraform';

  constructor(private readonly opts: TerraformRewriterOptions = {}) {}

  appliesTo(file: string): boolean {
    return /\.(tf|tfvars)$/i.test(file);
  }

  rewrite(input: RewriteInput): SiteRewriteResult {
    const out = emptyResult();
    if (input.sites.length === 0) return out;
    const { file, text } = input;
    const suggest = (s: RewriteSite) => `use ${dataReference(s.ref)} with a data "${DATA_TYPE}" "${dataLabel(s.ref.secretName)}" { secret_id = "${s.ref.secretName}" } block`;
    const manual = (s: RewriteSite, reason: string, suggestion = suggest(s)) => out.unhandled.push({ ...s, reason, suggestion });
    if (/\.tfvars$/i.test(file)) {
      for (const s of input.sites) {
        if (s.kind === 'secret') {
          manual(s, 'a .tfvars file cannot read a data source',
            `delete the value here and, in the module, replace var.${s.assignedTo ?? '<name>'} with ${dataReference(s.ref)} (or set TF_VAR_${s.assignedTo ?? '<name>'} under \`secret-sweep run\`)`);
        }
      }
      return noteUnhandled(out);
    }
    const scan = scanHcl(text);
    if (scan.error) {
      for (const s of input.sites) if (s.kind === 'secret') manual(s, `the file could not be scanned as HCL (${scan.error})`);
      return noteUnhandled(out);
    }
    const groups = new Map<HclString, Located[]>();
    for (const loc of locateSites(text, input.sites, out)) {
      const str = scan.strings.find((s) => s.start < loc.start && loc.end < s.end);
      if (!str) {
        if (loc.site.kind === 'secret') manual(loc.site, 'the value is not inside a string (a comment?)', 'delete it and rotate the secret');
        continue;
      }
      const g = groups.get(str) ?? [];
      g.push(loc);
      groups.set(str, g);
    }
    const labels = new Map<string, string>(); // label -> secret name, to add
    const siblingTexts = this.opts.siblings?.(file) ?? [];
    for (const [str, items] of groups) {
      const secrets = items.filter((x) => x.site.kind === 'secret');
      if (secrets.length === 0) continue;
      const fail = (reason: string, suggestion?: string) => {
        for (const x of secrets) manual(x.site, reason, suggestion);
      };
      const kind = str.block[0];
      if (kind === 'variable') {
        fail('a variable default cannot reference a data source', `remove the default (mark the variable sensitive) and use ${dataReference(secrets[0]!.site.ref)} where var.${str.block[1] ?? '<name>'} is used, or pass it from the caller`);
        continue;
      }
      if (kind === 'provider') {
        const provider = str.block[1] ?? '';
        fail(provider === 'aws'
          ? 'the aws provider would need its own data source to read its credentials (a cycle)'
          : 'a provider is configured before Terraform reads data sources: its credentials cannot come from one',
        providerEdit(provider, secrets.map((x) => x.site.ref)));
        continue;
      }
      if (kind === 'terraform') {
        fail('the terraform block (backend settings) is read before anything is evaluated', 'pass it with -backend-config from the environment instead');
        continue;
      }
      if (kind === 'data' && str.block[1] === DATA_TYPE) continue;
      if (items.some((x) => !PLAIN_NAME.test(x.site.ref.secretName) || !PLAIN_KEY.test(x.site.ref.jsonKey ?? ''))) {
        fail('the secret name or key has characters that need escaping');
        continue;
      }
      if (items.some((x) => !str.literals.some(([a, b]) => a <= x.start && x.end <= b) || /\\|\$\{|%\{/.test(text.slice(x.start, x.end)))) {
        fail('the value runs across an escape or an interpolation');
        continue;
      }
      const whole = !str.heredoc && items.length === 1 && items[0]!.start === str.start + 1 && items[0]!.end === str.end - 1;
      if (whole) {
        out.edits.push({ start: str.start, end: str.end, replacement: dataReference(items[0]!.site.ref) });
      } else {
        for (const x of items) {
          const ref = dataReference(x.site.ref);
          const uri = x.site.kind === 'secret' && x.site.rule !== undefined && URI_RULE.test(x.site.rule);
          out.edits.push({ start: x.start, end: x.end, replacement: `\${${uri ? `urlencode(${ref})` : ref}}` });
        }
      }
      for (const x of items) labels.set(dataLabel(x.site.ref.secretName), x.site.ref.secretName);
    }
    const toAdd = [...labels].filter(([label]) => !declares(text, label) && !siblingTexts.some((t) => declares(t, label)));
    if (toAdd.length) {
      const ind = indentUnit(text);
      const blocks = toAdd.map(([label, name]) => `data "${DATA_TYPE}" "${label}" {\n${ind}secret_id = "${name}"\n}\n`).join('\n');
      const lead = text.length === 0 ? '' : text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
      out.edits.push({ start: text.length, end: text.length, replacement: `${lead}# Added by secret-sweep: read at plan/apply time from AWS Secrets Manager.\n${blocks}` });
      out.notes.push(`${path.posix.basename(file)}: added data "${DATA_TYPE}" ${toAdd.map(([l]) => `"${l}"`).join(', ')}; the values are read into Terraform state (keep the state encrypted and access-controlled)`);
    }
    noteUnhandled(out);
    return guardParses(text, input.sites, out, (after) => scanHcl(after).error);
  }
}
