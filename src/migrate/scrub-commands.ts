/**
 * The scrub's commands, printed in the report (and its JSON `scrubCommands`), and what no command can do.
 * A mirror clone of the shared repository (every ref: branches, tags, notes, refs/replace; a plain clone
 * leaves notes behind); with Git LFS, every object fetched (the check reads them) and each path whose
 * object held a value made a plain git file again (filter-repo cannot see into the LFS store); filter-repo
 * with the replacements file and scrub-callbacks.ts's callbacks, refs/replace dropped; the check; a mirror
 * push; the plaintext deleted. What stays on the host (its LFS store, GitHub's pull-request refs and cached
 * views, forks) is said in hostSteps, for the user to ask for.
 */
import { execFileSync } from 'node:child_process';
import { isAbsolute, resolve } from 'node:path';
import { callbackPaths } from './scrub-callbacks.js';
import { lfsValues, usesLfs, type LfsValues } from './lfs-values.js';
import { nonCommitRefObjects, refObjectBlobs } from './ref-findings.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** What the report needs to know about the repository to print the commands. */
export interface ScrubContext {
  root: string;
  /** The remote the shared copy is at (origin, else the only or first remote), to clone and push back to. */
  remote?: string;
  /** The remote's URL when it is a relative path (`../server.git`): resolved here, as the clone runs elsewhere. */
  localPath?: string;
  /** The repository uses Git LFS (lfs-values.ts): its objects are fetched into the mirror (the check reads them). */
  usesLfs?: boolean;
  /** LFS paths whose objects held a value (lfs-values.ts). */
  lfs?: LfsValues;
  /** Blobs and trees a ref names directly that hold a value: filter-repo skips them, so their refs are deleted. */
  refObjects?: string[];
}

/** The blobs and trees refs name directly whose bytes hold one of `values` (as written, or in UTF-16). */
function refObjectsHolding(root: string, values: ReadonlySet<string>): string[] {
  const forms = [...values].flatMap((v) => [Buffer.from(v), Buffer.from(v, 'utf16le')]);
  return [...nonCommitRefObjects(root)].filter(([id, type]) => refObjectBlobs(root, id, type).some((b) => forms.some((f) => b.data.includes(f)))).map(([id]) => id);
}

/**
 * `places`: where the values were (path at a commit, none: HEAD), to find those in LFS objects; `values`:
 * every committed value (scrub.ts), to find the blobs and trees refs name that hold one.
 */
