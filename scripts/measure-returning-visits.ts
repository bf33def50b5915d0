/**
 * What a person who comes back sees: the production build opened again and
 * again in one Chromium profile (a new browser process each visit, as after
 * closing the installed app), dictating a few seconds each time. Per visit:
 * time to "Ready", the page renderer's peak resident memory from navigation
 * to the end of the visit, and the size of the browser's compiled-code cache
 * for WebAssembly (from the network: `Code Cache/wasm`; from the service
 * worker's Cache Storage: stored beside the response, so counted with it).
 *
 * With `--trace`, V8 logs its WebAssembly compiles, and each visit lists the
 * optimising (TurboFan) compiles that needed more than 20 MB of working
 * memory: the spikes in the peak. The flag is passed on every visit, because
 * the cache is only reused under the same V8 flags.
 *
 *   npm run build && flock /tmp/utter-heavy.lock npx tsx scripts/measure-returning-visits.ts [visits] [seconds] [--trace]
 *
 * visits: how many (6); seconds: dictating per visit (12), from the fake
 * microphone's dictation-44k.wav (`npm run fixtures`).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './serve.mjs';

const ROOT = join(import.meta.dirname, '..');
const PORT = 4198;
const args = process.argv.slice(2);
const trace = args.includes('--trace');
const [visits = 6, seconds = 12] = args.filter((a) => !a.startsWith('--')).map(Number);
if (!(Number.isInteger(visits) && visits > 0 && seconds > 0))
  throw new Error(`usage: [visits] [seconds] [--trace], not ${args.join(' ')}`);
/** V8's compile log reaches us as Playwright's browser output: its debug channel, read from stderr. */
const compileLog: string[] = [];
if (trace) {
  process.env.DEBUG = 'pw:browser';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    const text = chunk.toString();
    if (!text.includes('pw:browser')) return write(chunk, ...rest);
    compileLog.push(...text.split('\n').filter((line) => line.includes('using TurboFan')));
    return true;
  }) as typeof process.stderr.write;
}
// Imported after DEBUG is set: Playwright's debug channel reads it once, when loaded.
const { launch } = await import('./bench/browser');

const read = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

/** The largest renderer of this profile: the page's, which runs the models. */
function pageRendererMb(profile: string): number {
  let kb = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = read(`/proc/${entry}/cmdline`);
    if (!cmdline.includes('--type=renderer') || !cmdline.includes(profile)) continue;
    kb = Math.max(kb, Number(/^VmRSS:\s+(\d+)/m.exec(read(`/proc/${entry}/status`))?.[1] ?? 0));
  }
  return kb / 1024;
}

function directoryMb(path: string): number {
  let bytes = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else bytes += statSync(full).size;
    }
  };
  try {
    walk(path);
  } catch {
    // Not created (yet).
  }
  return bytes / 2 ** 20;
}

/** TurboFan compiles over 20 MB of working memory: "#function ms MB". */
function bigCompiles(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const m = /#(\d+) using TurboFan, took (\d+) μs and (\d+) \//.exec(line);
    if (m && Number(m[3]) > 20 * 2 ** 20)
      out.push(`#${m[1]} ${Math.round(Number(m[2]) / 1000)} ms ${Math.round(Number(m[3]) / 2 ** 20)} MB`);
  }
  return out;
}

const server = await startServer({ dir: join(ROOT, 'dist'), port: PORT });
const profile = mkdtempSync(join(tmpdir(), 'utter-returning-'));
const fakeMic = join(ROOT, 'tests/fixtures/generated/dictation-44k.wav');
try {
  for (let visit = 1; visit <= visits; visit++) {
    compileLog.length = 0;
    const browser = await launch(fakeMic, console.log, {
      profile,
      args: trace ? ['--js-flags=--trace-wasm-compilation-times'] : [],
    });
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, pageRendererMb(profile));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    let readyMs: number;
    try {
      const { page } = browser;
      const t0 = performance.now();
      await page.goto(`http://127.0.0.1:${PORT}/`);
      await page
        .getByRole('status')
        .filter({ hasText: /^Ready/ })
        .waitFor({ timeout: 120_000 });
      readyMs = performance.now() - t0;
      await page.getByRole('button', { name: 'Start dictation' }).click();
      await page.waitForTimeout(seconds * 1000);
      await page.getByRole('button', { name: 'Stop dictation' }).click();
      // The first visit installs the offline copy (~70 MB): the next visit should find it whole.
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
      // V8 writes the cache once no optimised code has come for 2 s: give it that before closing.
      await page.waitForTimeout(3000);
    } finally {
      sampling = false;
      await sampler;
      await browser.close();
    }
    if (peak === 0) throw new Error('no renderer of this profile was found in /proc');
    const wasmCache = directoryMb(join(profile, 'Default/Code Cache/wasm'));
    const cacheStorage = directoryMb(join(profile, 'Default/Service Worker/CacheStorage'));
    const compiles = trace ? `; large optimising compiles: ${bigCompiles(compileLog).join(', ') || 'none'}` : '';
    console.log(
      `visit ${visit}: ready ${Math.round(readyMs)} ms, page renderer peak ${Math.round(peak)} MB; ` +
        `code cache ${wasmCache.toFixed(1)} MB, Cache Storage ${cacheStorage.toFixed(1)} MB${compiles}`,
    );
  }
} finally {
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
