// The build's last step: dist/builtin-rules.bin and dist/builtin-scan-rules.bin (the fields a scan reads),
// the built-in rules from rules/*.yaml, validated, without their examples (fake credentials in real formats
// that every scanner would flag in the installed package), in a form no scanner reads (rules/safe-json.ts),
// dist/builtin-automaton.json + .bin, their keyword automaton (rules/built-automaton.ts), and
// dist/builtin-literals.bin, the literals each rule's matches hold (rules/built-literals.ts).
// The package ships these files, not rules/. A rule file that does not validate fails the build.
import { rmSync } from 'node:fs';
import { writeBuiltRules } from '../dist/rules/load.js';
import { writeBuiltAutomaton } from '../dist/rules/built-automaton.js';
import { writeBuiltLiterals } from '../dist/rules/built-literals.js';

// The names before (a checkout's dist/ keeps them otherwise).
for (const old of ['builtin-rules.cache.json', 'builtin-rules.json']) rmSync(new URL(`../dist/${old}`, import.meta.url), { force: true });
try {
  const rules = writeBuiltRules();
  writeBuiltAutomaton(rules);
  writeBuiltLiterals(rules);
} catch (e) {
  process.stderr.write(`build-rules: ${e.where ? `${e.where}: ` : ''}${e.message}\n`);
  process.exit(1);
}
