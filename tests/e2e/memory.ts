import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';

/** pid → parent pid, for every process we can read. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 (ppid) follows the command name, which is in parentheses and may hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(Number(name), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  return map;
}

/**
 * Resident memory (MB) of every Chromium renderer process started by this test
 * process (Playwright launches the browser as our child), summed: the page,
 * its workers (dedicated workers live in the page's renderer) and any other
 * renderer the browser keeps.
 */
export function rendererRssMb(): number {
  const ppid = parents();
  const ours = (pid: number): boolean => {
    for (let p = ppid.get(pid); p !== undefined && p > 1; p = ppid.get(p)) if (p === process.pid) return true;
    return false;
  };
  let kb = 0;
  for (const pid of ppid.keys()) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer') || !ours(pid)) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      kb += Number(rss?.[1] ?? 0);
    } catch {
      // The process ended while we looked.
    }
  }
  return kb / 1024;
}

export interface MemorySamples {
  peakRssMb: number;
  /** Every RSS sample, in order. */
  rssMb: number[];
  peakHeapMb: number;
  samples: number;
  stop(): Promise<void>;
}

/** Samples renderer RSS and the page's JS heap (CDP) every `everyMs` until stopped; keeps the peaks. */
export async function watchMemory(page: Page, everyMs = 250): Promise<MemorySamples> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const result: MemorySamples = { peakRssMb: 0, rssMb: [], peakHeapMb: 0, samples: 0, stop: async () => {} };
  let running = true;
  const loop = (async () => {
    while (running) {
      const rss = rendererRssMb();
      result.rssMb.push(rss);
      result.peakRssMb = Math.max(result.peakRssMb, rss);
      const { metrics } = await cdp.send('Performance.getMetrics').catch(() => ({ metrics: [] }));
      const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
      result.peakHeapMb = Math.max(result.peakHeapMb, heap / 1024 / 1024);
      result.samples++;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  result.stop = async () => {
    running = false;
    await loop;
    await cdp.detach().catch(() => {});
  };
  return result;
}

/** Starts recording main-thread long tasks (and long animation frames, to name their scripts) in the page. */
export async function recordLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const record: { tasks: { start: number; duration: number }[]; frames: string[] } = { tasks: [], frames: [] };
    (window as unknown as { __longTasks: typeof record }).__longTasks = record;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) record.tasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask' });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & {
        scripts: { sourceFunctionName: string; sourceURL: string; invoker: string; duration: number }[];
      })[]) {
        const scripts = e.scripts.map(
          (s) =>
            `${s.invoker} → ${s.sourceFunctionName || '(anonymous)'}@${s.sourceURL.split('/').pop()} ${s.duration.toFixed(0)} ms`,
        );
        record.frames.push(
          `frame at ${e.startTime.toFixed(0)} ms, ${e.duration.toFixed(0)} ms: ${scripts.join('; ') || 'no script'}`,
        );
      }
    }).observe({ type: 'long-animation-frame' });
  });
}

/** The long tasks recorded so far, and the long animation frames (with their scripts) that explain them. */
export async function longTasks(
  page: Page,
): Promise<{ tasks: { start: number; duration: number }[]; frames: string[] }> {
  return page.evaluate(() => (window as unknown as { __longTasks: { tasks: []; frames: [] } }).__longTasks);
}

/**
 * Chromium flag for `measureMemory`: without it, measureUserAgentSpecificMemory
 * waits for a natural garbage collection in every context (10–17 s each while
 * a file is transcribed, measured); with it, it collects at once.
 */
export const EAGER_MEMORY_MEASUREMENT = '--enable-blink-features=ForceEagerMeasureMemory';

/** What performance.measureUserAgentSpecificMemory() answers. */
export interface MemoryMeasurement {
  bytes: number;
  breakdown: { bytes: number; attribution: { scope: string; url: string }[]; types: string[] }[];
}

/**
 * The memory of the page and its workers that is still reachable: JavaScript
 * objects, array buffers and WebAssembly memory, measured by
 * performance.measureUserAgentSpecificMemory() after a garbage collection
 * (the page must be cross-origin isolated). Unlike resident memory it holds no
 * garbage waiting to be collected, so it does not swing with the collector's
 * timing.
 */
export function measureMemory(page: Page): Promise<MemoryMeasurement> {
  return page.evaluate(async () => {
    const perf = performance as Performance & { measureUserAgentSpecificMemory(): Promise<unknown> };
    return (await perf.measureUserAgentSpecificMemory()) as MemoryMeasurement;
  });
}

/** `measureMemory`'s total, in MB. */
export async function liveMemoryMb(page: Page): Promise<number> {
  return (await measureMemory(page)).bytes / 2 ** 20;
}
