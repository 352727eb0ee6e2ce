import type { Finding } from '../findings/finding.js';
import type { SourceStats } from '../sources/source.js';

/** What every reporter gets besides the findings. */
export interface ReportContext {
  /** Tool version, for SARIF/GitLab "tool" blocks. */
  version: string;
  /** The project's page (package.json `homepage`, else `repository`), for SARIF/GitLab "tool" blocks; unset: the npm page. */
  informationUri?: string;
  /** Absolute path of the scanned root (reporters print paths relative to it: finding.file already is). */
  root: string;
  /** Plaintext only when the user passed --show-secrets. */
  showSecrets: boolean;
  /** Colour for the text reporter (TTY and no NO_COLOR and no --no-color). */
  color: boolean;
  stats: SourceStats;
  /** Rule metadata by id (description, tags, references) for SARIF rules / GitLab identifiers. */
  rules: Map<string, { id: string; description: string; tags: string[]; references: string[]; severity: string }>;
  /**
   * Findings an inline allow marker suppressed (`Finding.suppressed` set): not findings, but every report
   * lists them so a marker added by a change is seen in review.
   */
  suppressed?: Finding[];
  /** Scan start and end (ISO strings), for reports that carry times. */
  startedAt: string;
  finishedAt: string;
}

/** A reporter is a plain function from results to a string (written to stdout or --output). */
export type Reporter = (findings: Finding[], ctx: ReportContext) => string;
