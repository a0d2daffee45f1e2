import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const TEST_ROOT = join(__dirname, '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Every test must be able to fail: none focused, skipped or left as a to-do, in any form: called
 * (`it.skip(`), chosen (`cond ? describe : describe.skip`), or aliased (`const d = xdescribe`). The
 * linter (eslint.config.mjs) forbids the same; this reads every file under test/, helpers included.
 */
const FORBIDDEN = /\b(?:it|test|describe)\s*\.\s*(?:only|skip|todo)\b|\bx(?:it|test|describe)\b|\bf(?:it|describe)\s*\(/;

describe('Test suite hygiene', () => {
  it.each([
    ['a skipped test', "it.skip('x', () => {})"],
    ['a focused suite', "describe.only('x', () => {})"],
    ['a to-do', "test.todo('x')"],
    ['a suite skipped on a condition', 'const suite = available ? describe : describe.skip;'],
    ['an x-prefixed alias', 'const later = xdescribe;'],
    ['an f-prefixed test', "fit('x', () => {})"],
  ])('recognizes %s', (_, line) => {
    expect(FORBIDDEN.test(line)).toBe(true);
  });

  it.each(testFiles(TEST_ROOT).filter((path) => path !== __filename).map((path) => [path.slice(TEST_ROOT.length + 1), path]))(
    '%s has no focused, skipped or to-do tests',
    (_, path) => {
      const offending = readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => FORBIDDEN.test(line));
      expect(offending).toEqual([]);
    },
  );
});
