/** The reporters by format name (`scan --format NAME`). */
import { SweepError } from '../errors.js';
import type { Reporter } from './reporter.js';

export const FORMATS = ['text', 'json', 'jsonl', 'sarif', 'junit', 'gitlab'] as const;
export type Format = (typeof FORMATS)[number];

// Loaded on demand: a pre-commit run that prints text should not pay for SARIF, JUnit and GitLab.
const loaders: Record<Format, () => Promise<Reporter>> = {
  text: async () => (await import('./text.js')).textReporter,
  json: async () => (await import('./json.js')).jsonReporter,
  jsonl: async () => (await import('./jsonl.js')).jsonlReporter,
  sarif: async () => (await import('./sarif.js')).sarifReporter,
  junit: async () => (await import('./junit.js')).junitReporter,
  gitlab: async () => (await import('./gitlab.js')).gitlabReporter,
};

export function isFormat(name: string): name is Format {
  return (FORMATS as readonly string[]).includes(name);
}

/** The reporter for a format name; an unknown name is a usage error that lists the valid ones. */
export async function loadReporter(format: string): Promise<Reporter> {
  if (!isFormat(format)) {
    throw new SweepError(`unknown format "${format}": valid formats are ${FORMATS.join(', ')}`);
  }
  return loaders[format]();
}

export type { Reporter, ReportContext } from './reporter.js';
