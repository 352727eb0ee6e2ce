// The build's last step: dist/builtin-rules.json, the built-in rules from rules/*.yaml, validated, without
// their examples (fake credentials in real formats that every scanner would flag in the installed package).
// The package ships this file, not rules/. A rule file that does not validate fails the build.
import { rmSync } from 'node:fs';
import { writeBuiltRules } from '../dist/rules/load.js';

rmSync(new URL('../dist/builtin-rules.cache.json', import.meta.url), { force: true }); // the name before
try {
  writeBuiltRules();
} catch (e) {
  process.stderr.write(`build-rules: ${e.where ? `${e.where}: ` : ''}${e.message}\n`);
  process.exit(1);
}
