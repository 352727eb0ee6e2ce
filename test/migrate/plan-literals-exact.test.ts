/**
 * What migrate stores is what the program reads, or nothing (src/migrate/plan/literals.ts, multiline.ts):
 * the cases test/migrate/exact-values-e2e.test.ts found stored wrong, pinned one by one.
 */
import { describe, expect, it } from 'vitest';
import { decodeDotenv, decodePython, literalAt } from '../../src/migrate/plan/literals.js';
import { enclosingLiteral } from '../../src/migrate/plan/multiline.js';

const at = (line: string, part: string, syntax: Parameters<typeof literalAt>[3]) => {
  const s = line.indexOf(part);
  return literalAt(line, s, s + part.length, syntax);
};

describe('literal values as their reader reads them', () => {
  it('a Python bytes literal is the UTF-8 text of its bytes (\\xc3\\xa9 is é), or not exact', () => {
    expect(decodePython('ab\\xc3\\xa9cd', 'b')).toEqual({ value: 'ab\u00e9cd', exact: true });
    expect(decodePython('ab\\xffcd', 'b').exact).toBe(false);
    expect(decodePython('ab\\xc3\\xa9cd', '')).toEqual({ value: 'ab\u00c3\u00a9cd', exact: true });
  });

  it('adjacent Python literals are joined by Python: a part of them is not the value', () => {
    expect(at('PASSWORD = "abcdef" "ghij"', 'abcdef', 'python')?.exact).toBe(false);
    expect(at('PASSWORD = "abcdef" "ghij"', 'ghij', 'python')?.exact).toBe(false);
    expect(at('PASSWORD = "abcdef" \\', 'abcdef', 'python')?.exact).toBe(false);
    expect(at('connect(user="app", password="abcdef")', 'abcdef', 'python')).toMatchObject({ value: 'abcdef', exact: true });
  });

  it('String.raw`…` keeps its backslashes; a rule that matched the tag means the template; other tags are not exact', () => {
    const line = 'const password = String.raw`ab\\ncd`;';
    expect(at(line, 'ab\\ncd', 'javascript')).toMatchObject({ value: 'ab\\ncd', exact: true });
    expect(at(line, 'String.raw', 'javascript')).toMatchObject({ value: 'ab\\ncd', exact: true, start: line.indexOf('`') + 1 });
    expect(at('const password = sql`abcd`;', 'abcd', 'javascript')?.exact).toBe(false);
    expect(at('const password = `ab\\ncd`;', 'ab\\ncd', 'javascript')).toMatchObject({ value: 'ab\ncd', exact: true });
  });

  it('.env: exact only where python-dotenv and Node read the same', () => {
    expect(decodeDotenv('ab\\ncd', '"')).toEqual({ value: 'ab\ncd', exact: true });
    expect(decodeDotenv('ab\\\\cd', '"').exact).toBe(false); // python-dotenv: ab\cd; Node: ab\\cd
    expect(decodeDotenv('ab\\"cd', '"').exact).toBe(false); // Node's value ends at the first quote
    expect(decodeDotenv("ab\\'cd", "'").exact).toBe(false);
    expect(decodeDotenv('`abcd`', '').exact).toBe(false); // Node: quoted
    expect(decodeDotenv('ab${X}cd', "'").exact).toBe(false); // python-dotenv expands it even in single quotes
    expect(decodeDotenv('ab\\cd#', "'")).toEqual({ value: 'ab\\cd#', exact: true });
  });

  it('a shell value over several lines is read whole, final line break included', () => {
    const text = "#!/bin/sh\nexport KEY='line1\nline2\n'\necho done\n";
    const s = text.indexOf('line1');
    expect(enclosingLiteral('x.sh', text, s, text.indexOf('line2') + 5, 'shell')).toMatchObject({ value: 'line1\nline2\n', exact: true });
    const dq = '#!/bin/sh\nKEY="a\\$b\nline2\n"\n';
    expect(enclosingLiteral('x.sh', dq, dq.indexOf('a\\$'), dq.indexOf('line2') + 5, 'shell')).toMatchObject({ value: 'a$b\nline2\n', exact: true });
  });
});
