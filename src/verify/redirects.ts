/** The test redirects of verifier endpoints, checked before a --verify run scans anything. */
import { SweepError } from '../errors.js';
import { endpoint, endpointVariable } from './http.js';
import { VERIFIERS } from './registry.js';

/** Every endpoint redirect set in the environment is checked before any call (a bad one is exit 2). */
export function checkRedirects(env: NodeJS.ProcessEnv): void {
  const known = new Set(Object.keys(VERIFIERS).map(endpointVariable));
  for (const name of Object.keys(env)) {
    if (!name.startsWith('SECRET_SWEEP_VERIFY_ENDPOINT_') || !env[name]) continue;
    if (!known.has(name)) throw new SweepError(`${name}: no verifier by that name (known: ${[...known].join(', ')})`);
    endpoint(name.slice('SECRET_SWEEP_VERIFY_ENDPOINT_'.length).toLowerCase(), 'https://unused', env);
  }
}
