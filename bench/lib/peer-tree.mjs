// Reads a peer's files from a checkout folder or straight from a git directory (a bare mirror such as
// /work/.mirror/OWNER+NAME/repo, or its parent), at HEAD, so nothing of the peer is copied anywhere.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const isGitDir = (d) => existsSync(join(d, 'HEAD')) && existsSync(join(d, 'objects'));

/** { label, list(prefix) → file paths under prefix (relative, '/'-separated), read(paths) → Map path → text } */
export function peerTree(dir) {
  const gitDir = isGitDir(dir) ? dir : isGitDir(join(dir, 'repo')) ? join(dir, 'repo') : undefined;
  if (!gitDir) {
    return {
      label: dir,
      list(prefix) {
        const out = [];
        const walk = (d) => {
          for (const name of readdirSync(d)) {
            const p = join(d, name);
            if (statSync(p).isDirectory()) walk(p);
            else out.push(relative(dir, p).split('\\').join('/'));
          }
        };
        if (existsSync(join(dir, prefix))) walk(join(dir, prefix));
        return out.sort();
      },
      read: (paths) => new Map(paths.map((p) => [p, readFileSync(join(dir, p), 'utf8')])),
    };
  }
  const git = (args, input) => {
    const r = spawnSync('git', [`--git-dir=${gitDir}`, ...args], { input, maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`git ${args[0]} in ${gitDir}: ${String(r.stderr).split('\n')[0]}`);
    return r.stdout;
  };
  return {
    label: `${gitDir}@${String(git(['rev-parse', '--short=12', 'HEAD'])).trim()}`,
    list: (prefix) => String(git(['ls-tree', '-r', '--name-only', 'HEAD', '--', prefix])).split('\n').filter(Boolean).sort(),
    read(paths) {
      // One `cat-file --batch` for all files: "<sha> blob <size>\n<bytes>\n" per path.
      const buf = git(['cat-file', '--batch'], paths.map((p) => `HEAD:${p}\n`).join(''));
      const out = new Map();
      let at = 0;
      for (const p of paths) {
        const nl = buf.indexOf(10, at);
        const header = buf.subarray(at, nl).toString();
        const size = Number(header.split(' ')[2]);
        if (!/ blob \d+$/.test(header)) throw new Error(`${p}: ${header}`);
        out.set(p, buf.subarray(nl + 1, nl + 1 + size).toString('utf8'));
        at = nl + 1 + size + 1;
      }
      return out;
    },
  };
}
