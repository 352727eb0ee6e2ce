/**
 * Values in commit and annotated-tag messages ("remove token ghp_…" pasted into a message) and in commit
 * headers (author and committer name and email, any extra header; a tag's tagger is read with its
 * message), as the gate's `scan --history` reads them: runGitScan reads files only, yet each is in every
 * clone. Found here so they are reported (rotate) and written to the replacements file, which the scrub
 * gives to `--replace-message` and to its name and email callbacks (scrub-callbacks.ts); other headers
 * are dropped by the rewrite. Ref names: ref-findings.ts.
 */
import type { DetectorOptions } from '../detect/detector.js';
import type { Finding } from '../findings/finding.js';
import type { RuleSpec } from '../rules/rule.js';
import { scanMessages } from '../sources/git/messages.js';

/** Findings in messages and commit headers whose values no file finding already has (those are scrubbed from messages too). */
export async function messageFindings(root: string, rules: RuleSpec[], options: DetectorOptions, known: ReadonlySet<string>): Promise<Finding[]> {
  // A repository git cannot list the messages of (none of the history scan's concern) has none to read here.
  return scanMessages({ root, revArgs: ['--all'], tags: true, headers: true, rules, options, known }).catch(() => []);
}
