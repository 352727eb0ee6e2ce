/**
 * Google API keys (AIza...): GET https://generativelanguage.googleapis.com/v1beta/models?pageSize=1 with the
 * key in the X-Goog-Api-Key header (kept out of the URL). Google's error model (google.rpc.ErrorInfo) says
 * what a key is: reason API_KEY_INVALID means no such key; SERVICE_DISABLED or an API_KEY_*_BLOCKED
 * restriction means the key exists but may not call this API, which still makes it live (with its project
 * when Google names it).
 */
import { commonAnswer, endpoint, hostOf, request } from '../http.js';
import type { Verifier } from '../verifier.js';

const base = () => endpoint('google', 'https://generativelanguage.googleapis.com');

/** The reason and consumer of the first google.rpc.ErrorInfo in an error body. */
export function errorInfo(json: unknown): { reason?: string; consumer?: string } {
  const details = (json as { error?: { details?: unknown } } | undefined)?.error?.details;
  if (!Array.isArray(details)) return {};
  for (const d of details as Array<{ reason?: unknown; metadata?: { consumer?: unknown } }>) {
    if (typeof d?.reason === 'string') return { reason: d.reason, consumer: typeof d.metadata?.consumer === 'string' ? d.metadata.consumer : undefined };
  }
  return {};
}

export const verifier: Verifier = {
  id: 'google',
  hosts: () => [hostOf(base())],
  async verify({ secret }, ctx) {
    const a = await request(`${base()}/v1beta/models?pageSize=1`, { headers: { 'x-goog-api-key': secret } }, ctx);
    if (a.status === 200) return { status: 'live', identity: { access: 'Generative Language API' } };
    const info = errorInfo(a.json);
    if (info.reason === 'API_KEY_INVALID') return { status: 'invalid', reason: `HTTP ${a.status} API_KEY_INVALID` };
    if (info.reason === 'SERVICE_DISABLED' || /^API_KEY_[A-Z_]+_BLOCKED$/.test(info.reason ?? '')) {
      return { status: 'live', identity: { restriction: info.reason!, ...(info.consumer ? { project: info.consumer } : {}) } };
    }
    // Any other 400/403 is not Google saying the key does not exist.
    if (a.status === 400 || a.status === 403) return { status: 'unknown', reason: `HTTP ${a.status}${info.reason ? ' ' + info.reason : ''}` };
    return commonAnswer(a);
  },
};
