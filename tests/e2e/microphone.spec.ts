import { expect, type Page, test } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { wordErrorRate } from '../../src/engine/wer';
import { launch, openReady, TRANSCRIPTS, transcriptText } from './browser';

/** dictation-44k.wav: 23.4 s; a second more lets the fake device play out. */
const DICTATION_SECONDS = 24.5;

/** Writes a preference into the app's own IndexedDB, as an earlier visit would have. */
async function storePref(page: Page, key: string, value: string): Promise<void> {
  await page.evaluate(
    ([k, v]) =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.open('utter');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          const tx = db.transaction('prefs', 'readwrite');
          tx.objectStore('prefs').put(v, k);
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    [key, value] as const,
  );
}

async function readPref(page: Page, key: string): Promise<unknown> {
  return page.evaluate(
    (k) =>
      new Promise<unknown>((resolve, reject) => {
        const request = indexedDB.open('utter');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          const get = db.transaction('prefs').objectStore('prefs').get(k);
          get.onsuccess = () => {
            db.close();
            resolve(get.result);
          };
          get.onerror = () => reject(get.error);
        };
      }),
    key,
  );
}

test('a remembered microphone that is no longer connected falls back to the default, says so, and dictates', async () => {
  const browser = await launch({ wav: 'dictation-44k.wav' });
  const { page } = browser;
  try {
    await openReady(page, SERVERS.isolated);
    const connected = await page.evaluate(async () =>
      (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput').map((d) => d.deviceId),
    );
    const gone = 'a-microphone-that-was-unplugged';
    expect(connected).not.toContain(gone);
    await storePref(page, 'microphoneId', gone);

    await page.reload();
    await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 120_000 });
    // The picker is there to fix it, whatever the number of connected microphones.
    const picker = page.getByLabel('Microphone', { exact: false }).and(page.locator('select'));
    await expect(picker).toBeVisible();
    await expect(picker.locator('option:checked')).toHaveText('Your earlier choice (not connected)');

    await page.getByRole('button', { name: 'Start dictation' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'The microphone you chose is not connected' });
    await expect(notice).toHaveText(/^The microphone you chose is not connected; using the default microphone\./);
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(page.getByLabel('Live text')).not.toBeEmpty({ timeout: 10_000 });
    await page.waitForTimeout(DICTATION_SECONDS * 1000);
    await page.getByRole('button', { name: 'Stop dictation' }).click();
    await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 60_000 });
    const transcript = await transcriptText(page);
    const wer = wordErrorRate(TRANSCRIPTS['dictation.wav'] ?? '', transcript);
    console.log(`fallback microphone transcript (WER ${(wer.wer * 100).toFixed(1)}%): ${transcript}`);
    expect(wer.wer).toBeLessThan(0.15);

    // Choosing the default for good clears the notice and is remembered.
    await picker.selectOption('');
    await expect(notice).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 120_000 });
    expect(await readPref(page, 'microphoneId')).toBe('');
    await page.getByRole('button', { name: 'Start dictation' }).click();
    await expect(page.getByRole('button', { name: 'Stop dictation' })).toBeVisible();
    await expect(notice).toHaveCount(0);
    await page.getByRole('button', { name: 'Stop dictation' }).click();
    await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 60_000 });
  } finally {
    await browser.close();
  }
});
