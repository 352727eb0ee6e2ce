/** `secret-sweep rules list | test FILE | explain ID`. */
import type { CommandModule } from 'yargs';
import { SweepError } from '../../errors.js';
import { checkRuleExamples } from '../../rules/examples.js';
import { builtinRuleWithExamples, loadRulesFile, loadRuleSpecs } from '../../rules/load.js';
import { loadConfig } from '../../config/config.js';
import { isGenericRule } from '../../detect/detector.js';
import { GENERIC_PLACE_EXCLUSIONS } from '../../detect/hard-negatives.js';
import type { RuleSpec } from '../../rules/rule.js';

interface RulesArgs {
  action: string;
  target?: string;
  config?: string;
}

/** Every place this rule does not report in: its own path scope and allowlists, the config's, the generic ones. */
function placeExclusions(r: RuleSpec, allow: { paths: string[]; pathRegexes?: string[] }): string[] {
  const out: string[] = [];
  if (r.path) out.push(`only paths matching ${r.path}`);
  for (const a of r.allowlist ?? []) for (const p of a.paths ?? []) out.push(`rule allowlist: paths matching ${p}`);
  for (const p of allow.paths) out.push(`config allowlist.paths: ${p}`);
  for (const p of allow.pathRegexes ?? []) out.push(`config allowlist path regex: ${p}`);
  if (isGenericRule(r)) for (const e of GENERIC_PLACE_EXCLUSIONS) out.push(`generic rule, not in ${e.where}`);
  else out.push('a vendor rule: runs in lock files, bundles (*.min.js, dist/**/*.js, *.snap) and on long lines too');
  return ['  not reported in:', ...out.map((l) => `    ${l}`)];
}

/** The examples' count and the negatives' reasons; built-in examples are in rules/*.yaml, not in the package. */
function exampleLines(rule: RuleSpec): string[] {
  let r: RuleSpec | undefined = rule;
  if (r.examples.length + r.negative_examples.length === 0 && /^rules\//.test(r.origin)) r = builtinRuleWithExamples(r.id);
  if (!r) return [`  examples:   in ${rule.origin.replace(/:\d+$/, '')} of the repository (not in the installed package: they look like live credentials)`];
  return [`  examples:   ${r.examples.length} positive, ${r.negative_examples.length} negative`, ...r.negative_examples.map((e) => `    not a finding: ${e.reason}`)];
}

export function rulesCommand(setCode: (c: number) => void): CommandModule<object, RulesArgs> {
  return {
    command: 'rules <action> [target]',
    describe: 'List the rules, test a rules file, or explain one rule',
    builder: (y) =>
      y
        .positional('action', { choices: ['list', 'test', 'explain'] as const, describe: 'list | test FILE | explain ID' })
        .positional('target', { type: 'string', describe: 'rules file (test) or rule id (explain)' })
        .option('config', { alias: 'c', type: 'string', describe: 'Config file whose rules to include' })
        .example('$0 rules list', 'one rule per line: id, severity, tags, description')
        .example('$0 rules test my-rules.yaml', 'validate a rules file and run its examples')
        .example('$0 rules explain aws-access-key-id', 'show a rule in full') as never,
    handler: (args) => {
      let cfg: ReturnType<typeof loadConfig> | undefined;
      const config = () => (cfg ??= loadConfig(process.cwd(), args.config));
      const rules = () => loadRuleSpecs(config());
      if (args.action === 'list') {
        const out = rules().map((r) => `${r.id}\t${r.severity ?? 'high'}\t${r.tags.join(',')}\t${r.description}`);
        process.stdout.write(out.join('\n') + '\n');
        setCode(0);
      } else if (args.action === 'test') {
        if (!args.target) throw new SweepError('`rules test` needs a rules file');
        const specs = loadRulesFile(args.target);
        let examples = 0;
        let failed = 0;
        for (const r of specs) {
          examples += r.examples.length + r.negative_examples.length;
          for (const f of checkRuleExamples(r)) {
            failed++;
            process.stdout.write(`FAIL ${f.origin} ${f.rule}: ${f.message}\n`);
          }
        }
        process.stdout.write(`${specs.length} rules, ${examples} examples, ${failed} failed\n`);
        setCode(failed ? 1 : 0);
      } else {
        if (!args.target) throw new SweepError('`rules explain` needs a rule id');
        const r = rules().find((x) => x.id === args.target);
        if (!r) throw new SweepError(`no rule with id \`${args.target}\` (see \`secret-sweep rules list\`)`);
        const lines = [
          `${r.id}: ${r.description}`,
          `  defined at: ${r.origin}`,
          `  severity:   ${r.severity ?? 'high'}`,
          `  regex:      ${r.regex}`,
          `  secret:     group ${String(r.secret_group)}`,
          `  keywords:   ${r.keywords.join(', ') || '(none: always runs)'}`,
          r.entropy !== undefined ? `  entropy:    >= ${r.entropy} bits/char` : '',
          r.validator ? `  validator:  ${r.validator}` : '',
          r.path ? `  path:       ${r.path}` : '',
          `  tags:       ${r.tags.join(', ')}`,
          ...r.references.map((u) => `  reference:  ${u}`),
          ...exampleLines(r),
          ...placeExclusions(r, config().allowlist),
        ];
        process.stdout.write(lines.filter(Boolean).join('\n') + '\n');
        setCode(0);
      }
    },
  };
}
