// secret-sweep is not published on the npm registry: no doc, CI template or hook hint may tell anyone to
// fetch the registry's `secret-sweep` (`npx --yes secret-sweep`, `npm i -g secret-sweep`): it would run
// whatever someone publishes under that name. Installing from the repository is documented instead.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { hookSnippet } from '../../src/hooks/installer.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REGISTRY_NAME = /\bnpx\s+(--yes\s+|-y\s+)?secret-sweep\b|\bnpm\s+(i|install|add)\s+(-[gD]\s+|--global\s+|--save-dev\s+)*secret-sweep\b/;

it('docs, templates and the hook hint never fetch the unpublished registry name', () => {
  const texts: Array<[string, string]> = [
    ['README.md', readFileSync(join(ROOT, 'README.md'), 'utf8')],
    ['action.yml', readFileSync(join(ROOT, 'action.yml'), 'utf8')],
    ['rules/README.md', readFileSync(join(ROOT, 'rules/README.md'), 'utf8')],
    ['.pre-commit-hooks.yaml', readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')],
    ...readdirSync(join(ROOT, 'docs')).map((f): [string, string] => [`docs/${f}`, readFileSync(join(ROOT, 'docs', f), 'utf8')]),
    ['hook snippet', hookSnippet()],
  ];
  const bad = texts.flatMap(([name, text]) => text.split('\n').filter((l) => REGISTRY_NAME.test(l) && !/\bnever\b|that downloads/.test(l)).map((l) => `${name}: ${l.trim()}`));
  expect(bad).toEqual([]);
  const docs = readFileSync(join(ROOT, 'docs/ci-and-hooks.md'), 'utf8');
  expect(docs).toContain('npm i -g github:OWNER/secret-sweep#REF');
});