export function scrubContext(root: string, places: ReadonlyArray<{ path: string; commit?: string }> = [], values: ReadonlySet<string> = new Set()): ScrubContext {
  const refObjects = refObjectsHolding(root, values);
  const lfs = usesLfs(root) ? lfsValues(root, places) : undefined;
  // The paths are printed in the report, which is committed: a value in one (`keys/AKIA….lfs`) becomes `?`s.
  if (lfs) lfs.paths = lfs.paths.map((p) => [...values].reduce((out, v) => (v.length >= 4 ? out.split(v).join('?'.repeat(v.length)) : out), p));
  const extra = { ...(lfs ? { usesLfs: true, lfs } : {}), ...(refObjects.length ? { refObjects } : {}) };
  let remotes: string[] = [];
  try {
    // Only the names: a URL may carry a token, and the commands read it at run time.
    remotes = execFileSync('git', ['remote'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().split('\n').filter(Boolean);
  } catch {
    remotes = [];
  }
  const remote = remotes.includes('origin') ? 'origin' : remotes[0];
  if (!remote) return { root, ...extra };
  let url = '';
  try {
    url = execFileSync('git', ['remote', 'get-url', remote], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    url = '';
  }
  // A relative path names a folder from this repository: printed resolved (a path, not a URL that may hold a token).
  const relative = url !== '' && !isAbsolute(url) && !url.includes(':');
  return { root, remote, ...(relative ? { localPath: resolve(root, url) } : {}), ...extra };
}

/** A path as an LFS `--include` pattern: `,` separates patterns and `*[` are wildcards, so each becomes `?` (as a value in it did). */
const lfsPattern = (p: string) => p.replace(/[,*[\]\\]/g, '?');

/**
 * The command sequence, one shell line each (comments after `#`): clone every ref, fetch LFS objects and
 * export those that held a value, scrub files, paths, messages, people and ref names (binary and UTF-16
 * blobs too), check, push every ref back, delete the plaintext.
 */
export function scrubCommands(ctx: ScrubContext, replacements: string): string[] {
  const cb = callbackPaths(replacements);
  const from = ctx.localPath ? q(ctx.localPath) : ctx.remote ? `"$(git -C ${q(ctx.root)} remote get-url ${q(ctx.remote)})"` : q(ctx.root);
  const lfsPaths = ctx.lfs?.paths ?? [];
  return [
    `git clone --mirror --no-local ${from} scrubbed.git   # every ref: branches, tags, notes`,
    'cd scrubbed.git',
    ...(ctx.remote ? [] : ['git update-ref -d refs/stash   # a stash cannot be rewritten (filter-repo refuses it); yours stays in your clone']),
    ...(ctx.usesLfs ? ['git lfs fetch --all   # every Git LFS object of every ref: the check below reads them'] : []),
    ...(lfsPaths.length
      ? [`git lfs migrate export --everything --yes --include=${q(lfsPaths.map(lfsPattern).join(','))}   # LFS objects that held a value, made plain git files so filter-repo scrubs them`,
        'git gc -q --prune=now   # filter-repo wants a freshly packed repository']
      : []),
    ...(ctx.refObjects?.length
      ? [`for ref in $(git for-each-ref --format='%(refname)'); do case ' ${ctx.refObjects.join(' ')} ' in *" $(git rev-parse "$ref^{}") "*) git update-ref -d "$ref";; esac; done   # refs naming a blob or tree that holds a value: filter-repo cannot rewrite those`]
      : []),
    `git filter-repo --replace-text ${q(replacements)} --replace-message ${q(replacements)} --blob-callback ${q(cb.blobs)} --filename-callback ${q(cb.names)}`
      + ` --name-callback ${q(cb.people)} --email-callback ${q(cb.emails)} --refname-callback ${q(cb.refs)} --replace-refs delete-no-add`,
    'secret-sweep scan --history .   # expect no findings',
    // The history scan reads no ref names; the same rules read them from standard input.
    "git for-each-ref --format='%(refname)' | secret-sweep scan -   # ref names: expect no findings",
    ctx.remote ? 'git push --force --mirror   # every ref of the shared repository, rewritten (and renamed refs deleted under their old names)' : '# no remote: scrubbed.git replaces this repository (clone it again from there)',
    `shred -u ${[replacements, cb.blobs, cb.names, cb.people, cb.emails, cb.refs].map(q).join(' ')}   # the plaintext, once done (or rm)`,
  ];
}

/**
 * What the commands cannot reach and the user must ask for or do by hand, one Markdown line each; every
 * value is in the rotate list whatever is done here.
 */
export function hostSteps(ctx: ScrubContext): string[] {
  const oids = ctx.lfs?.oids ?? [];
  return [
    ...(oids.length
      ? [`**Git LFS store:** ${oids.length} LFS object(s) of ${ctx.lfs!.paths.map((p) => `\`${p}\``).join(', ')} held a value; the scrub made those paths plain files, but no push deletes an object from the host's LFS store:`
        + ` ${oids.map((o) => `\`sha256:${o}\``).join(', ')}. GitHub: delete and recreate the repository, or ask GitHub Support to purge them; other hosts: delete them in the LFS storage settings or ask the administrator.`
        + ' Every clone holds them in `.git/lfs/objects/` too (clone again); the mirror\'s copy went with `git lfs migrate export`.']
      : []),
    '**GitHub:** pull-request refs (`refs/pull/*`) are read-only (the mirror push reports them rejected) and old commits stay reachable by id in cached views (commit pages, compare views):'
      + ' contact GitHub Support to remove them, with the old commit ids (`scrubbed.git/filter-repo/commit-map` maps old to new; `filter-repo/ref-map` names the old refs and may hold a value that was in a ref name: delete that folder afterwards). Other hosts: ask the administrator to expire unreachable objects (`git gc`).'
      + " A mirror clone of GitHub also fetches `refs/pull/*`, which this clone lacks: a value only in a pull request's commits makes the check stop (exit 1); fetch them here (`git fetch origin '+refs/pull/*:refs/remotes/origin/pull/*'`) and run migrate again, so it lists and scrubs them too.",
    '**Forks and other clones:** each keeps the old history (stash and reflog included): have every fork scrubbed or deleted and everyone clone again; clear CI caches and artifacts built from old commits.',
  ];
}
