/**
 * The built files the package ships (dist/builtin-rules.json, dist/builtin-automaton.json) hold rule
 * regexes, descriptions and keywords: not secrets, but as plain text a regex's `token=` or a description's
 * quoted password are what generic rules (ours, and other scanners') report in an installed package.
 */

/** JSON in which every string is letters, digits and \uXXXX escapes (JSON.parse reads the same value). */
export function scannerSafeJson(value: unknown, indent?: number): string {
  const escaped = (s: string) => '"' + s.split('').map((c) => (/[A-Za-z0-9]/.test(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)).join('') + '"';
  return JSON.stringify(value, null, indent).replace(/"(?:[^"\\]|\\.)*"/g, (token) => escaped(JSON.parse(token) as string)) + '\n';
}
