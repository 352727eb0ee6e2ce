/**
 * The rewriters, in the order they are asked (the first whose `appliesTo` accepts a file takes it):
 * each entry names the kinds of file it handles and who reads them (file-kinds.ts), and makes the
 * rewriter for one run. A new rewriter is one file under src/migrate/rewrite/ plus one entry here, and
 * at least one fixture case under test/fixtures/rewrite/<entry id>-<case>/ (the fixture-pair test fails
 * for an entry without one).
 */
import type { Rewriter } from './rewriter.js';
import { STRUCTURED_KINDS, type FileKind } from './file-kinds.js';

/** What a run gives the rewriters it creates. */
export interface RewriterContext {
  /** The `type` of the package.json nearest to a file ('module', 'commonjs'), when there is one. */
  packageType?: (file: string) => string | undefined;
  /** For a TypeScript file: whether the tsconfig.json that compiles it allows a top-level await (undefined: none). */
  tsTopLevelAwait?: (file: string) => boolean | undefined;
  /** The file whose `require()` loads a JS/TS file (directly or through its imports), when one does. */
  requiredBy?: (file: string) => string | undefined;
  /** Why a bundler builds a JS/TS file (bundler.ts), when one does. */
  bundledBy?: (file: string) => string | undefined;
  babel?: (file: string) => boolean;
  /** Why a JS/TS file runs in a web browser (browser-code.ts), or undefined. */
  browserCode?: (file: string, text: string) => string | undefined;
  /** The current text of the other `.tf` files of a file's module. */
  siblings?: (file: string) => string[];
}

export interface RewriterEntry {
  /** The rewriter's id (`Rewriter.id`), also the prefix of its fixture folders. */
  readonly id: string;
  /** Fixture folders of this rewriter start with one of these (`py-`, `yaml-`, ...). */
  readonly fixturePrefixes: readonly string[];
  /** The kinds of file it handles, each with its reader and the reference form written into it. */
  readonly kinds: readonly FileKind[];
  create(ctx: RewriterContext): Promise<Rewriter>;
}

const python = { name: 'the Python interpreter (or the Jupyter kernel)', referenceForms: ['helper-call', 'environment-variable'] } as const;
const node = { name: 'Node.js (or the bundler / TypeScript compiler)', referenceForms: ['helper-call', 'environment-variable'] } as const;

export const REWRITERS: readonly RewriterEntry[] = [
  {
    id: 'notebook', fixturePrefixes: ['nb-'],
    kinds: [{ id: 'notebook', files: ['*.ipynb'], reader: python, writes: 'helper-call' }],
    create: async () => (await import('./notebook.js')).createNotebookRewriter(),
  },
  {
    id: 'python', fixturePrefixes: ['py-'],
    kinds: [{ id: 'python', files: ['*.py', '*.pyw', 'no extension with a python shebang'], reader: python, writes: 'helper-call' }],
    create: async () => (await import('./python.js')).createPythonRewriter(),
  },
  {
    id: 'dotenv', fixturePrefixes: ['env-'],
    kinds: [{
      id: 'dotenv', files: ['.env', '.env.*', '*.env (not .env.example/.sample/.template/.dist)'],
      reader: { name: 'secret-sweep run (other dotenv loaders read sm:// literally)', referenceForms: ['run-reference'] }, writes: 'run-reference',
    }],
    create: async () => new (await import('./dotenv.js')).DotenvRewriter(),
  },
  {
    id: 'javascript', fixturePrefixes: ['js-', 'ts-'],
    kinds: [{ id: 'javascript', files: ['*.js', '*.jsx', '*.mjs', '*.cjs', '*.ts', '*.tsx', '*.mts', '*.cts (not *.d.ts)'], reader: node, writes: 'helper-call' }],
    create: async (ctx) => new (await import('./javascript.js')).JavaScriptRewriter({ packageType: ctx.packageType, tsTopLevelAwait: ctx.tsTopLevelAwait, requiredBy: ctx.requiredBy, bundledBy: ctx.bundledBy, babel: ctx.babel, browserCode: ctx.browserCode }),
  },
  {
    id: 'yaml', fixturePrefixes: ['yaml-'],
    kinds: [
      STRUCTURED_KINDS.compose, STRUCTURED_KINDS['github-actions'], STRUCTURED_KINDS.cloudformation, STRUCTURED_KINDS['kubernetes-secret'],
      STRUCTURED_KINDS.ansible, STRUCTURED_KINDS['helm-values'], STRUCTURED_KINDS['gh-hosts'], STRUCTURED_KINDS.spring, STRUCTURED_KINDS.generic,
    ],
    create: async () => new (await import('./yaml.js')).YamlRewriter(),
  },
  {
    id: 'json', fixturePrefixes: ['json-'],
    kinds: [STRUCTURED_KINDS.cloudformation, STRUCTURED_KINDS['docker-config'], STRUCTURED_KINDS['dotnet-appsettings'], STRUCTURED_KINDS.generic],
    create: async () => new (await import('./json.js')).JsonRewriter(),
  },
  {
    id: 'terraform', fixturePrefixes: ['tf-'],
    kinds: [{ id: 'terraform', files: ['*.tf', '*.tfvars'], reader: { name: 'terraform', referenceForms: ['terraform-data-source'] }, writes: 'terraform-data-source' }],
    create: async (ctx) => new (await import('./terraform.js')).TerraformRewriter({ siblings: ctx.siblings }),
  },
  {
    id: 'requirements', fixturePrefixes: ['req-'],
    kinds: [{
      id: 'requirements', files: ['requirements*.txt', '*requirements*.txt|.in', 'constraints*.txt'],
      reader: { name: 'pip (expands ${VAR} from its environment)', referenceForms: ['env-expansion'] }, writes: 'env-expansion',
    }],
    create: async () => new (await import('./requirements.js')).RequirementsRewriter(),
  },
  {
    id: 'shell', fixturePrefixes: ['sh-'],
    kinds: [{
      id: 'shell', files: ['*.sh', '*.bash', '*.zsh', '*.ksh', 'no extension with a sh shebang'],
      reader: { name: 'the shell (with the aws CLI and jq)', referenceForms: ['shell-command-substitution', 'environment-variable'] }, writes: 'shell-command-substitution',
    }],
    create: async () => new (await import('./shell.js')).ShellRewriter(),
  },
];

/** Every registered rewriter, created for one run, in the order they are asked. */
export async function createRewriters(ctx: RewriterContext): Promise<Rewriter[]> {
  return Promise.all(REWRITERS.map((e) => e.create(ctx)));
}

/** The rewriter that takes `file` (the first that applies), or undefined: the file is manual. */
export function rewriterFor(rewriters: readonly Rewriter[], file: string, text: string): Rewriter | undefined {
  return rewriters.find((r) => r.appliesTo(file, text));
}
