/**
 * The JSON rewriter: CloudFormation templates in JSON get `{{resolve:secretsmanager:NAME:SecretString:KEY}}`
 * inside resource properties; other JSON config gets a `${PROD_APP_DB__PASSWORD}` reference and a note
 * that the program must expand it. Only the string literal's characters are edited, so indentation, key
 * order and line ends stay. Parsed with the `yaml` package (JSON is YAML 1.2, and it gives exact source
 * ranges), checked with `JSON.parse` before and after. Notebooks (`.ipynb`) have their own rewriter.
 */
import type { RewriteInput, Rewriter } from './rewriter.js';
import type { SiteRewriteResult } from './sites.js';
import { rewriteStructured } from './yaml.js';

export class JsonRewriter implements Rewriter {
  readonly id = 'json';

  appliesTo(file: string): boolean {
    return /\.json$/i.test(file) && !/\.ipynb$/i.test(file);
  }

  rewrite(input: RewriteInput): SiteRewriteResult {
    return rewriteStructured(input, { json: true });
  }
}
