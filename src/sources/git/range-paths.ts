/**
 * Every path the scanned commits touch (`git log --name-only`), for findings about a path itself: a token
 * in a file name is published with the commit even when the file's content is clean.
 */
import { gitOrThrow } from './run.js';

/** `revs`: a range (`A..B`) or revisions to walk; none: every ref. */
export async function touchedPaths(root: string, revs: string[] | undefined): Promise<string[]> {
  const which = revs && revs.length ? ['--end-of-options', ...revs] : ['--all'];
  const out = await gitOrThrow(root, ['log', '--format=', '--name-only', '-z', '--no-renames', ...which, '--'], 'listing the paths of the scanned commits');
  return [...new Set(out.toString('utf8').split('\0').map((p) => p.replace(/^\n+/, '')).filter(Boolean))];
}
