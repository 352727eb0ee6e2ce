/** Every report format says when a run could not read everything, and stays quiet when it could. */
import { describe, expect, it } from 'vitest';
import { gitlabReporter } from '../../src/report/gitlab.js';
import { jsonReporter } from '../../src/report/json.js';
import { junitReporter } from '../../src/report/junit.js';
import { sarifReporter } from '../../src/report/sarif.js';
import { textReporter } from '../../src/report/text.js';
import type { Skipped } from '../../src/sources/source.js';
import { makeCtx } from './helpers.js';

const ordinary: Skipped[] = [
  { path: 'logo.png', reason: 'binary' },
  { path: 'model.bin', reason: 'lfs-pointer' },
  { path: 'link', reason: 'symlink' },
];
const unread: Skipped[] = [
  { path: 'dump.sql', reason: 'too-large', detail: '2000000000 bytes' },
  { path: 'secret.env', reason: 'unreadable', detail: 'EACCES' },
  { path: 'old.txt', reason: 'unreadable', detail: 'blob 0123456789ab: missing or corrupt in the object database' },
];
const ctx = (skipped: Skipped[]) => makeCtx({ stats: { files: 3, bytes: 100, skipped, notes: [] } });

describe('incomplete runs in the reports', () => {
  it('json: top-level incomplete and the unread files; false when only ordinary skips', () => {
    const bad = JSON.parse(jsonReporter([], ctx([...ordinary, ...unread])));
    expect(bad.incomplete).toBe(true);
    expect(bad.skipped.map((s: Skipped) => `${s.path}:${s.reason}`)).toEqual(['dump.sql:too-large', 'secret.env:unreadable', 'old.txt:unreadable']);
    const good = JSON.parse(jsonReporter([], ctx(ordinary)));
    expect(good.incomplete).toBe(false);
    expect(good.skipped).toBeUndefined();
  });

  it('sarif: executionSuccessful false and an error notification per unread file', () => {
    const inv = JSON.parse(sarifReporter([], ctx([...ordinary, ...unread]))).runs[0].invocations[0];
    expect(inv.executionSuccessful).toBe(false);
    const errors = inv.toolExecutionNotifications.filter((n: { level: string }) => n.level === 'error');
    expect(errors).toHaveLength(4); // the summary and three files
    expect(errors.map((n: { message: { text: string } }) => n.message.text).join('\n')).toContain('secret.env');
    expect(JSON.parse(sarifReporter([], ctx(ordinary))).runs[0].invocations[0].executionSuccessful).toBe(true);
  });

  it('gitlab: scan.status failure with a message per unread file', () => {
    const scan = JSON.parse(gitlabReporter([], ctx([...ordinary, ...unread]))).scan;
    expect(scan.status).toBe('failure');
    expect(scan.messages.filter((m: { level: string }) => m.level === 'warn').map((m: { value: string }) => m.value).join('\n')).toContain('dump.sql');
    expect(JSON.parse(gitlabReporter([], ctx(ordinary))).scan.status).toBe('success');
  });

  it('junit: errors counts the unread files, each an <error>', () => {
    const xml = junitReporter([], ctx([...ordinary, ...unread]));
    expect(xml).toMatch(/<testsuite [^>]*errors="3"/);
    expect(xml.match(/<error /g)).toHaveLength(3);
    expect(junitReporter([], ctx(ordinary))).toMatch(/<testsuite [^>]*errors="0"/);
  });

  it('text: a line saying the scan is incomplete', () => {
    expect(textReporter([], ctx([...ordinary, ...unread]))).toContain('incomplete scan: 3 files or blobs could not be read');
    expect(textReporter([], ctx(ordinary))).not.toContain('incomplete');
  });
});
