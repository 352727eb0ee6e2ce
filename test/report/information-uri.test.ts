// The SARIF driver's informationUri and the GitLab report's tool url: package.json's homepage or
// repository when it names one (credentials in a repository URL are dropped), else the default as before.
import { describe, expect, it } from 'vitest';
import { projectUrl } from '../../src/cli/version.js';
import { sarifReporter } from '../../src/report/sarif.js';
import { gitlabReporter } from '../../src/report/gitlab.js';
import { makeCtx } from './helpers.js';

describe('projectUrl (package.json)', () => {
  it('homepage first, then repository in each form npm accepts', () => {
    expect(projectUrl({ homepage: 'https://example.org/sweep', repository: 'github:o/n' })).toBe('https://example.org/sweep');
    expect(projectUrl({ repository: { type: 'git', url: 'git+https://github.com/owner/secret-sweep.git' } })).toBe('https://github.com/owner/secret-sweep');
    expect(projectUrl({ repository: 'git+ssh://git@gitlab.example.com/group/sub/tool.git' })).toBe('https://gitlab.example.com/group/sub/tool');
    expect(projectUrl({ repository: 'git@github.com:owner/tool.git' })).toBe('https://github.com/owner/tool');
    expect(projectUrl({ repository: 'owner/tool' })).toBe('https://github.com/owner/tool');
    expect(projectUrl({ repository: 'gitlab:owner/tool' })).toBe('https://gitlab.com/owner/tool');
    expect(projectUrl({ repository: 'https://user:' + 'pw' + '@github.com/owner/tool.git' })).toBe('https://github.com/owner/tool');
  });

  it('nothing usable: undefined (no made-up address)', () => {
    expect(projectUrl({})).toBeUndefined();
    expect(projectUrl({ homepage: 'not a url', repository: { type: 'git' } })).toBeUndefined();
    expect(projectUrl(undefined)).toBeUndefined();
  });
});

describe('reports', () => {
  it('SARIF informationUri and GitLab tool url follow the context, default unchanged', () => {
    const sarif = (c: ReturnType<typeof makeCtx>) => JSON.parse(sarifReporter([], c)).runs[0].tool.driver.informationUri as string;
    const gitlab = (c: ReturnType<typeof makeCtx>) => JSON.parse(gitlabReporter([], c)).scan.scanner.url as string;
    const withUri = makeCtx({ informationUri: 'https://github.com/owner/tool' });
    expect(sarif(withUri)).toBe('https://github.com/owner/tool');
    expect(gitlab(withUri)).toBe('https://github.com/owner/tool');
    expect(sarif(makeCtx())).toBe('https://www.npmjs.com/package/secret-sweep');
    expect(gitlab(makeCtx())).toBe('https://www.npmjs.com/package/secret-sweep');
  });
});
