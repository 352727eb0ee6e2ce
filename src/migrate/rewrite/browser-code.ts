/**
 * Code and settings that end up in a web browser. A browser cannot fetch from Secrets Manager (no AWS
 * credentials, no SDK, no child process for the synchronous helper), and whatever is bundled for it is
 * readable by every visitor: such a value is left for a human, with the reason, never rewritten into an
 * AWS call (which would break the build or the page) nor into an `sm://` reference (which the bundler
 * would inline as text).
 *
 * - a `.env` variable with a framework's public prefix (`VITE_`, `NEXT_PUBLIC_`, `REACT_APP_`, ...): the
 *   bundler inlines it into client code;
 * - JS/TS with a `'use client'` directive (React Server Components), or reading `import.meta.env`
 *   (Vite and the bundlers that copied it);
 * - JS/TS of a package whose package.json depends on a front-end framework or bundler (react-dom, vite,
 *   next, vue, ...), unless it is server code by its place (`pages/api/`, `app/…/route.ts`, `server/`,
 *   `*.config.*`, ...), a `'use server'` directive, CommonJS, or an import of a Node-only module.
 * Cautious, like the env-file readers: a wrong "browser" only leaves a value for a human, a wrong
 * "server" breaks the page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

/** `.env` prefixes that a front-end framework inlines into client code, and who does. */
const PUBLIC_PREFIXES: ReadonlyArray<[prefix: string, who: string]> = [
  ['NEXT_PUBLIC_', 'Next.js'], ['VITE_', 'Vite'], ['REACT_APP_', 'Create React App'], ['NUXT_PUBLIC_', 'Nuxt'],
  ['EXPO_PUBLIC_', 'Expo'], ['GATSBY_', 'Gatsby'], ['VUE_APP_', 'Vue CLI'], ['PUBLIC_', 'SvelteKit and Astro'],
  ['STORYBOOK_', 'Storybook'], ['SNOWPACK_PUBLIC_', 'Snowpack'], ['NG_APP_', 'Angular (@ngx-env)'],
];

/** Pure: why the `.env` variable `key` reaches the browser (its framework's public prefix), or undefined. */
export function publicEnvReason(key: string): string | undefined {
  const hit = PUBLIC_PREFIXES.find(([p]) => key.startsWith(p));
  return hit ? `${key}: ${hit[1]} compiles ${hit[0]}* variables into the code it bundles for the browser, where every visitor can read them and nothing can fetch from Secrets Manager` : undefined;
}

/** What to do by hand with a value that reaches the browser. */
export const BROWSER_SUGGESTION = 'rotate it, and move what uses it to server code (an API route or server function that reads the secret with the generated helper or `secret-sweep run`), which the browser calls; a key meant to be public (a publishable key) is no secret: allowlist it';

/** Front-end frameworks and bundlers: a package that depends on one builds code for the browser. */
const FRONT_END = new Set([
  'react-dom', 'react-scripts', 'next', 'vite', '@vitejs/plugin-react', '@vitejs/plugin-vue', 'vue', 'nuxt', '@angular/core',
  'svelte', '@sveltejs/kit', 'gatsby', 'parcel', 'astro', 'preact', 'solid-js', '@remix-run/react', 'expo', 'react-native',
  'lit', 'ember-source', '@builder.io/qwik',
]);

/** Packages that only run in Node: a file importing one is server code. */
const NODE_ONLY = new Set([
  ...builtinModules, 'express', 'fastify', 'koa', '@hapi/hapi', 'pg', 'mysql', 'mysql2', 'mongodb', 'mongoose', 'ioredis', 'redis',
  'aws-sdk', 'dotenv', 'knex', 'sequelize', '@prisma/client', 'nodemailer', 'firebase-admin', 'server-only', 'next/server',
]);

/**
 * Places that hold server code in a front-end package (path inside the package): Next.js API routes and
 * route handlers, a server folder, serverless functions at the package root, tool configs and tests.
 */
const SERVER_PATH = /(^|\/)(pages\/api|server|servers|backend)\/|^(api|scripts|functions|netlify\/functions|lambda|bin)\/|(^|\/)app\/(.+\/)?route\.[cm]?[jt]sx?$|(^|\/)(middleware|server|instrumentation)\.[cm]?[jt]s$|\.server\.[cm]?[jt]sx?$|(^|\/)[^/]*\.config\.[cm]?[jt]s$|(^|\/)(test|tests|__tests__|e2e)\/|\.(test|spec)\.[cm]?[jt]sx?$/;

/** The first directive of a module (`'use client'`, `"use server"`), when it has one. */
function directive(text: string): string | undefined {
  const m = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(['"])(use (?:client|server))\1/.exec(text);
  return m?.[2];
}

function importsNodeOnly(text: string): boolean {
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g)) {
    const spec = m[2]!;
    if (spec.startsWith('node:')) return true;
    const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
    if (NODE_ONLY.has(pkg) || NODE_ONLY.has(spec) || pkg.startsWith('@aws-sdk/')) return true;
  }
  return false;
}

/**
 * Pure: why the JS/TS `file` (its `text`) runs in a browser, or undefined. `frontEnd` is the front-end
 * dependency of its nearest package.json (undefined: none) and `pkgDir` that package's folder.
 */
export function browserCodeReason(file: string, text: string, frontEnd?: string, pkgDir = '.'): string | undefined {
  const d = directive(text);
  if (d === 'use client') return `${file} is a client component ('use client'): it runs in the browser, which cannot fetch from Secrets Manager, and every visitor can read what it holds`;
  if (d === 'use server') return undefined;
  if (/\bimport\.meta\.env\b/.test(text)) return `${file} reads import.meta.env: a bundler (Vite) builds it for the browser, which cannot fetch from Secrets Manager, and every visitor can read what it holds`;
  if (!frontEnd) return undefined;
  const inPkg = pkgDir === '.' || pkgDir === '' ? file : file.slice(pkgDir.length + 1);
  if (SERVER_PATH.test(inPkg) || /\.c[jt]s$/i.test(file) || /\brequire\s*\(|\bmodule\.exports\b/.test(text) || importsNodeOnly(text)) return undefined;
  return `${file} belongs to a front-end package (its package.json depends on ${frontEnd}): it is bundled for the browser, which cannot fetch from Secrets Manager, and every visitor can read what it holds`;
}

/** For each JS/TS file (relative to `root`), why it runs in a browser, or undefined (reads the nearest package.json). */
export function browserCodeFinder(root: string): (file: string, text: string) => string | undefined {
  const cache = new Map<string, { dir: string; frontEnd?: string } | undefined>();
  const pkgOf = (dir: string): { dir: string; frontEnd?: string } | undefined => {
    if (cache.has(dir)) return cache.get(dir);
    let found: { dir: string; frontEnd?: string } | undefined;
    const pj = path.join(root, dir, 'package.json');
    if (existsSync(pj)) {
      try {
        const j = JSON.parse(readFileSync(pj, 'utf8')) as Record<string, unknown>;
        const deps = ['dependencies', 'devDependencies', 'peerDependencies'].flatMap((k) => Object.keys((j[k] as object | null) ?? {}));
        found = { dir, frontEnd: deps.find((x) => FRONT_END.has(x)) };
      } catch {
        found = { dir };
      }
    } else if (dir !== '.' && dir !== '') found = pkgOf(path.posix.dirname(dir));
    cache.set(dir, found);
    return found;
  };
  return (file, text) => {
    const f = file.split(path.sep).join('/');
    const pkg = pkgOf(path.posix.dirname(f));
    return browserCodeReason(f, text, pkg?.frontEnd, pkg?.dir);
  };
}
