/**
 * The pip requirements rewriter: a credential in an index or package URL (`--index-url
 * https://user:PASSWORD@host/simple`) becomes `${PROD_ETL_PYPI__PASSWORD}`. pip expands `${VAR}` (upper
 * case, digits, `_`) in requirements files from its environment, so `secret-sweep run -- pip install -r
 * requirements.txt` fills it from the `sm://` reference the run adds. A value written percent-encoded in
 * the file is left for a human: pip would insert the decoded value where the URL needs the encoded one.
 */
import type { RewriteInput, Rewriter } from './rewriter.js';
import { addEnvRef, emptyResult, locateSites, noteUnhandled, type SiteRewriteResult } from './sites.js';

export class RequirementsRewriter implements Rewriter {
  readonly id = 'requirements';

  appliesTo(file: string): boolean {
    return /(^|\/)([\w.-]*requirements[\w.-]*|constraints[\w.-]*)\.(txt|in)$/i.test(file);
  }

  rewrite(input: RewriteInput): SiteRewriteResult {
    const out = emptyResult();
    for (const loc of locateSites(input.text, input.sites, out)) {
      if (loc.site.kind !== 'secret') continue;
      const raw = input.text.slice(loc.start, loc.end);
      if (/%[0-9A-Fa-f]{2}|[\r\n$]/.test(raw)) {
        out.unhandled.push({
          ...loc.site, reason: 'the value is percent-encoded (or spans lines) in the file',
          suggestion: `replace the whole URL with \`\${PIP_INDEX_URL}\` and set PIP_INDEX_URL to the URL from ${loc.site.ref.secretName} for \`secret-sweep run -- pip install -r ${input.file}\``,
        });
        continue;
      }
      out.edits.push({ start: loc.start, end: loc.end, replacement: `\${${addEnvRef(out, loc.site.ref)}}` });
    }
    if (out.edits.length) out.notes.push(`${input.file}: credentials are now \${VAR} references, which pip expands from its environment: install with \`secret-sweep run -- pip install -r ${input.file}\``);
    return noteUnhandled(out);
  }
}
