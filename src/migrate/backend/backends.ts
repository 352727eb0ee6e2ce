/** The backends by id (`--backend`). */
import { SweepError } from '../../errors.js';
import { awsBackend } from './aws.js';
import type { Backend } from './backend.js';
import { dotenvBackend } from './dotenv.js';

export const BACKENDS: readonly Backend[] = [awsBackend, dotenvBackend];

export function backendFor(id: string | undefined): Backend {
  const b = BACKENDS.find((x) => x.id === (id ?? 'aws'));
  if (!b) throw new SweepError(`unknown backend ${JSON.stringify(id)} (use ${BACKENDS.map((x) => x.id).join(' or ')})`);
  return b;
}
