/**
 * RE2 (linear-time regexes: a rule can never hang the scanner), loaded with require: importing this
 * CommonJS addon from an ES module makes Node parse its source for named exports first, ~8 ms of a
 * pre-commit run.
 */
import { createRequire } from 'node:module';
import type RE2Class from 're2';

const load = createRequire(import.meta.url);
const RE2 = load('re2') as typeof RE2Class;
type RE2 = RE2Class;

export { RE2 };
