import { expect, type Page, test } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { wordErrorRate } from '../../src/engine/wer';
import {
  diagnostic,
  dictate,
  keepMicrophoneStreams,
  launch,
  microphoneTrackStates,
  openReady,
  TRANSCRIPTS,
  transcriptText,
} from './browser';

/** dictation-44k.wav: 23.4 s; a second more lets the fake device play out. */
const DICTATION_SECONDS = 24.5;

test('dictates a multi-sentence recording, copies it, and keeps the main thread free', async () => {
  const browser = await launch({ wav: 'dictation-44k.wav' });
  const { page } = browser;
  try {
    // Keep every stream the app opens, to check that Stop really closes the microphone.
    await page.addInitScript(keepMicrophoneStreams);
    await recordMainThread(page);
    await openReady(page, SERVERS.isolated);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // Measure dictation, not the first visit's one-off offline download running beside it.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });

    const startedAt = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Start dictation' }).click();
    await expect(page.getByRole('button', { name: 'Stop dictation' })).toBeVisible();

    // Words appear while speaking: live text shows up before the first sentence is committed.
    await expect(page.getByLabel('Live text')).not.toBeEmpty({ timeout: 10_000 });

    // Both model workers are dedicated workers of this page while dictating.
    const workerUrls = page.workers().map((w) => w.url());
    expect(workerUrls.some((u) => u.includes('vad.worker'))).toBe(true);
    expect(workerUrls.some((u) => u.includes('stt.worker'))).toBe(true);

    await page.waitForTimeout(DICTATION_SECONDS * 1000);
    await page.getByRole('button', { name: 'Stop dictation' }).click();
    const stoppedAt = await page.evaluate(() => performance.now());
    await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 60_000 });

    // The microphone is released: every track the app opened has ended (the recording indicator goes off).
    expect(await microphoneTrackStates(page)).toEqual(['ended']);

    const transcript = await transcriptText(page);
    const wer = wordErrorRate(TRANSCRIPTS['dictation.wav'] ?? '', transcript);
    console.log(`isolated transcript (WER ${(wer.wer * 100).toFixed(1)}%): ${transcript}`);
    expect(wer.wer).toBeLessThan(0.15);
    // Committed words leave the live line.
    await expect(page.getByLabel('Live text')).toBeEmpty();

    await page.getByRole('button', { name: /^Copy/ }).click();
    await expect(page.getByRole('button', { name: /^Copied/ })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(transcript);

    await expectNoLongTasks(page, startedAt, stoppedAt);

    await page.locator('summary', { hasText: 'Diagnostics' }).click();
    expect(await diagnostic(page, 'transport')).toBe('SharedArrayBuffer ring');
    expect(await diagnostic(page, 'dropped')).toBe('0');

    // Everything came from the app's own origin: no CDN, no hub, no telemetry.
    const origin = new URL(SERVERS.isolated).origin;
    const foreign = browser.requests.filter(
      (u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin,
    );
    expect(foreign).toEqual([]);
  } finally {
    await browser.close();
  }
});

test('without cross-origin isolation, audio flows over MessagePorts and dictation still works', async () => {
  // No COOP/COEP from the server and no service worker to add them.
  const browser = await launch({ wav: 'dictation-44k.wav', blockServiceWorkers: true });
  const { page } = browser;
  try {
    await recordMainThread(page);
    await openReady(page, SERVERS.plain);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    const startedAt = await page.evaluate(() => performance.now());
    const transcript = await dictate(page, DICTATION_SECONDS);
    // Here audio reaches the workers over MessagePorts, never through the main thread: it stays free too.
    await expectNoLongTasks(page, startedAt, await page.evaluate(() => performance.now()));
    const wer = wordErrorRate(TRANSCRIPTS['dictation.wav'] ?? '', transcript);
    console.log(`MessagePort transcript (WER ${(wer.wer * 100).toFixed(1)}%): ${transcript}`);
    expect(wer.wer).toBeLessThan(0.15);
    await page.locator('summary', { hasText: 'Diagnostics' }).click();
    expect(await diagnostic(page, 'transport')).toBe('MessagePort chunks');
    expect(await diagnostic(page, 'isolated')).toBe('false');
    expect(await diagnostic(page, 'dropped')).toBe('0');
  } finally {
    await browser.close();
  }
});

test('a denied microphone gets a clear alert and loses nothing', async () => {
  const browser = await launch({ microphone: false });
  const { page, context } = browser;
  try {
    await openReady(page, SERVERS.isolated);
    await page.getByLabel('Transcript').fill('Words typed before.');
    await context.clearPermissions();
    // --use-fake-ui-for-media-stream auto-accepts prompts, so deny explicitly.
    await page.evaluate(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
    });
    await page.getByRole('button', { name: 'Start dictation' }).click();
    await expect(page.getByRole('alert')).toContainText('Microphone access was denied');
    await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled();
    await expect.poll(() => transcriptText(page)).toBe('Words typed before.');
  } finally {
    await browser.close();
  }
});

