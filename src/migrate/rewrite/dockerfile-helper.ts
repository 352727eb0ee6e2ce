/**
 * A Dockerfile that copies the rewritten Python files into the image one by one (`COPY job.py /`,
 * `COPY settings.py app.py /srv/`) leaves the generated helper out: the container then fails on
 * `import secret_sweep_secrets`. The helper is copied to the same destination, on a line right after the
 * first such COPY. The build context is taken to be the Dockerfile's folder (what `docker build .` uses
 * there). A COPY of the whole context or of a folder that holds the helper already takes it; a COPY to a
 * file name (not a folder), or in the JSON form, is left to a human with a note.
 */
import path from 'node:path';

export interface DockerfileEdit {
  file: string;
  text: string;
  note: string;
}

const COPY = /^([ \t]*)(COPY|ADD)([ \t]+(?:--\S+[ \t]+)*)(.+?)[ \t]*$/i;

/** The edits (and notes) for `dockerfiles` (repository-relative paths with their text) given the helpers and the files that import them. */
export function dockerfileHelperEdits(dockerfiles: ReadonlyArray<{ file: string; text: string }>, helpers: readonly string[], importers: readonly string[]): { edits: DockerfileEdit[]; notes: string[] } {
  const edits: DockerfileEdit[] = [];
  const notes: string[] = [];
  for (const df of dockerfiles) {
    const ctx = path.posix.dirname(df.file);
    const rel = (f: string) => (ctx === '.' ? f : f.startsWith(`${ctx}/`) ? f.slice(ctx.length + 1) : undefined);
    const lines = df.text.split('\n');
    let text = df.text;
    for (const h of helpers) {
      const helper = rel(h);
      if (helper === undefined) continue;
      const users = importers.filter((f) => path.posix.dirname(f) === path.posix.dirname(h)).map(rel).filter((f): f is string => f !== undefined);
      const copies = lines.map((l, i) => ({ i, m: COPY.exec(l.replace(/\r$/, '')) })).filter((x) => x.m && !x.m[4]!.startsWith('['));
      const args = (m: RegExpExecArray) => m[4]!.split(/[ \t]+/);
      const norm = (s: string) => s.replace(/^\.\//, '').replace(/\/$/, '');
      const covers = (src: string) => { const s = norm(src); return s === '.' || s === '' || /[*?[]/.test(s) || helper === s || helper.startsWith(`${s}/`); };
      if (copies.some((c) => args(c.m!).slice(0, -1).some(covers))) continue;
      const first = copies.find((c) => args(c.m!).slice(0, -1).some((s) => users.includes(norm(s))));
      if (!first) continue;
      const m = first.m!;
      const dest = args(m).at(-1)!;
      if (!(dest.endsWith('/') || dest === '.' || args(m).length > 2)) {
        notes.push(`${df.file}:${first.i + 1}: copies ${args(m)[0]} to a file name: add \`COPY ${helper} <its folder>/\` so the image has the helper it imports`);
        continue;
      }
      const eol = lines[first.i]!.endsWith('\r') ? '\r' : '';
      const line = `${m[1]}${m[2]}${m[3]}${helper} ${dest}${eol}`;
      lines.splice(first.i + 1, 0, line);
      text = lines.join('\n');
      notes.push(`${df.file}: copies ${helper} into the image beside the code that imports it (line ${first.i + 2})`);
    }
    if (text !== df.text) edits.push({ file: df.file, text, note: notes.at(-1)! });
  }
  return { edits, notes };
}
