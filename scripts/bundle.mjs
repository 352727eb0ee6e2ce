// Bundles the CLI and its worker into dist/bundle/ so start-up loads two files instead of hundreds of
// modules (a pre-commit hook must answer in well under a second). Native addons and the AWS SDK stay
// external: the SDK is only loaded by commands that talk to AWS.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: { cli: 'dist/cli/main.js', worker: 'dist/engine/worker.js' },
  outdir: 'dist/bundle',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: true,
  // The database drivers are optional dependencies, loaded by the verifiers only when present.
  external: ['re2', '@aws-sdk/*', '@smithy/*', 'pg', 'mysql2', 'mongodb'],
  banner: { js: "import { createRequire as __ssCreateRequire } from 'node:module'; const require = __ssCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
