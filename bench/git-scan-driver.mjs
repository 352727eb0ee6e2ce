#!/usr/bin/env node
// Fallback for bench/history.sh and bench/staged.sh while `secret-sweep scan --history/--staged` is not
// wired into the CLI: the same call the CLI makes (dist/scan/git-scan.js), findings written as JSON lines.
//   node bench/git-scan-driver.mjs history|staged REPO OUTPUT
import { writeFileSync } from 'node:fs';
const [mode, root, output = '/dev/null'] = process.argv.slice(2);
const { loadRuleSpecs } = await import('../dist/rules/load.js');
const { runGitModes } = await import('../dist/scan/git-scan.js');
const { createScanner } = await import('../dist/engine/scanner.js');
const r = await runGitModes(createScanner({ rules: loadRuleSpecs(), maxFileSize: 10 * 1024 * 1024 }), { root, mode, allLines: false, excludePaths: [] });
writeFileSync(output, r.findings.map((f) => JSON.stringify(f)).join('\n') + (r.findings.length ? '\n' : ''));
if (process.env.BENCH_VERBOSE) console.error(JSON.stringify(r.history ?? r.stats));
process.exitCode = r.findings.length ? 1 : 0;