/** One script's share of a long animation frame (the Long Animation Frames API's attribution). */
interface ScriptRecord {
  invokerType: string;
  invoker: string;
  sourceURL: string;
  sourceFunctionName: string;
  sourceCharPosition: number;
  duration: number;
  forcedStyleAndLayoutDuration: number;
}

interface FrameRecord {
  start: number;
  duration: number;
  blockingDuration: number;
  /** Time spent rendering (style, layout, paint) at the end of the frame, after the scripts. */
  renderDuration: number;
  scripts: ScriptRecord[];
}

interface MainThreadRecord {
  longTasks: { start: number; duration: number }[];
  frames: FrameRecord[];
}

/**
 * Records every main-thread long task and every long animation frame, with
 * the scripts that ran in it, from the page's first script on.
 */
async function recordMainThread(page: Page): Promise<void> {
  await page.addInitScript(() => {
    interface Script {
      invokerType: string;
      invoker: string;
      sourceURL: string;
      sourceFunctionName: string;
      sourceCharPosition: number;
      duration: number;
      forcedStyleAndLayoutDuration: number;
    }
    interface Frame extends PerformanceEntry {
      blockingDuration: number;
      renderStart: number;
      scripts: Script[];
    }
    const record: MainThreadRecord = { longTasks: [], frames: [] };
    (window as unknown as { __mainThread: MainThreadRecord }).__mainThread = record;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        record.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as Frame[]) {
        const end = entry.startTime + entry.duration;
        record.frames.push({
          start: entry.startTime,
          duration: entry.duration,
          blockingDuration: entry.blockingDuration,
          renderDuration: entry.renderStart > 0 ? end - entry.renderStart : 0,
          scripts: entry.scripts.map((s) => ({
            invokerType: s.invokerType,
            invoker: s.invoker,
            sourceURL: s.sourceURL,
            sourceFunctionName: s.sourceFunctionName,
            sourceCharPosition: s.sourceCharPosition,
            duration: s.duration,
            forcedStyleAndLayoutDuration: s.forcedStyleAndLayoutDuration,
          })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  });
}

function describeFrame(frame: FrameRecord): string {
  const scripts = [...frame.scripts]
    .sort((a, b) => b.duration - a.duration)
    .map((s) => {
      const where = `${s.sourceFunctionName || '(anonymous)'}@${s.sourceURL.split('/').pop() ?? ''}:${s.sourceCharPosition}`;
      const layout =
        s.forcedStyleAndLayoutDuration > 0 ? `, forced layout ${s.forcedStyleAndLayoutDuration.toFixed(0)} ms` : '';
      return `${s.invokerType} ${s.invoker} → ${where} ${s.duration.toFixed(0)} ms${layout}`;
    });
  return (
    `frame at ${frame.start.toFixed(0)} ms: ${frame.duration.toFixed(0)} ms (blocking ${frame.blockingDuration.toFixed(0)} ms, ` +
    `rendering ${frame.renderDuration.toFixed(0)} ms); scripts: ${scripts.join('; ') || 'none'}`
  );
}

/**
 * No main-thread task over 50 ms between `from` and `to`. A failure names
 * the scripts of the long animation frames that overlap each long task.
 */
async function expectNoLongTasks(page: Page, from: number, to: number): Promise<void> {
  const record = await page.evaluate(() => (window as unknown as { __mainThread: MainThreadRecord }).__mainThread);
  const inWindow = <T extends { start: number }>(items: T[]) => items.filter((t) => t.start >= from && t.start <= to);
  const longTasks = inWindow(record.longTasks);
  const frames = inWindow(record.frames);
  // Logged on every run: the longest frames are the early warning before a task crosses 50 ms.
  const worst = [...frames].sort((a, b) => b.duration - a.duration).slice(0, 3);
  console.log(`longest animation frames while dictating:\n  ${worst.map(describeFrame).join('\n  ') || 'none'}`);
  const explained = longTasks.map((task) => {
    const overlapping = record.frames.filter(
      (f) => f.start <= task.start + task.duration && f.start + f.duration >= task.start,
    );
    return `task at ${task.start.toFixed(0)} ms, ${task.duration.toFixed(0)} ms:\n    ${overlapping.map(describeFrame).join('\n    ') || 'no long animation frame recorded'}`;
  });
  expect(longTasks, `main-thread long tasks while dictating:\n  ${explained.join('\n  ')}`).toEqual([]);
}
