/**
 * Programs started with `node --env-file=PATH` (Node 20.6+; `--env-file-if-exists`, Node 22.9+): Node
 * loads the .env itself before any code runs, so there is no dotenv call to resolve the references
 * after. Its parser, like dotenv's, ends an unquoted value at `#` (the .env rewriter quotes them, see
 * run-rewriters.ts), and keeps a variable already set (so `secret-sweep run` works as it is). To run as
 * started, the same command line preloads a generated module that resolves them (js-dotenv-resolve.ts),
 * put beside the .env and named relative to the same working folder as the .env, so the two resolve
 * together wherever the command runs:
 *
 *   "start": "node --env-file=.env app.js"  ->  "start": "node --env-file=.env --require ./secret-sweep-env.cjs app.js"
 *   CMD ["node", "--env-file=.env", "app.js"]  ->  CMD ["node", "--env-file=.env", "--require", "./secret-sweep-env.cjs", "app.js"]
 *
 * Looked for in package.json scripts, Procfiles, Dockerfiles and shell scripts, for `node` and for `tsx`
 * (which hands Node's flags, --env-file and --require included, to the node it starts). The .env is
 * looked for from the file's folder (npm runs scripts there; a Procfile's and, usually, a Dockerfile's
 * working folder is it), then from the root. Every command of a line counts (a package.json written on
 * one line holds all its scripts); one that already preloads the module is left alone.
 */
import path from 'node:path';
import type { PythonSource } from './python-env-readers.js';
import { repoTexts } from './repo-texts.js';
import { jsSourcesOf } from './js-env-readers.js';
import { JS_RESOLVE_MODULE } from './js-dotenv-resolve.js';
import type { TextEdit } from './rewriter.js';

const COMMAND_FILE = /(^|\/)(package\.json|Procfile|Dockerfile|[^/]*\.Dockerfile|Dockerfile\.[^/]+)$|\.(sh|bash)$/;
/**
 * `node … --env-file=PATH` (or `tsx [watch] …`) on one command: not across `;`, `&&`, `|`, nor, in a
 * package.json, a `"` (the end of a script: the next script's flag is not this command's; see `inFile`).
 */
