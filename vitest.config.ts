import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// In CI a JSON report is written too, so .ci/run can print the "N passed, N failed" line.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Most test files wait on child processes (git, node, python, the AWS SDK's backoff): two at a time on
    // two cores (vitest's default is one fewer than the cores, so CI ran them one by one, ~16 min).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The AWS SDK's multi-line "upgrade Node" notice would drown test output on Node 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: process.env.CI ? { json: 'test-results.json' } : undefined,
  },
});
