// `npm ci` / `npm install` in a checkout of this repository: install the husky hooks and build dist/.
// Run as `postinstall`, not `prepare`: npm (>= 10.5) prints every pack-time script (`prepare`, `prepack`)
// on `npm pack`'s stdout, and the pre-commit framework reads the tarball name from that stdout. An
// installed package (no src/) has nothing to build, so this exits at once there. Output goes to stderr.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}src/cli/main.ts`) || !existsSync(`${root}tsconfig.json`)) process.exit(0);

const npm = process.env.npm_execpath;
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 2, 2], shell: process.platform === 'win32' });
// husky: as before, a missing .git (a tarball unpacked elsewhere) is not an error.
if (existsSync(`${root}.git`) && existsSync(`${root}node_modules/husky/bin.js`)) run(process.execPath, [`${root}node_modules/husky/bin.js`]);
const build = npm && /\.[cm]?js$/.test(npm) ? run(process.execPath, [npm, 'run', 'build']) : run('npm', ['run', 'build']);
process.exit(build.status ?? 1);
