import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import type { BenchHook, BenchRecord } from '../../src/app/bench-hook';
import { CHROMIUM, CHROMIUM_FLAGS, FAKE_MICROPHONE_FLAGS } from '../../tests/chromium';
import type { ClipRun } from './native';

export { CHROMIUM };

type BenchWindow = { __utterBench?: BenchHook };

export interface BenchBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** A profile to open, and keep on close, instead of a fresh one (a returning visit's). */
  profile?: string;
  /** More Chromium arguments. */
  args?: readonly string[];
}

/**
 * The app's browser with a fake microphone. A fresh profile each time unless
 * one is given: no remembered backend decision, no caches. The fake mic
 * starts from 0 either way.
 */
export async function launch(
  fakeMicWav: string,
  log: (message: string) => void,
  { profile, args = [] }: LaunchOptions = {},
): Promise<BenchBrowser> {
  const userDataDir = profile ?? mkdtempSync(join(tmpdir(), 'utter-bench-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...CHROMIUM_FLAGS,
      '--disable-gpu',
      ...FAKE_MICROPHONE_FLAGS,
      `--use-file-for-fake-audio-capture=${fakeMicWav}%noloop`,
      // measureUserAgentSpecificMemory() answers at once instead of at the next natural GC (up to 20 s).
      '--enable-blink-features=ForceEagerMeasureMemory',
      ...args,
      // For experiments, e.g. BENCH_CHROMIUM_ARGS='--js-flags=--no-wasm-dynamic-tiering'.
      ...(process.env.BENCH_CHROMIUM_ARGS?.split(/\s+/).filter(Boolean) ?? []),
    ],
    permissions: ['microphone'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => log(`[pageerror] ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      log(`[console.${message.type()}] ${message.text()}`);
  });
  return {
    context,
    page,
    close: async () => {
      await context.close();
      if (!profile) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

async function waitEnabled(button: Locator, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await button.count()) === 1 && (await button.isEnabled())) return;
    if (Date.now() > deadline) {
      const status = await button
        .page()
        .locator('body')
        .textContent()
        .catch(() => '');
      throw new Error(
        `${what} not enabled after ${timeoutMs} ms; page says: ${(status ?? '').replace(/\s+/g, ' ').slice(0, 400)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function startButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Start dictation', exact: true });
}

/** Opens the app with `?bench` and waits for both models: returns the load time in ms. */
export async function openReady(page: Page, url: string): Promise<number> {
  const t0 = performance.now();
  await page.goto(url);
  await waitEnabled(startButton(page), 180_000, '"Start dictation"');
  // Start is usable while the speech model still loads; what is measured next needs it loaded.
  await page
    .getByRole('status')
    .filter({ hasText: /^Ready/ })
    .waitFor({ timeout: 180_000 });
  const loadMs = performance.now() - t0;
  const hooked = await page.evaluate(() => (window as unknown as BenchWindow).__utterBench !== undefined);
  if (!hooked) throw new Error('window.__utterBench is missing: is the bench hook in this build?');
  // A fresh profile installs the service worker, which precaches ~70 MB: let
  // that finish (the worker activates after it) before anything is measured.
  await page.evaluate(
    () =>
      !('serviceWorker' in navigator) ||
      Promise.race([navigator.serviceWorker.ready.then(() => true), new Promise((r) => setTimeout(r, 60_000, false))]),
  );
  return loadMs;
}

/** Warm-up on the first clip, then `rounds` passes over all clips in the STT worker. */
export async function browserClips(page: Page, clips: Float32Array[], rounds: number): Promise<ClipRun[][]> {
  return page.evaluate(
    async ({ clips, rounds }) => {
      const hook = (window as unknown as BenchWindow).__utterBench;
      if (!hook) throw new Error('no bench hook');
      // transcribeClip transfers its buffer: a new Float32Array per call.
      const first = clips[0];
      if (first) await hook.transcribeClip(Float32Array.from(first));
      const out: { text: string; inferenceMs: number }[][] = [];
      for (let r = 0; r < rounds; r++) {
        const round: { text: string; inferenceMs: number }[] = [];
        for (const clip of clips) round.push(await hook.transcribeClip(Float32Array.from(clip)));
        out.push(round);
      }
      return out;
    },
    { clips: clips.map((c) => Array.from(c)), rounds },
  );
}

/** Silero per-frame ms in the VAD worker, after a one-second warm-up. */
export async function browserVadFrames(page: Page, samples: Float32Array): Promise<number[]> {
  return page.evaluate(async (audio) => {
    const hook = (window as unknown as BenchWindow).__utterBench;
    if (!hook) throw new Error('no bench hook');
    await hook.measureVadFrames(Float32Array.from(audio.slice(0, 16000)));
    return hook.measureVadFrames(Float32Array.from(audio));
  }, Array.from(samples));
}

export async function diagnostic(page: Page, stat: string): Promise<string> {
  return ((await page.locator(`[data-stat="${stat}"]`).textContent()) ?? '').trim();
}

export async function openDiagnostics(page: Page): Promise<void> {
  const details = page.locator('details', { has: page.locator('summary', { hasText: 'Diagnostics' }) });
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) {
    await page.locator('summary', { hasText: 'Diagnostics' }).click();
  }
}

export interface DictationRun {
  records: BenchRecord[];
  transcript: string;
  droppedSamples: number;
  /** The Diagnostics panel after Stop, as shown (e.g. "54 / 5 (3 abandoned)"). */
  diagnostics: Record<string, string>;
  /** Wall time from clicking Stop to "Start dictation" being enabled again. */
  stopMs: number;
  /** JavaScript and Wasm memory halfway through the dictation, whole page and per realm. */
  jsWasmMemory: JsWasmMemory | null;
}

/**
 * `performance.measureUserAgentSpecificMemory()` (cross-origin isolated pages
 * only): JS heaps and Wasm memories of the page and each worker, by the
 * script that runs them. A Wasm heap never shrinks, so a worker's figure is
 * its model's high-water mark.
 */
export interface JsWasmMemory {
  totalMb: number;
  /** MB per realm: "page", or the worker's script name without its hash ("stt.worker"). */
  byRealm: Record<string, number>;
}

export async function measureJsWasmMemory(page: Page): Promise<JsWasmMemory | null> {
  return page.evaluate(async () => {
    type Entry = { bytes: number; attribution: { url: string; scope: string }[] };
    const measure = (
      performance as unknown as {
        measureUserAgentSpecificMemory?: () => Promise<{ bytes: number; breakdown: Entry[] }>;
      }
    ).measureUserAgentSpecificMemory;
    if (!measure || !crossOriginIsolated) return null;
    const result = await measure.call(performance);
    const byRealm: Record<string, number> = {};
    for (const entry of result.breakdown) {
      const where = entry.attribution[0];
      const realm =
        !where || where.scope === 'Window'
          ? 'page'
          : (where.url.split('/').pop() ?? where.url).replace(/-[\w-]{6,}\.js$/, '');
      byRealm[realm] = (byRealm[realm] ?? 0) + entry.bytes / 2 ** 20;
    }
    // No named helpers in here: tsx wraps them in a `__name` call that the page does not have.
    return {
      totalMb: Math.round(result.bytes / 2 ** 20 / 0.1) / 10,
      byRealm: Object.fromEntries(Object.entries(byRealm).map(([k, v]) => [k, Math.round(v * 10) / 10])),
    };
  });
}

/** Start, let the fake microphone play `seconds`, Stop, wait for the last final. */
export async function dictate(
  page: Page,
  seconds: number,
  log: (message: string) => void,
  /** Halfway through, measure JS and Wasm memory: it pauses the workers for its garbage collection. */
  { measureMemory = true }: { measureMemory?: boolean } = {},
): Promise<DictationRun> {
  await startButton(page).click();
  await page.getByRole('button', { name: 'Stop dictation', exact: true }).waitFor({ state: 'visible' });
  log(`dictating for ${seconds} s`);
  await page.waitForTimeout((seconds * 1000) / 2);
  const memory = measureMemory ? measureJsWasmMemory(page).catch(() => null) : Promise.resolve(null);
  await page.waitForTimeout((seconds * 1000) / 2);
  const t0 = performance.now();
  await page.getByRole('button', { name: 'Stop dictation', exact: true }).click();
  await waitEnabled(startButton(page), 60_000, '"Start dictation" after Stop');
  const stopMs = performance.now() - t0;
  const records = await page.evaluate(() => (window as unknown as BenchWindow).__utterBench?.results ?? []);
  // The editor's own text: its page text holds only the lines in view (see tests/e2e/browser.ts transcriptText).
  const transcript = await page.getByLabel('Transcript', { exact: true }).evaluate((content) => {
    type Found = { cmTile?: { root?: { view?: { state: { doc: { toString(): string } } } } } };
    const view = (content as unknown as Found).cmTile?.root?.view;
    if (!view) throw new Error('The Transcript element is not the CodeMirror editor content');
    return view.state.doc.toString();
  });
  await openDiagnostics(page);
  const diagnostics: Record<string, string> = {};
  for (const stat of ['dropped', 'results', 'audio-lag', 'inference', 'rtf', 'vad-frame', 'threads', 'transport']) {
    diagnostics[stat] = await diagnostic(page, stat);
  }
  const jsWasmMemory = await memory;
  return { records, transcript, droppedSamples: Number(diagnostics.dropped), diagnostics, stopMs, jsWasmMemory };
}
