// What `npm i <tarball>` costs a user: packs this checkout (its dist/ as built: run `npm run build` first),
// installs the tarball into fresh projects with and without the optional packages (migrate's typescript
// and tree-sitter, the AWS SDK, the --verify database drivers), and prints the tarball's file count and
// the size of node_modules (du -sk). npm's cache first; re2's addon from this checkout (no download).
//   node bench/install-size.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ss-install-size-'));
const env = { ...process.env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
try {
  const mirror = join(work, 're2');
  execFileSync('mkdir', ['-p', mirror]);
  writeFileSync(join(mirror, `${process.platform}-${process.arch}-${process.versions.modules}.gz`), gzipSync(readFileSync(join(root, 'node_modules/re2/build/Release/re2.node'))));
  Object.assign(env, { RE2_DOWNLOAD_MIRROR: mirror, RE2_DOWNLOAD_SKIP_PATH: '1', RE2_DOWNLOAD_SKIP_VER: '1' });
  const tgz = join(work, execFileSync('npm', ['pack', '--pack-destination', work], { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  const files = execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const kb = (p) => Number(execFileSync('du', ['-sk', p], { encoding: 'utf8' }).split('\t')[0]);
  console.log(`tarball: ${(kb(tgz) / 1024).toFixed(1)} MB, ${files.length} files (${files.filter((f) => f.startsWith('package/rules/')).length} under rules/)`);
  for (const args of [[], ['--omit=optional']]) {
    const dir = mkdtempSync(join(work, 'p-'));
    writeFileSync(join(dir, 'package.json'), '{"name":"p","version":"1.0.0","private":true}\n');
    const r = spawnSync('npm', ['i', ...args, tgz], { cwd: dir, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const top = execFileSync('sh', ['-c', 'du -sk node_modules/* node_modules/@* 2>/dev/null | sort -rn | head -5'], { cwd: dir, encoding: 'utf8' })
      .trim().split('\n').map((l) => { const [k, n] = l.split('\t'); return `${n.replace('node_modules/', '')} ${(Number(k) / 1024).toFixed(1)}`; });
    console.log(`npm i ${[...args, '<tarball>'].join(' ')}: node_modules ${(kb(join(dir, 'node_modules')) / 1024).toFixed(1)} MB (largest, MB: ${top.join(', ')})`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
