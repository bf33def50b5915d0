import { expect, type Page, test, type Worker } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { wordErrorRate } from '../../src/engine/wer';
import { diagnostic, launch, openReady, TRANSCRIPTS, transcriptText } from './browser';

/** dictation-44k.wav is 23.4 s: a second more lets the fake device play out. */
const DICTATION_SECONDS = 24.5;

function workerNamed(page: Page, name: 'stt.worker' | 'vad.worker'): Worker {
  const worker = page.workers().find((w) => w.url().includes(name));
  if (!worker) throw new Error(`no ${name} among ${page.workers().map((w) => w.url())}`);
  return worker;
}

/** Starts dictation, injects a fault once the first words are on screen, and returns the final transcript. */
async function dictateWithFault(page: Page, inject: (page: Page) => Promise<void>): Promise<string> {
  const startedAt = Date.now();
  await page.getByRole('button', { name: 'Start dictation' }).click();
  await expect(page.getByLabel('Live text')).not.toBeEmpty({ timeout: 10_000 });
  await inject(page);
  await expect(page.getByText(/is being restarted/)).toBeVisible({ timeout: 5_000 });
  await page.waitForTimeout(Math.max(0, DICTATION_SECONDS * 1000 - (Date.now() - startedAt)));
  await page.getByRole('button', { name: 'Stop dictation' }).click();
  await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 60_000 });
  return transcriptText(page);
}

test('the speech worker closing itself mid-utterance loses no words', async () => {
  const browser = await launch({ wav: 'dictation-44k.wav' });
  const { page } = browser;
  try {
    await openReady(page, SERVERS.isolated);
    const transcript = await dictateWithFault(page, async (p) => {
      const stt = workerNamed(p, 'stt.worker');
      // Returns before the close takes effect; nothing on the page is told.
      await stt.evaluate(() => {
        setTimeout(() => self.close(), 0);
      });
    });
    const wer = wordErrorRate(TRANSCRIPTS['dictation.wav'] ?? '', transcript);
    console.log(`after STT close (WER ${(wer.wer * 100).toFixed(1)}%): ${transcript}`);
    expect(wer.wer).toBeLessThan(0.15);
    await page.locator('summary', { hasText: 'Diagnostics' }).click();
    expect(Number(await diagnostic(page, 'restarts'))).toBe(1);
  } finally {
    await browser.close();
  }
});

test('the voice detector throwing mid-utterance is replaced and the words still arrive', async () => {
  const browser = await launch({ wav: 'dictation-44k.wav' });
  const { page } = browser;
  try {
    await openReady(page, SERVERS.isolated);
    const transcript = await dictateWithFault(page, async (p) => {
      await workerNamed(p, 'vad.worker').evaluate(() => {
        setTimeout(() => {
          throw new Error('injected fault');
        }, 0);
      });
    });
    const wer = wordErrorRate(TRANSCRIPTS['dictation.wav'] ?? '', transcript);
    console.log(`after VAD throw (WER ${(wer.wer * 100).toFixed(1)}%): ${transcript}`);
    expect(wer.wer).toBeLessThan(0.15);
    await page.locator('summary', { hasText: 'Diagnostics' }).click();
    expect(Number(await diagnostic(page, 'restarts'))).toBe(1);
  } finally {
    await browser.close();
  }
});

test('reloading mid-dictation keeps every committed word', async () => {
  const browser = await launch({ wav: 'dictation-44k.wav' });
  const { page } = browser;
  try {
    await openReady(page, SERVERS.isolated);
    await page.getByRole('button', { name: 'Start dictation' }).click();
    // Wait for two committed sentences, then reload without stopping.
    await expect.poll(() => transcriptText(page), { timeout: 30_000 }).toMatch(/Friday\.\s.+\./);
    const committed = await transcriptText(page);
    await page.reload();
    await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 60_000 });
    const restored = await transcriptText(page);
    expect(restored.startsWith(committed)).toBe(true);
    // …and it is a saved session a person can find again.
    await page.locator('summary', { hasText: 'Sessions' }).click();
    await expect(page.getByRole('list', { name: 'Sessions' }).getByRole('listitem')).toHaveCount(1);
  } finally {
    await browser.close();
  }
});
