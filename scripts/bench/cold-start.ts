/**
 * Cold start of a returning visitor: the app on a plain static host under a
 * sub-path (no COOP/COEP, as on GitHub Pages), visited once so the service
 * worker installs and the page reloads into cross-origin isolation; then, in
 * the same profile (warm service-worker cache), a new page each run, offline,
 * timed from navigation start to first paint and to "Start dictation" enabled.
 */
import type { Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { Page } from 'playwright-core';
// @ts-expect-error -- plain ES module without type declarations
import { startServer } from '../serve.mjs';
import { median, round } from './audio';
import { type BenchBrowser, launch, startButton } from './browser';

/** Issue 9: ready from the offline copy ≤ 1.5 s (median of 3), first paint ≤ 150 ms, first visit ≤ 4 s. */
export const COLD_START_TARGETS = { coldStartMs: 1500, firstPaintMs: 150, firstVisitMs: 4000 };

const BASE = '/utter/';

interface ColdStartWindow {
  __coldStart?: { enabledAt: number | null; loadedAt: number | null };
}

export interface ColdStartRun {
  /** performance.now() (from navigation start) when "Start dictation" became usable (neither disabled nor aria-disabled). */
  startEnabledMs: number | null;
  /** When the status said "Ready": the speech model loaded too (dictation started earlier waits for it). */
  speechModelLoadedMs: number | null;
  firstPaintMs: number | null;
  firstContentfulPaintMs: number | null;
  /** Navigation timing: the app shell's response (from the service worker) and DOMContentLoaded. */
  responseEndMs: number | null;
  domContentLoadedMs: number | null;
  status: string;
  modelsFromOfflineCopy: boolean;
  crossOriginIsolated: boolean;
  controlledByServiceWorker: boolean;
}

export interface ColdStartReport {
  url: string;
  offline: boolean;
  /** The first visit: service worker install, one reload into isolation, models ready. */
  firstVisitMs: number | null;
  runs: ColdStartRun[];
  median: {
    startEnabledMs: number | null;
    speechModelLoadedMs: number | null;
    firstPaintMs: number | null;
    firstContentfulPaintMs: number | null;
  };
  modelsFromOfflineCopy: boolean;
  targets: typeof COLD_START_TARGETS;
}

/** The preferred port if it is free, otherwise whatever the system hands out. */
async function freePort(preferred: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const probe: Server = createServer();
      probe.once('error', () => resolve(null));
      probe.listen(port, '127.0.0.1', () => {
        const address = probe.address();
        const chosen = typeof address === 'object' && address ? address.port : null;
        probe.close(() => resolve(chosen));
      });
    });
  const port = (await tryListen(preferred)) ?? (await tryListen(0));
  if (port === null) throw new Error('no free port for the cold-start server');
  return port;
}

