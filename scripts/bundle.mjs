// Bundles the CLI and its worker into dist/bundle/ so start-up loads two files instead of hundreds of
// modules (a pre-commit hook must answer in well under a second). Native addons and the AWS SDK stay
// external: the SDK is only loaded by commands that talk to AWS.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

rmSync('dist/bundle', { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: "import { createRequire as __ssCreateRequire } from 'node:module'; const require = __ssCreateRequire(import.meta.url);" },
  logLevel: 'warning',
};

/**
 * yargs' help layout (cliui, wrap-ansi) measures text with string-width, whose modules build an
 * Intl.Segmenter and Unicode-property regexes (`\p{RGI_Emoji}`) when they load: ~280M instructions
 * (callgrind), half a `node -e 0`, paid by every command line that goes through yargs although only
 * --help and errors ever measure text. Each such top-level constant whose only use is `.segment(` or
 * `.test(` becomes an object that builds it on first use. A file that does not look so is left as it is.
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(b) {
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (a) => {
      let text = readFileSync(a.path, 'utf8');
      const make = /^const (\w+) = (new Intl\.Segmenter\(\)|\/.*\/[a-z]*);$/gm;
      for (const [line, name, expr] of [...text.matchAll(make)]) {
        const method = expr.startsWith('new') ? 'segment' : 'test';
        // Uses in code, not in comment lines (`// … no segmenter, regex …`).
        const code = text.split(line).join('').replace(/^\s*(\/\/|\/?\*).*$/gm, '');
        const uses = code.match(new RegExp(`\\b${name}\\b(\\.\\w+\\()?`, 'g')) ?? [];
        if (uses.length === 0 || uses.some((u) => u !== `${name}.${method}(`)) continue;
        text = text.replace(line, `let ${name}$;\nconst ${name} = { ${method}: (s) => (${name}$ ??= ${expr}).${method}(s) };`);
      }
      return { contents: text, loader: 'js' };
    });
  },
};

await build({
  ...common,
  entryPoints: { cli: 'dist/cli/main.js', worker: 'dist/engine/worker.js' },
  outdir: 'dist/bundle',
  splitting: true,
  plugins: [lazyStringWidth],
  // The database drivers are optional dependencies, loaded by the verifiers only when present.
  external: ['re2', '@aws-sdk/*', '@smithy/*', 'pg', 'mysql2', 'mongodb'],
});

// The pre-commit hook's entry (src/cli/hook-main.ts), alone and whole in dist/bundle/hook.cjs: a hook run
// loads one module instead of the forty-odd chunks above. Nothing is shared with those chunks (a class
// loaded twice would fail `instanceof`): its dynamic imports are inlined, and packages (yargs, simple-git)
// are loaded from node_modules if ever asked for. Except what the hook's command lines (`scan --staged`
// with at most --all-lines, --baseline, --config, --debug, --no-color: hook-argv.ts) cannot reach: other
// scan modes (not gate-config.ts: --staged reads HEAD's config through it), report formats and --verify,
// whose verifiers would load node:tls at start-up. Those become a module that throws: reached after all,
// the scan stops with exit 2, it never passes.
const NOT_ON_THE_HOOK_PATH = [
  /^verify\//,
  /^report\/(json|jsonl|sarif|junit|gitlab)\.js$/,
  /^scan\/(ci-history|ci-range)\.js$/,
  /^sources\/(stdin|git\/history-source|git\/range-paths)\.js$/,
  /^engine\/(pool|run-blobs)\.js$/,
];
/** Dynamic imports of modules matching `unreachable` become a module that throws, naming `entry`. */
const only = (entry, unreachable) => ({
  name: 'only',
  setup(b) {
    b.onResolve({ filter: /^\./ }, (a) => {
      if (a.kind !== 'dynamic-import') return undefined;
      const rel = relative(resolve('dist'), resolve(a.resolveDir, a.path)).split('\\').join('/');
      if (!unreachable.some((re) => re.test(rel))) return undefined;
      return { path: rel, namespace: 'not-on-this-path' };
    });
    b.onLoad({ filter: /.*/, namespace: 'not-on-this-path' }, (a) => ({
      contents: `throw new Error(${JSON.stringify(`${a.path} is not in ${entry}; run the full CLI, dist/bundle/cli.js`)});`,
      loader: 'js',
    }));
  },
});
// The common `scan` lines' entry (src/cli/scan-main.ts: a folder scan with --format, -o …), alone and
// whole in dist/bundle/scan.cjs, like the hook's: one module to load instead of the chunks above. What its
// command lines (hook-argv.ts quickScanArgs) cannot reach is left out as for the hook: --verify, --ci,
// --range, --history and standard input; report formats and the worker pool are in.
const NOT_ON_THE_SCAN_PATH = [
  /^verify\//,
  /^scan\/(ci-history|ci-range|ci-base-check)\.js$/,
  /^sources\/(stdin|git\/history-source|git\/range-paths)\.js$/,
  /^engine\/run-blobs\.js$/,
];
// Each alone and whole: splitting off, packages loaded from node_modules, the unreachable stubbed out.
const whole = (what, unreachable) => ({ ...common, outdir: 'dist/bundle', splitting: false, packages: 'external', plugins: [only(what, unreachable)] });
/**
 * The pre-commit entry and the scan entry are CommonJS, so that bin/secret-sweep.js loads them through V8's
 * code cache (bin/precompiled.js: compiling the entry was a fifth of a hook run, and ~15 ms of a small folder's
 * scan as an ES module) and without Node's ES module loader. In strict mode, as the ES modules they are made
 * of; import.meta.url is the bundle's own URL, as in the ES bundles.
 *
 * A code cache is V8's compiled form of one exact text, but V8 checks only the text's length: the first line
 * names the content (its SHA-256), and a cache is used only for the bundle whose name it was made for.
 * vm.Script runs the bundle with no loader for dynamic import(): the build fails if one is left in it.
 */
async function cjsEntry(name, source, what, unreachable) {
  await build({
    ...whole(what, unreachable),
    entryPoints: { [name]: source },
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    define: { 'import.meta.url': '__ssImportMetaUrl' },
    banner: { js: "'use strict'; const __ssImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  const file = `dist/bundle/${name}.cjs`;
  const text = readFileSync(file, 'utf8');
  if (/\bimport\(/.test(text)) throw new Error(`${file} holds a dynamic import(), which bin/precompiled.js cannot load`);
  writeFileSync(file, `// bundle ${createHash('sha256').update(text).digest('hex')}\n${text}`);
}
await cjsEntry('scan', 'dist/cli/scan-main.js', 'the scan entry (dist/bundle/scan.cjs)', NOT_ON_THE_SCAN_PATH);
await cjsEntry('hook', 'dist/cli/hook-main.js', 'the pre-commit entry (dist/bundle/hook.cjs)', NOT_ON_THE_HOOK_PATH);
