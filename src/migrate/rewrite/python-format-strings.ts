/**
 * A Python string literal that is formatted after it is built: `"postgresql://%s:…@db/%s" % (user, db)`,
 * `"mysql://{}:…@db/{}".format(user, db)`. The rewriter turns such a literal into an f-string, one
 * primary expression that the `%` or `.format` still applies to, so the program gets the same text —
 * provided the value brings no format syntax of its own (a `%`, or a `{`/`}`), which the formatting would
 * read where the literal's text was written escaped (`%%`, `{{`) and the stored value is not.
 */
import type { Node as TsNode } from 'web-tree-sitter';

export type Formatting = '%' | 'format';

/** How the literal `outer` (a string or concatenated string) is formatted, when it is the format itself. */
export function formattingOf(outer: TsNode): Formatting | undefined {
  const p = outer.parent;
  if (p?.type === 'binary_operator' && p.childForFieldName('left')?.startIndex === outer.startIndex
    && p.childForFieldName('operator')?.text === '%') return '%';
  if (p?.type === 'attribute' && p.childForFieldName('object')?.startIndex === outer.startIndex
    && ['format', 'format_map'].includes(p.childForFieldName('attribute')?.text ?? '') && p.parent?.type === 'call') return 'format';
  return undefined;
}

/** Why a value as written in the literal cannot be referred to inside a string formatted `how`, else undefined. */
export function formatConflict(how: Formatting, written: string): string | undefined {
  if (how === '%' && written.includes('%')) return 'the value holds `%` and the string is %-formatted: the program reads it formatted, the vault would hold it as written; replace the literal by hand';
  if (how === 'format' && /[{}]/.test(written)) return 'the value holds `{` or `}` and the string is str.format()-ed: the program reads it formatted, the vault would hold it as written; replace the literal by hand';
  return undefined;
}
