import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { diagnostic, launch, openReady, transcriptText } from './browser';
import { EAGER_MEMORY_MEASUREMENT, measureMemory } from './memory';

/**
 * A long dictation from a fake microphone that loops dictation-44k.wav (23 s
 * of speech with pauses) for SOAK_MINUTES minutes (default 2; `npm run soak`
 * runs 30). Every 30 s it records the renderer's memory, dropped samples,
 * worker restarts and the transcript's length; at the end nothing may have
 * been dropped or restarted, the transcript must have grown in every 30 s
 * window, and memory may not have grown by 50 MB or more after warm-up.
 */
const MINUTES = Number(process.env.SOAK_MINUTES ?? 2);
const RUN_MS = MINUTES * 60_000;
const SAMPLE_EVERY_MS = 30_000;
/** Samples land a few ms late (the measurement itself takes time): still "30 s apart". */
const SAMPLE_SLACK_MS = 1_000;
/** Memory is compared from here on: the first minutes fill caches, pools and the JIT. */
const BASELINE_AT_MS = Math.min(5 * 60_000, RUN_MS / 4);
const MAX_GROWTH_MB = 50;
const MB = 2 ** 20;

interface Sample {
  /** Milliseconds since Start dictation was pressed. */
  atMs: number;
  /** performance.measureUserAgentSpecificMemory(): the page and its workers. */
  memoryMb: number;
  /** The same, per execution context type (Window, DedicatedWorkerGlobalScope, …); unattributed under "other". */
  memoryByScopeMb: Record<string, number>;
  /** Resident memory of the browser's renderer processes (informational). */
  rendererRssMb: number | null;
  dropped: number;
  restarts: number;
  transcriptChars: number;
}

/**
 * Resident memory of the renderer processes this test's browser runs (the page,
 * its workers, the service worker): native allocations included, which
 * measureUserAgentSpecificMemory does not see. Shared pages count once per
 * process. Reported, not asserted; null where there is no /proc.
 */
function rendererRssMb(): number | null {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return ''; // exited meanwhile
    }
  };
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  let kb = 0;
  const queue = [...(children.get(process.pid) ?? [])];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    queue.push(...(children.get(pid) ?? []));
    if (!read(`/proc/${pid}/cmdline`).includes('--type=renderer')) continue;
    kb += Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(read(`/proc/${pid}/status`))?.[1] ?? 0);
  }
  return Math.round((kb / 1024) * 10) / 10;
}

if (!(MINUTES > 0))
  throw new Error(`SOAK_MINUTES must be a positive number of minutes, not ${process.env.SOAK_MINUTES}`);

test(`dictates for ${MINUTES} min from a looping microphone without drops, restarts, stalls or memory growth`, async () => {
  test.setTimeout(RUN_MS + 3 * 60_000);
  const browser = await launch({
    wav: 'dictation-44k.wav',
    loop: true,
    extraArgs: [EAGER_MEMORY_MEASUREMENT],
  });
  const { page } = browser;
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  try {
    await openReady(page, SERVERS.isolated);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // The first visit's offline download is over before anything is measured.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.locator('summary', { hasText: 'Diagnostics' }).click();

    const measure = async (atMs: number): Promise<Sample> => {
      const memory = await measureMemory(page);
      const memoryByScopeMb: Record<string, number> = {};
      for (const entry of memory.breakdown) {
        const scope = entry.attribution[0]?.scope ?? 'other';
        memoryByScopeMb[scope] = (memoryByScopeMb[scope] ?? 0) + entry.bytes / MB;
      }
      for (const scope of Object.keys(memoryByScopeMb)) {
        memoryByScopeMb[scope] = Math.round((memoryByScopeMb[scope] ?? 0) * 10) / 10;
      }
      return {
        atMs: Math.round(atMs),
        memoryMb: Math.round((memory.bytes / MB) * 10) / 10,
        memoryByScopeMb,
        rendererRssMb: rendererRssMb(),
        dropped: Number(await diagnostic(page, 'dropped')),
        restarts: Number(await diagnostic(page, 'restarts')),
        transcriptChars: (await transcriptText(page)).length,
      };
    };

    const before = await measure(0);
    const startedAt = Date.now();
    await page.getByRole('button', { name: 'Start dictation' }).click();
    await expect(page.getByRole('button', { name: 'Stop dictation' })).toBeVisible();

    const samples: Sample[] = [];
    for (let k = 1; k * SAMPLE_EVERY_MS <= RUN_MS; k++) {
      const wait = startedAt + k * SAMPLE_EVERY_MS - Date.now();
      if (wait > 0) await page.waitForTimeout(wait);
      const sample = await measure(Date.now() - startedAt);
      samples.push(sample);
      console.log('[soak] sample', JSON.stringify(sample));
      // Still dictating: no error stopped it.
      await expect(page.getByRole('button', { name: 'Stop dictation' })).toBeVisible({ timeout: 1_000 });
    }

    await page.getByRole('button', { name: 'Stop dictation' }).click();
    await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 60_000 });
    const afterStop = await measure(Date.now() - startedAt);

    const last = samples.at(-1);
    const baseline = samples.find((s) => s.atMs >= BASELINE_AT_MS) ?? samples[0];
    if (!last || !baseline) throw new Error('no samples taken');
    // Each sample's transcript is longer than that of the last sample taken at least 30 s before it
    // (the first one: than before Start).
    const timeline = [before, ...samples];
    const stalls = timeline.flatMap((s, i) => {
      const earlier = timeline
        .slice(0, i)
        .filter((e) => s.atMs - e.atMs >= SAMPLE_EVERY_MS - SAMPLE_SLACK_MS)
        .at(-1);
      return earlier && s.transcriptChars <= earlier.transcriptChars
        ? [{ fromMs: earlier.atMs, toMs: s.atMs, chars: s.transcriptChars }]
        : [];
    });
    const growthMb = Math.round((last.memoryMb - baseline.memoryMb) * 10) / 10;
    const summary = {
      minutes: MINUTES,
      samples: samples.length,
      droppedSamples: afterStop.dropped,
      restarts: afterStop.restarts,
      transcriptChars: afterStop.transcriptChars,
      charsPerMinute: Math.round(last.transcriptChars / (last.atMs / 60_000)),
      stalls,
      memoryMb: {
        beforeStart: before.memoryMb,
        baseline: { atMs: baseline.atMs, mb: baseline.memoryMb, byScope: baseline.memoryByScopeMb },
        end: { atMs: last.atMs, mb: last.memoryMb, byScope: last.memoryByScopeMb },
        afterStop: afterStop.memoryMb,
        peak: Math.max(...samples.map((s) => s.memoryMb)),
        growthFromBaseline: growthMb,
        series: samples.map((s) => s.memoryMb),
      },
      rendererRssMb: {
        beforeStart: before.rendererRssMb,
        baseline: baseline.rendererRssMb,
        end: last.rendererRssMb,
        series: samples.map((s) => s.rendererRssMb),
      },
      pageErrors,
    };
    console.log('[soak]', JSON.stringify(summary));

    expect(afterStop.dropped, 'dropped samples').toBe(0);
    expect(afterStop.restarts, 'worker restarts').toBe(0);
    expect(stalls, 'windows of 30 s in which the transcript did not grow').toEqual([]);
    expect(growthMb, `memory growth from ${baseline.atMs} ms to ${last.atMs} ms (MB)`).toBeLessThan(MAX_GROWTH_MB);
  } finally {
    await browser.close();
  }
});
