/** `secret-sweep baseline [PATH] [--output FILE]`: accept everything found now. */
import { withoutSecrets } from '../../findings/detected-text.js';
import type { CommandModule } from 'yargs';
import { formatBaseline } from '../../findings/baseline.js';
import { writePrivateFile } from '../output.js';
import { executeScan, REPORT_ONLY_OPTIONS, scanOptions, type ScanArgs } from './scan.js';

export function baselineCommand(setCode: (c: number) => void): CommandModule<object, ScanArgs> {
  return {
    command: 'baseline [path]',
    describe: 'Write the fingerprints of every current finding; `scan --baseline FILE` then reports only new ones',
    builder: (y) =>
      scanOptions(y, REPORT_ONLY_OPTIONS)
        .option('output', { alias: 'o', type: 'string', default: '.secret-sweep-baseline', describe: 'Baseline file to write (mode 0600)' })
        .example('$0 baseline . -o .secret-sweep-baseline', 'accept the current findings')
        .example('$0 scan . --baseline .secret-sweep-baseline', 'report only new findings') as never,
    handler: async (args) => {
      const res = await executeScan({ ...args, baseline: undefined });
      writePrivateFile(args.output ?? '.secret-sweep-baseline', formatBaseline(res.findings));
      process.stderr.write(`secret-sweep: baseline of ${res.findings.length} finding(s) written to ${withoutSecrets(String(args.output))}\n`);
      setCode(0);
    },
  };
}
