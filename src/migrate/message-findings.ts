/**
 * Values in commit and annotated-tag messages ("remove token ghp_…" pasted into a message): the history
 * scan reads files only, yet a message is in every clone too. Found here so they are reported (rotate) and
 * written to the replacements file, which the scrub also gives to `--replace-message`.
 * Branch and tag names are not read (filter-repo cannot rewrite them from a replacements file either).
 */
import type { DetectorOptions } from '../detect/detector.js';
import type { Finding } from '../findings/finding.js';
import type { RuleSpec } from '../rules/rule.js';
import { scanMessages } from '../sources/git/messages.js';

/** Findings in messages whose values no file finding already has (those are scrubbed from messages too). */
export async function messageFindings(root: string, rules: RuleSpec[], options: DetectorOptions, known: ReadonlySet<string>): Promise<Finding[]> {
  // A repository git cannot list the messages of (none of the history scan's concern) has none to read here.
  return scanMessages({ root, revArgs: ['--all'], tags: true, rules, options, known }).catch(() => []);
}