/** Polls a locator (survives the first visit's reload) until "Start dictation" is enabled. */
async function waitStartEnabled(page: Page, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const button = startButton(page);
  for (;;) {
    if ((await button.count().catch(() => 0)) === 1 && (await button.isEnabled().catch(() => false))) return;
    if (Date.now() > deadline) {
      const text = await page
        .locator('body')
        .textContent()
        .catch(() => '');
      throw new Error(`"Start dictation" not enabled after ${timeoutMs} ms: ${(text ?? '').replace(/\s+/g, ' ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Records the moment the Start button becomes usable (it is aria-disabled while busy, to keep
 * keyboard focus), and the moment the status says "Ready" (the speech model is loaded too:
 * Start is usable before, while it loads), from the document's creation on.
 * A string, not a function: tsx wraps named functions in a \`__name\` helper the page does not have.
 */
const WATCH_START_BUTTON = `(() => {
  const state = { enabledAt: null, loadedAt: null };
  window.__coldStart = state;
  const observer = new MutationObserver(() => {
    const now = performance.now();
    if (state.enabledAt === null) {
      for (const button of document.querySelectorAll('button')) {
        const usable = !button.disabled && button.getAttribute('aria-disabled') !== 'true';
        if (usable && button.textContent.includes('Start dictation')) state.enabledAt = now;
      }
    }
    const status = document.querySelector('[role="status"]');
    if (state.loadedAt === null && status && status.textContent.startsWith('Ready')) state.loadedAt = now;
    if (state.enabledAt !== null && state.loadedAt !== null) observer.disconnect();
  });
  observer.observe(document, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['disabled', 'aria-disabled'],
  });
})();`;

async function coldRun(page: Page, url: string): Promise<ColdStartRun> {
  await page.addInitScript({ content: WATCH_START_BUTTON });
  await page.goto(url, { waitUntil: 'commit' });
  try {
    await page.waitForFunction(() => (window as unknown as ColdStartWindow).__coldStart?.loadedAt != null, null, {
      timeout: 120_000,
      polling: 100,
    });
  } catch (error) {
    const text = await page
      .locator('body')
      .textContent()
      .catch(() => '');
    throw new Error(`cold page never enabled "Start dictation" (${(error as Error).message}); page says: ${text}`);
  }
  return page.evaluate(() => {
    const paints = performance.getEntriesByType('paint');
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const status = document.querySelector('[role="status"]')?.textContent?.trim() ?? '';
    return {
      startEnabledMs: (window as unknown as ColdStartWindow).__coldStart?.enabledAt ?? null,
      speechModelLoadedMs: (window as unknown as ColdStartWindow).__coldStart?.loadedAt ?? null,
      firstPaintMs: paints.find((p) => p.name === 'first-paint')?.startTime ?? null,
      firstContentfulPaintMs: paints.find((p) => p.name === 'first-contentful-paint')?.startTime ?? null,
      responseEndMs: nav?.responseEnd ?? null,
      domContentLoadedMs: nav?.domContentLoadedEventEnd ?? null,
      status,
      modelsFromOfflineCopy: status.includes('offline copy'),
      crossOriginIsolated: self.crossOriginIsolated,
      controlledByServiceWorker: navigator.serviceWorker?.controller != null,
    };
  });
}

/**
 * Serves dist/ without isolation headers under /utter/, visits once, then
 * times `runs` cold pages in the same profile with the network off.
 */
export async function measureColdStart(
  distDir: string,
  fakeMicWav: string,
  log: (message: string) => void,
  { preferredPort = 4181, offline = true, runs: runCount = 3 } = {},
): Promise<ColdStartReport> {
  const port = await freePort(preferredPort);
  const server: HttpServer = await startServer({ dir: distDir, port, base: BASE, isolation: false });
  const url = `http://127.0.0.1:${port}${BASE}`;
  let browser: BenchBrowser | null = null;
  try {
    browser = await launch(fakeMicWav, log);
    const { context } = browser;
    let page = browser.page;

    log(`cold start: first visit to ${url} (service worker install and reload into isolation)`);
    const t0 = performance.now();
    await page.goto(url);
    await waitStartEnabled(page, 180_000);
    const isolated = await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      return self.crossOriginIsolated;
    });
    const firstVisitMs = performance.now() - t0;
    if (!isolated) throw new Error('the first visit did not end cross-origin isolated under the service worker');
    log(`cold start: first visit ready in ${(firstVisitMs / 1000).toFixed(1)} s`);

    if (offline) await context.setOffline(true);
    const runs: ColdStartRun[] = [];
    for (let i = 0; i < runCount; i++) {
      // A new page in the same profile: the service worker's cache is warm, the page is not.
      const next = await context.newPage();
      next.on('pageerror', (error) => log(`[pageerror] ${error.message}`));
      await page.close();
      page = next;
      const run = await coldRun(page, url);
      runs.push(run);
      log(
        `cold start ${i + 1}/${runCount}: first paint ${run.firstPaintMs?.toFixed(0)} ms, ` +
          `Start enabled ${run.startEnabledMs?.toFixed(0)} ms, speech model loaded ${run.speechModelLoadedMs?.toFixed(0)} ms; "${run.status}"`,
      );
    }

    const med = (pick: (r: ColdStartRun) => number | null) => {
      const values = runs.map(pick).filter((v): v is number => v !== null);
      return values.length === runs.length ? round(median(values), 0) : null;
    };
    return {
      url,
      offline,
      firstVisitMs: round(firstVisitMs, 0),
      runs: runs.map((r) => ({
        ...r,
        startEnabledMs: r.startEnabledMs === null ? null : round(r.startEnabledMs, 0),
        speechModelLoadedMs: r.speechModelLoadedMs === null ? null : round(r.speechModelLoadedMs, 0),
        firstPaintMs: r.firstPaintMs === null ? null : round(r.firstPaintMs, 0),
        firstContentfulPaintMs: r.firstContentfulPaintMs === null ? null : round(r.firstContentfulPaintMs, 0),
        responseEndMs: r.responseEndMs === null ? null : round(r.responseEndMs, 0),
        domContentLoadedMs: r.domContentLoadedMs === null ? null : round(r.domContentLoadedMs, 0),
      })),
      median: {
        startEnabledMs: med((r) => r.startEnabledMs),
        speechModelLoadedMs: med((r) => r.speechModelLoadedMs),
        firstPaintMs: med((r) => r.firstPaintMs),
        firstContentfulPaintMs: med((r) => r.firstContentfulPaintMs),
      },
      modelsFromOfflineCopy: runs.every((r) => r.modelsFromOfflineCopy),
      targets: COLD_START_TARGETS,
    };
  } finally {
    await browser?.close().catch(() => undefined);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
