/** The reporters by format name (`scan --format NAME`). */
import { SweepError } from '../errors.js';
import type { Reporter } from './reporter.js';
import { textReporter } from './text.js';
import { jsonReporter } from './json.js';
import { jsonlReporter } from './jsonl.js';
import { sarifReporter } from './sarif.js';
import { junitReporter } from './junit.js';
import { gitlabReporter } from './gitlab.js';

export const FORMATS = ['text', 'json', 'jsonl', 'sarif', 'junit', 'gitlab'] as const;
export type Format = (typeof FORMATS)[number];

const reporters: Record<Format, Reporter> = {
  text: textReporter,
  json: jsonReporter,
  jsonl: jsonlReporter,
  sarif: sarifReporter,
  junit: junitReporter,
  gitlab: gitlabReporter,
};

export function isFormat(name: string): name is Format {
  return (FORMATS as readonly string[]).includes(name);
}

/** The reporter for a format name; an unknown name is a usage error that lists the valid ones. */
export function getReporter(format: string): Reporter {
  if (!isFormat(format)) {
    throw new SweepError(`unknown format "${format}": valid formats are ${FORMATS.join(', ')}`);
  }
  return reporters[format];
}

export type { Reporter, ReportContext } from './reporter.js';
