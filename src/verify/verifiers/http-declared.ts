/**
 * The declared HTTP verifiers (../http-verifiers.json, checked by ../http-spec.ts when the first one loads):
 * one GET or HEAD to the issuer's fixed documented URL with the secret where the entry says, its answer
 * mapped by the entry's list, anything unlisted (429, 5xx, other statuses) `unknown`.
 */
import data from '../http-verifiers.json' with { type: 'json' };
import { commonAnswer, endpoint, hostOf, identity, request, type HttpAnswer } from '../http.js';
import { parseHttpVerifiers, SECRET, type HttpVerifierSpec, type IdentitySource } from '../http-spec.js';
import type { VerificationResult, Verifier } from '../verifier.js';

let specs: Map<string, HttpVerifierSpec> | undefined;

export function declaredVerifier(id: string): Verifier {
  specs ??= parseHttpVerifiers(data);
  const spec = specs.get(id);
  if (!spec) throw new Error(`no declared verifier "${id}"`);
  return verifierOf(spec);
}

/** Strings shown from a JSON list (SendGrid's scopes): the first few, then how many more. */
const SHOWN = 6;

export function verifierOf(spec: HttpVerifierSpec): Verifier {
  const base = () => endpoint(spec.id, spec.url.origin);
  return {
    id: spec.id,
    hosts: () => [hostOf(base())],
    async verify({ secret }, ctx) {
      if (!/^[\x21-\x7e]+$/.test(secret)) return { status: 'unknown', reason: 'not sent: not printable ASCII' };
      if (spec.secretFormat && !spec.secretFormat.test(secret)) return { status: 'unknown', reason: `not sent: not in the ${spec.id} format` };
      // split/join, not replaceAll: a `$&` in a secret must stay as written.
      const fill = (t: string) => t.split(SECRET).join(secret);
      const url = new URL(base() + spec.url.pathname + spec.url.search);
      for (const [k, v] of spec.query) url.searchParams.append(k, fill(v));
      const headers: Record<string, string> = { accept: 'application/json' };
      for (const [k, v] of spec.headers) headers[k.toLowerCase()] = fill(v);
      if (spec.basic) headers.authorization = `Basic ${Buffer.from(`${fill(spec.basic.user)}:${fill(spec.basic.password)}`).toString('base64')}`;
      const a = await request(url.href, { method: spec.method, headers }, ctx);
      return answer(spec, a);
    },
  };
}

function answer(spec: HttpVerifierSpec, a: HttpAnswer): VerificationResult {
  const rule = spec.answers.find((r) => r.statuses.includes(a.status) && r.json.every(([path, v]) => valueAt(a.json, path) === v));
  if (!rule) return commonAnswer(a);
  const reason = (rule.reason ?? (rule.result === 'live' ? undefined : 'HTTP {status}'))?.replaceAll('{status}', String(a.status));
  const id = rule.result === 'live' ? identity(Object.fromEntries(spec.identity.map(([name, src]) => [name, shown(a, src)]))) : undefined;
  return { status: rule.result, ...(id ? { identity: id } : {}), ...(reason ? { reason } : {}) };
}

function valueAt(json: unknown, path: string[]): unknown {
  let v = json;
  for (const k of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = Array.isArray(v) ? (/^\d+$/.test(k) ? v[Number(k)] : undefined) : (v as Record<string, unknown>)[k];
  }
  return v;
}

function shown(a: HttpAnswer, src: IdentitySource): string | undefined {
  if (src.from === 'const') return src.path[0];
  if (src.from === 'header') return a.headers.get(src.path[0]!) ?? undefined;
  const v = valueAt(a.json, src.path);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    const items = v.filter((x): x is string | number => typeof x === 'string' || typeof x === 'number').map(String);
    return items.slice(0, SHOWN).join(',') + (items.length > SHOWN ? `,+${items.length - SHOWN} more` : '');
  }
  return undefined;
}
