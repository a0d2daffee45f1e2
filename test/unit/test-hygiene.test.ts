import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const TEST_ROOT = join(__dirname, '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

// Every test must be able to fail: none focused, skipped or left as a to-do.
const FORBIDDEN = /\b(?:(?:it|test|describe)\.(?:only|skip|todo)|x(?:it|test|describe)|f(?:it|describe))\s*\(/;

describe('Test suite hygiene', () => {
  it.each(testFiles(TEST_ROOT).map((path) => [path.slice(TEST_ROOT.length + 1), path]))(
    '%s has no focused, skipped or to-do tests',
    (_, path) => {
      const offending = readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => FORBIDDEN.test(line));
      expect(offending).toEqual([]);
    },
  );
});
