/**
 * A git-ignored `.env` in the repository root, for users without AWS: the values themselves are
 * environment variables (`PROD_ETL_DB__PASSWORD=...`), so code reads the environment and no helper
 * module or `sm://` reference is written.
 */
import type { Backend } from './backend.js';
import { envReferences } from './env-references.js';

export const dotenvBackend: Backend = {
  id: 'dotenv',
  planNote: 'dotenv backend: no AWS cost; values go to a git-ignored .env',
  capabilities: { helpers: false, runReferences: false },
  repoFiles: ['.env', '.env.example', '.gitignore'],
  valueFiles: ['.env'],
  reference: envReferences,
  helperSource: () => undefined,
  async openVault(opts) {
    const { DotenvVault } = await import('../vault/dotenv.js');
    return new DotenvVault({ root: opts.root });
  },
};
