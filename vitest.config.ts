import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Test files that change what the next file in the same process would see: process.env (endpoint
 * variables, TLS, TMPDIR, CI), spies on process.stdout/stderr, the umask, a module's prebuilt tables,
 * process-wide git state (log copies, progress). Each runs in a fresh process, as vitest's default.
 */
const ISOLATED = [
  'test/verify/**/*.test.ts',
  'test/cli/verify.test.ts',
  'test/cli/verify-refs.test.ts',
  'test/migrate/vault/aws.test.ts',
  'test/migrate/report-replacements.test.ts',
  'test/rules/built-*.test.ts',
  'test/sources/git/history-progress.test.ts',
  'test/sources/git/log-copy*.test.ts',
  'test/fs/write-file.test.ts',
];

// In CI a JSON report is written too, so .ci/run can print the "N passed, N failed" line.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    // Most test files wait on child processes (git, node, python, the AWS SDK's backoff): two at a time on
    // two cores (vitest's default is one fewer than the cores, so CI ran them one by one, ~16 min).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The AWS SDK's multi-line "upgrade Node" notice would drown test output on Node 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: process.env.CI ? { json: 'test-results.json' } : undefined,
    // The other files share their worker process with the files before them (isolate: false): a fresh
    // process per file compiled vitest, the sources and their packages (the AWS SDK, yaml, typescript...)
    // again each time, ~0.4 s CPU a file (14 unit files: 17.8 -> 12.1 s CPU).
    projects: [
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...ISOLATED], isolate: false } },
    ],
  },
});
