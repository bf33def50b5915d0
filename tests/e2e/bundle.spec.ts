import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

/** Names that exist only for `npm run bench`; none may ship in the production build. */
const BENCH_ONLY = ['__utterBench', 'transcribeClip', 'measureFrames', 'measureVadFrames', 'installBenchHook'];

/** The app's scripts, and their source maps: the sources embedded there must not carry bench code either. */
function scripts(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(m?js|js\.map)$/.test(f) && !f.startsWith('ort/'))
    .map((f) => join(dir, f));
}

test('the production build carries no benchmark or test hooks', () => {
  const files = scripts('dist');
  expect(files.length).toBeGreaterThan(3);
  const found = files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return BENCH_ONLY.filter((name) => text.includes(name)).map((name) => `${name} in ${file}`);
  });
  expect(found).toEqual([]);
});
