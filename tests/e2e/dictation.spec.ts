import { expect, test } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { wordErrorRate } from '../../src/engine/wer';
import { diagnostic, dictate, launch, openReady, TRANSCRIPTS } from './browser';

/** dictation-44k.wav: 23.4 s; a second more lets the fake device play out. */
const DICTATION_SECONDS = 24.5;

test('dictates a multi-sentence recording, copies it, and keeps the main thread free', async () => {
  const browser = await launch({ wav: 'dictation-44k.wav' });
  const { page } = browser;
  try {
    // Long tasks are recorded from the first script on, filtered to the dictation window below.
    await page.addInitScript(() => {
      const w = window as unknown as { __longTasks: { start: number; duration: number }[]; __streams: MediaStream[] };
      // Keep every stream the app opens, to check that Stop really closes the microphone.
      w.__streams = [];
      const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (constraints) => {
        const stream = await getUserMedia(constraints);
        w.__streams.push(stream);
        return stream;
      };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__longTasks.push({ start: entry.startTime, duration: entry.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
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
    const trackStates = await page.evaluate(() =>
      (window as unknown as { __streams: MediaStream[] }).__streams.flatMap((s) =>
        s.getTracks().map((t) => t.readyState),
      ),
    );
    expect(trackStates).toEqual(['ended']);

    const transcript = await page.getByLabel('Transcript').inputValue();
    const wer = wordErrorRate(TRANSCRIPTS['dictation.wav'] ?? '', transcript);
    console.log(`isolated transcript (WER ${(wer.wer * 100).toFixed(1)}%): ${transcript}`);
    expect(wer.wer).toBeLessThan(0.15);
    // Committed words leave the live line.
    await expect(page.getByLabel('Live text')).toBeEmpty();

    await page.getByRole('button', { name: /^Copy/ }).click();
    await expect(page.getByRole('button', { name: /^Copied/ })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(transcript);

    const longTasks = await page.evaluate(
      ([from, to]) =>
        (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks.filter(
          (t) => t.start >= (from ?? 0) && t.start <= (to ?? 0),
        ),
      [startedAt, stoppedAt],
    );
    expect(longTasks, `main-thread long tasks while dictating: ${JSON.stringify(longTasks)}`).toEqual([]);

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
    await openReady(page, SERVERS.plain);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    const transcript = await dictate(page, DICTATION_SECONDS);
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
    await expect(page.getByLabel('Transcript')).toHaveValue('Words typed before.');
  } finally {
    await browser.close();
  }
});