const SHELL_FORM = /(?:^|[\s"'`=;&|(/])(?:node|tsx)\s(?:[^\n;&|"]*?\s)??--env-file(?:-if-exists)?(?:=|\s+)([^\s"'`\\;&|)]+)/g;
/** A Dockerfile's JSON form: `["node", …, "--env-file=PATH", …]`. */
const EXEC_FORM = /"(?:node|tsx)"\s*,\s*(?:"[^"\n]*"\s*,\s*)*?"--env-file(?:-if-exists)?=([^"\\\n]+)"/g;
/**
 * dotenv's own preload, `node -r dotenv/config app.js` (also `--require`, dotenv-flow's, and through tsx, ts-node
 * or nodemon, which pass it to node): it loads ./.env before the program; the resolver is preloaded right after it.
 */
const SHELL_PRELOAD = /(?:^|[\s"'`=;&|(/])(?:node|tsx|ts-node|nodemon)\s(?:[^\n;&|"]*?\s)??(?:-r|--require)(?:=|\s+)dotenv(?:-flow)?\/config(?=$|[\s"'`;&|)])/g;
const EXEC_PRELOAD = /"(?:node|tsx)"\s*,\s*(?:"[^"\n]*"\s*,\s*)*?"(?:-r|--require)"\s*,\s*"dotenv(?:-flow)?\/config"/g;
/**
 * dotenv-cli's `dotenv -- node app.js` and `dotenvx run -- node app.js` with their default ./.env: they load it
 * into the node they start, which gets the resolver preloaded. They expand `${…}` first, which breaks a
 * reference inside a value (`${sm://…}`): with one in the file, nothing is added and the line is reported.
 */
const SHELL_WRAPPER = /(?:^|[\s"'`=;&|(/])(?:dotenv|dotenvx\s+run)\s(?:[^\n;&|"]*?\s)??--\s+(?:node|tsx)(?=\s)/g;
const LOADS = /--env-file|dotenv(?:-flow)?\/config|\bdotenvx?\s[^\n]*--\s+(?:node|tsx)\s/;
/** The rest of the command after a match: to the end of the JSON array (exec form) or of the shell command. */
const REST_OF_COMMAND = { exec: /^[^\]\n]*/, shell: /^[^\n;&|"]*/ };
/** A shell form as it applies to `file`: in a package.json a script ends at a `"` not escaped; elsewhere arguments may hold quotes. */
const inFile = (re: RegExp, file: string): RegExp =>
  new RegExp(re.source.replaceAll('[^\\n;&|"]', /(^|\/)package\.json$/.test(file) ? '(?:[^\\n;&|"\\\\]|\\\\.)' : '[^\\n;&|]'), re.flags);

/** The repository's files that start node with --env-file (or dotenv's preload). */
export function envFileCommandSources(root: string): PythonSource[] {
  return repoTexts(root, (f) => COMMAND_FILE.test(f), (t) => LOADS.test(t))
    .filter((x) => [SHELL_FORM, EXEC_FORM, SHELL_PRELOAD, EXEC_PRELOAD, SHELL_WRAPPER].some((re) => new RegExp(inFile(re, x.file).source).test(x.text)));
}

/** Whether Node reads a .env of the repository itself: --env-file commands (`commands`), dotenv, process.loadEnvFile(), Vite's loadEnv (dotenv's parser). */
export function nodeLoadsDotenvIn(root: string, commands: readonly PythonSource[] = envFileCommandSources(root)): boolean {
  return commands.length > 0 || jsSourcesOf(root).some((x) => /\bloadEnvFile\s*\(|\brequire\(\s*['"]dotenv(\/config)?['"]|\bfrom\s+['"]dotenv(\/config)?['"]|\bimport\s+['"]dotenv\/config['"]/.test(x.text)
    || (/\bloadEnv\s*\(/.test(x.text) && /\bfrom\s+['"]vite['"]/.test(x.text)));
}

/**
 * The edits that add the preload after each `--env-file=PATH` (or `-r dotenv/config`) whose .env (see above) `rewritten` holds;
 * `modules`: the generated modules they name, repository-relative.
 */
export function envFilePreloadEdits(file: string, text: string, rewritten: (envFile: string) => boolean, embedded: (envFile: string) => boolean = () => false):
  { edits: TextEdit[]; lines: number[]; modules: string[]; expanded?: Array<{ line: number; envFile: string }> } | undefined {
  const expanded: Array<{ line: number; envFile: string }> = [];
  const edits: TextEdit[] = [];
  const lines: number[] = [];
  const modules: string[] = [];
  const dir = path.posix.dirname(file);
  let offset = 0;
  text.split('\n').forEach((line, i) => {
    const start = offset;
    offset += line.length + 1;
    if (!LOADS.test(line)) return;
    const exec = (spec: string) => `, "--require", "${spec}"`;
    const shell = (spec: string) => ` --require ${spec}`;
    // Each form, the rest of its command, the text inserted, and the env file (dotenv's preload: ./.env).
    const forms: Array<[RegExp, RegExp, (spec: string) => string, (m: RegExpMatchArray) => string, boolean?]> = [
      [EXEC_FORM, REST_OF_COMMAND.exec, exec, (m) => m[1]!], [SHELL_FORM, REST_OF_COMMAND.shell, shell, (m) => m[1]!],
      [EXEC_PRELOAD, REST_OF_COMMAND.exec, exec, () => '.env'], [SHELL_PRELOAD, REST_OF_COMMAND.shell, shell, () => '.env'],
      [SHELL_WRAPPER, REST_OF_COMMAND.shell, shell, () => '.env', true]];
    for (const [re, rest, insert, envArg, expands] of forms) {
      for (const m of line.matchAll(inFile(re, file))) {
        const at = m.index + m[0].length;
        if ((m[0] + inFile(rest, file).exec(line.slice(at))![0]).includes(JS_RESOLVE_MODULE)) continue;
        const arg = envArg(m);
        const envFile = [dir, '.'].map((d) => path.posix.normalize(path.posix.join(d, arg))).find((f) => !path.posix.isAbsolute(arg) && !f.startsWith('../') && rewritten(f));
        if (envFile === undefined) continue;
        if (expands && embedded(envFile)) {
          expanded.push({ line: i + 1, envFile });
          continue;
        }
        const spec = path.posix.join(path.posix.dirname(arg), JS_RESOLVE_MODULE);
        edits.push({ start: start + at, end: start + at, replacement: insert(/^(\.{0,2}\/)/.test(spec) ? spec : `./${spec}`) });
        if (!lines.includes(i + 1)) lines.push(i + 1);
        const mod = path.posix.join(path.posix.dirname(envFile), JS_RESOLVE_MODULE);
        if (!modules.includes(mod)) modules.push(mod);
      }
    }
  });
  return edits.length || expanded.length ? { edits, lines, modules, ...(expanded.length ? { expanded } : {}) } : undefined;
}
