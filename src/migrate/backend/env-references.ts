/** The reference forms every backend shares: environment variable names, `sm://NAME#KEY`. */
import type { ReferenceSyntax } from './backend.js';
import { envVarName } from './env-names.js';
import { smReference } from '../run-env.js';

export const envReferences: ReferenceSyntax = {
  envVariable: (ref) => envVarName(ref.secretName, ref.jsonKey),
  runReference: (ref) => smReference(ref.secretName, ref.jsonKey),
};
