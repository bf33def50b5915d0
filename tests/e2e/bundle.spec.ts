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

test("the voice detector's worker carries only what it runs", () => {
  // 18 KB: onnxruntime is loaded apart (public/ort). A bench module importing the tokenizer once pulled
  // its 660 KB into this worker, unused, and the page's peak memory rose 15-25 MB with it.
  const workers = readdirSync('dist/assets').filter((f) => /^vad\.worker-.*\.js$/.test(f));
  expect(workers).toHaveLength(1);
  const bytes = readFileSync(join('dist/assets', workers[0] as string)).length;
  expect(bytes).toBeLessThan(64 * 1024);
});
