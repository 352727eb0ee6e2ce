/**
 * Python sources that declare latin-1 or cp1252 (src/migrate/rewrite/source-encoding.ts) and the escapes a config
 * file's reader undoes (src/migrate/plan/config-file-escapes.ts), the syntax of a script with no extension
 * (src/migrate/plan/literals.ts): pure functions.
 */
import { describe, expect, it } from 'vitest';
import { codingOf, latin1Bytes, latin1PythonText } from '../../src/migrate/rewrite/source-encoding.js';
import { configparserInterpolated, pgpassUnescaped } from '../../src/migrate/plan/config-file-escapes.js';
import { syntaxOfSource } from '../../src/migrate/plan/literals.js';
import { configparserInterpolates } from '../../src/migrate/rewrite/config-file-readers.js';

const latin = (s: string) => Buffer.from(s, 'latin1');

describe('PEP 263 coding lines', () => {
  it('reads line 1, or line 2 below a comment or blank line, as Python does', () => {
    expect(codingOf('# -*- coding: latin-1 -*-\nx = 1\n')).toBe('latin_1');
    expect(codingOf('#!/usr/bin/env python3\n# vim: set fileencoding=ISO-8859-1 :\n')).toBe('iso_8859_1');
    expect(codingOf('\n# coding=utf-8\n')).toBe('utf_8');
    expect(codingOf('import os\n# coding: latin-1\n')).toBeUndefined();
    expect(codingOf('x = 1\n')).toBeUndefined();
  });

  it('a latin-1 file is read as latin-1 when the scanner\'s columns hold in it', () => {
    const bytes = latin('# -*- coding: latin-1 -*-\n# Jos\xe9\nT = "abc"\n');
    expect(latin1PythonText(bytes)).toBe('# -*- coding: latin-1 -*-\n# Jos\xe9\nT = "abc"\n');
    // No coding line, or another encoding: not read.
    expect(latin1PythonText(latin('# Jos\xe9\nT = "abc"\n'))).toBeUndefined();
    expect(latin1PythonText(latin('# -*- coding: koi8-r -*-\n# \xf0\xd2\xc9\n'))).toBeUndefined();
    // cp1252 differs from latin-1 only in 0x80-0x9F, which edits never write: its bytes are carried as latin-1.
    expect(latin1PythonText(latin('# -*- coding: cp1252 -*-\n# \x93Nightly\x94 \x80 Jos\xe9\n'))).toBe('# -*- coding: cp1252 -*-\n# \x93Nightly\x94 \x80 Jos\xe9\n');
    expect(latin1PythonText(latin('# coding=windows-1252\n# \x80\n'))).toBeDefined();
    // "Ã©" is one UTF-8 character: the scanner's columns after it are one off, so the file is left.
    expect(latin1PythonText(latin('# -*- coding: latin-1 -*-\n# \xc3\xa9 \xe9\nT = "abc"\n'))).toBeUndefined();
  });

  it('an edited text is written in latin-1 only when every character has a byte and the coding line stays in place', () => {
    expect(latin1Bytes('# coding: latin-1\nN = "Gr\xfc\xdfe"\n')!.equals(latin('# coding: latin-1\nN = "Gr\xfc\xdfe"\n'))).toBe(true);
    expect(latin1Bytes('# coding: latin-1\nN = "\u20ac"\n')).toBeUndefined();
    expect(latin1Bytes('import os\nimport sys\n# coding: latin-1\n')).toBeUndefined();
    expect(latin1Bytes('# -*- coding: cp1252 -*-\n# \x93\x80\x94\nT = get_secret("a")\n')!.equals(latin('# -*- coding: cp1252 -*-\n# \x93\x80\x94\nT = get_secret("a")\n'))).toBe(true);
  });
});

describe('config file escapes', () => {
  const at = (value: string) => ({ span: { line: 1, column: 1, endLine: 1, endColumn: value.length }, raw: value, value });
  it('configparser: %% is one %; a bare % means a raw parser; %(name)s is not known from the text', () => {
    expect(configparserInterpolated(at('ab%%cd'))).toMatchObject({ value: 'ab%cd', decode: 'literal' });
    expect(configparserInterpolated(at('ab%cd'))).toEqual(at('ab%cd'));
    expect(configparserInterpolated(at('ab%(user)scd'))).toMatchObject({ skip: expect.stringMatching(/interpolates/) });
    expect(configparserInterpolated(at('abcd'))).toEqual(at('abcd'));
  });
  it('configparser: the program that reads the file says whether it interpolates', () => {
    expect(configparserInterpolates('cfg = configparser.ConfigParser()\ncfg.read("a.ini")\n')).toBe(true);
    expect(configparserInterpolates('cfg = configparser.RawConfigParser()\n')).toBe(false);
    expect(configparserInterpolates('cfg = ConfigParser(interpolation=None)\n')).toBe(false);
    expect(configparserInterpolates('a = ConfigParser()\nb = RawConfigParser()\n')).toBeUndefined();
    expect(configparserInterpolates('import yaml\n')).toBeUndefined();
  });
  it('.pgpass: \\: is : and \\\\ is \\', () => {
    expect(pgpassUnescaped(at('ab\\:c\\\\d'))).toMatchObject({ value: 'ab:c\\d', decode: 'literal' });
  });
});

describe('scripts with no extension', () => {
  it('hold Python literals when their #! line runs Python', () => {
    expect(syntaxOfSource('etl/bin/etl', '#!/usr/bin/env python3\nX = "a\\\\b"\n')).toBe('python');
    expect(syntaxOfSource('ops/sync', '#!/usr/bin/python3.11 -u\n')).toBe('python');
    expect(syntaxOfSource('ops/sync', '#!/bin/sh\n')).toBeUndefined();
    expect(syntaxOfSource('notes.txt', '#!/usr/bin/env python3\n')).toBeUndefined();
    expect(syntaxOfSource('app.py', undefined)).toBe('python');
  });
});
