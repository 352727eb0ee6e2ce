/**
 * Which JS/TS files and .env variables reach a web browser (browser-code.ts): their values stay manual.
 */
import { describe, expect, it } from 'vitest';
import { browserCodeReason, publicEnvReason } from '../../../src/migrate/rewrite/browser-code.js';

describe('browser code', () => {
  it('a client component, or a file reading import.meta.env, runs in the browser in any package', () => {
    expect(browserCodeReason('app/x.tsx', "'use client';\nexport const A = 1;\n")).toMatch(/client component/);
    expect(browserCodeReason('app/x.tsx', '// header\n"use client"\nexport const A = 1;\n')).toMatch(/client component/);
    expect(browserCodeReason('src/k.ts', 'export const m = import.meta.env.MODE;\n')).toMatch(/import\.meta\.env/);
    // Not a directive: the string is not the first statement.
    expect(browserCodeReason('src/k.ts', "const a = 1;\n'use client';\n")).toBeUndefined();
    expect(browserCodeReason('src/k.ts', "export const a = 'x';\n")).toBeUndefined();
  });

  it('in a front-end package, client files are browser code; server places, CommonJS and Node imports are not', () => {
    const fe = (file: string, text = "export const k = 'x';\n", dir = 'web') => browserCodeReason(file, text, 'react-dom', dir);
    for (const f of ['web/src/App.jsx', 'web/src/api/client.ts', 'web/components/Button.tsx', 'web/pages/index.tsx', 'web/public/widget.js']) {
      expect(fe(f), f).toMatch(/front-end package \(its package\.json depends on react-dom\)/);
    }
    for (const f of ['web/pages/api/charge.js', 'web/src/pages/api/x.ts', 'web/app/api/pay/route.ts', 'web/server/index.ts', 'web/api/hook.js',
      'web/vite.config.ts', 'web/next.config.mjs', 'web/middleware.ts', 'web/src/db.server.ts', 'web/src/App.test.tsx', 'web/scripts/seed.js', 'web/tool.cjs']) {
      expect(fe(f), f).toBeUndefined();
    }
    expect(fe('web/src/mail.ts', "import nodemailer from 'nodemailer';\n")).toBeUndefined();
    expect(fe('web/src/fsx.ts', "import { readFileSync } from 'node:fs';\n")).toBeUndefined();
    expect(fe('web/src/fsx.js', "const fs = require('fs');\n")).toBeUndefined();
    expect(fe('web/app/actions.ts', "'use server';\nexport async function act() {}\n")).toBeUndefined();
    // The package folder is not part of the place: a package in `server/` still has browser files.
    expect(browserCodeReason('server/src/App.jsx', "export const k = 'x';\n", 'vite', 'server')).toMatch(/front-end package/);
    // Without a front-end dependency, a plain file is server code.
    expect(browserCodeReason('api/src/App.jsx', "export const k = 'x';\n", undefined, 'api')).toBeUndefined();
  });

  it('.env variables with a public prefix are inlined into the browser bundle', () => {
    expect(publicEnvReason('VITE_STRIPE_KEY')).toMatch(/^VITE_STRIPE_KEY: Vite compiles VITE_\* variables/);
    expect(publicEnvReason('NEXT_PUBLIC_API_KEY')).toMatch(/Next\.js compiles NEXT_PUBLIC_\*/);
    expect(publicEnvReason('REACT_APP_TOKEN')).toMatch(/Create React App/);
    for (const k of ['STRIPE_SECRET_KEY', 'DB_PASSWORD', 'NEXT_SECRET', 'VITEX_KEY']) expect(publicEnvReason(k), k).toBeUndefined();
  });
});
