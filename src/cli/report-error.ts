/**
 * Printing an error: the one place errors reach stderr (main.ts and the hook entry, hook-main.ts, call it),
 * each line redacted. Kept apart from main.ts so the hook's one-file bundle does not pull in the commands.
 */
import { isSweepError } from '../errors.js';
import { quoteUserText } from '../findings/redact.js';
import { missingOptionalPackage } from '../lazy.js';

/** A command line yargs rejected (its message is what was wrong). */
export class UsageError extends Error {}

/**
 * yargs' usage message as one line that keeps the detail: "Invalid values:" is followed by lines naming the
 * option, what was given and the choices. What was typed is quoted through quoteUserText (a mistyped flag
 * may be followed by a credential).
 */
export function usageLine(message: string): string {
  const [head = '', ...rest] = message.split('\n');
  if (/^Invalid values:/.test(head)) {
    const parts = rest
      .map((l) => /Argument: ([^,]+), Given: (.*), Choices: (.*)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map(([, name, given, choices]) => {
        const shownGiven = given!.replace(/^"(.*)"$/, '$1');
        const flag = name!.length > 1 && !POSITIONALS.has(name!) ? `--${name}` : name!;
        return `${flag}: ${JSON.stringify(quoteUserText(shownGiven))} is not one of ${choices!.replace(/"/g, '')}`;
      });
    if (parts.length) return parts.join('; ');
  }
  return head.replace(/^Unknown arguments?: (.*)$/, (_, list: string) => {
    // yargs names a dashed flag twice (`show-secrets, showSecrets`): keep the form that was typed.
    const names = list.split(', ');
    const shown = names.filter((n) => !names.some((o) => o !== n && o.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()) === n));
    return `Unknown argument${shown.length > 1 ? 's' : ''}: ${shown.map(quoteUserText).join(', ')}`;
  });
}

/** Positional names that appear in yargs' "Invalid values" messages (not flags). */
const POSITIONALS = new Set(['action', 'target', 'path', 'command']);

/**
 * The one place errors are printed. Every line goes through withoutSecrets: messages quote what the user
 * typed (a revision, a path, a rule id, a command) and what was read (a file name), any of which may be a
 * pasted credential.
 */
export async function reportError(e: unknown, debug: boolean): Promise<number> {
  const redact = await redactor();
  const print = (line: string) => process.stderr.write(`secret-sweep: ${redact(line)}\n`);
  if (e instanceof UsageError) {
    // yargs quotes what was typed (`Unknown argument: X`): a mistyped flag may be followed by a credential.
    const line = usageLine(e.message);
    print(`${line} (see --help)`);
  } else if (isSweepError(e)) {
    print(e.oneLine());
    if (debug && e.stack) process.stderr.write(redact(e.stack) + '\n');
    return e.exitCode;
  } else if (missingOptionalPackage(e)) {
    // `npm i --omit=optional`: scanning works; what needs a left-out package says which and how to get it.
    print(missingOptionalPackage(e)!);
    if (debug && (e as Error)?.stack) process.stderr.write(redact((e as Error).stack!) + '\n');
  } else {
    const err = e as Error;
    print(`internal error: ${String(err?.message ?? err).split('\n')[0]}${debug ? '' : ' (run with --debug for details)'}`);
    if (debug && err?.stack) process.stderr.write(redact(err.stack) + '\n');
  }
  return 2;
}

/**
 * withoutSecrets (the built-in rules' detections redacted). Should loading or running the rules fail (the
 * error being reported may be that very failure), long words are redacted instead: the line is never
 * printed as is.
 */
async function redactor(): Promise<(text: string) => string> {
  const fallback = (text: string) => text.replace(/[^\s/:`'"]{17,}/g, (w) => quoteUserText(w));
  try {
    const { withoutSecrets } = await import('../findings/detected-text.js');
    return (text) => {
      try {
        return withoutSecrets(text);
      } catch {
        return fallback(text);
      }
    };
  } catch {
    return fallback;
  }
}
