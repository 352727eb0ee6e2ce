// The build's last step: dist/builtin-rules.json, the built-in rules from rules/*.yaml, validated, without
// their examples (fake credentials in real formats that every scanner would flag in the installed package),
// and dist/builtin-automaton.json + .bin, their keyword automaton (rules/built-automaton.ts).
// The package ships these files, not rules/. A rule file that does not validate fails the build.
import { rmSync } from 'node:fs';
import { writeBuiltRules } from '../dist/rules/load.js';
import { writeBuiltAutomaton } from '../dist/rules/built-automaton.js';

rmSync(new URL('../dist/builtin-rules.cache.json', import.meta.url), { force: true }); // the name before
try {
  writeBuiltAutomaton(writeBuiltRules());
} catch (e) {
  process.stderr.write(`build-rules: ${e.where ? `${e.where}: ` : ''}${e.message}\n`);
  process.exit(1);
}
