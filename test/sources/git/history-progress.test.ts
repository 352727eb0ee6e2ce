import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProgressBar, progressWanted } from '../../../src/sources/git/history-progress.js';

afterEach(() => vi.unstubAllEnvs());

describe('history progress bar', () => {
  it('shows commits, blobs, MB, rate and ETA', () => {
    const bar = new ProgressBar(() => ({ commits: 50, totalCommits: 200, blobs: 1234, bytes: 5 * 1048576 }));
    const line = bar.line();
    expect(line).toMatch(/^\[#{6}-{18}\] 50\/200 commits · 1234 blobs · 5\.0 MB · [\d.]+ MB\/s · ETA (\d+:\d\d|--:--)$/);
  });

  it('is off in CI and when stderr is not a terminal', () => {
    vi.stubEnv('CI', 'true');
    expect(progressWanted()).toBe(false);
    vi.stubEnv('CI', '');
    expect(progressWanted()).toBe(Boolean(process.stderr.isTTY));
  });
});
