import { describe, expect, it } from 'vitest';
import { packageBundler } from '../../../src/migrate/rewrite/bundler.js';

describe('packageBundler: which packages a bundler builds (no top-level await there)', () => {
  it('names the bundler of a build script, a config file or a dependency; esbuild --format=esm keeps ES modules', () => {
    expect(packageBundler({ scripts: { build: 'esbuild src/index.js --bundle --platform=node --format=cjs --outfile=dist/app.cjs' } }, [])).toMatch(/^esbuild \(its build script: esbuild src/);
    expect(packageBundler({ scripts: { build: 'npx webpack --mode production' } }, [])).toMatch(/^webpack/);
    expect(packageBundler({ scripts: { build: 'tsc && ncc build dist/index.js -o out' } }, [])).toMatch(/^ncc/);
    expect(packageBundler({ scripts: { build: 'esbuild src/index.js --bundle --format=esm --outfile=dist/app.mjs' } }, [])).toBeUndefined();
    expect(packageBundler({ scripts: { build: 'esbuild src/index.js --bundle --format=esm' }, devDependencies: { esbuild: '^0.25.0' } }, [])).toBeUndefined();
    expect(packageBundler({ scripts: { build: 'node build.mjs' } }, ['rollup.config.mjs'])).toBe('rollup (rollup.config.mjs)');
    expect(packageBundler({ scripts: { build: 'node build.mjs' }, devDependencies: { tsup: '^8.0.0' } }, [])).toBe('tsup (a dependency)');
    expect(packageBundler({ scripts: { start: 'node server.js', lint: 'eslint .' } }, [])).toBeUndefined();
    expect(packageBundler({}, [])).toBeUndefined();
  });
});
