import { expect, type Page, test } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { launch, openReady, transcriptText } from './browser';

interface Shown {
  title: string;
  text: string;
}

async function shown(page: Page): Promise<Shown> {
  return {
    title: await page.getByLabel('Session name').inputValue(),
    text: await transcriptText(page),
  };
}

/** Every session in the app's IndexedDB, read directly. */
async function storedSessions(page: Page): Promise<Shown[]> {
  return page.evaluate(
    () =>
      new Promise<Shown[]>((resolve, reject) => {
        const request = indexedDB.open('utter');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          const all = db.transaction('sessions').objectStore('sessions').getAll();
          all.onsuccess = () => {
            db.close();
            resolve((all.result as Shown[]).map(({ title, text }) => ({ title, text })));
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

/** Types at the end of the transcript, key by key, as a person would. */
async function typeAtEnd(page: Page, words: string): Promise<void> {
  await page.getByLabel('Transcript').focus();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(words, { delay: 30 });
}

async function rename(page: Page, title: string): Promise<void> {
  const name = page.getByLabel('Session name');
  await name.fill(title);
  await name.press('Enter');
}

async function reloadReady(page: Page): Promise<void> {
  await page.reload();
  await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 120_000 });
}

test('typing and renaming while sentences arrive: after a reload the session is exactly what was shown', async () => {
  const browser = await launch({ wav: 'dictation-44k.wav' });
  const { page } = browser;
  try {
    await openReady(page, SERVERS.isolated);
    await page.getByRole('button', { name: 'Start dictation' }).click();
    await expect(page.getByRole('button', { name: 'Stop dictation' })).toBeVisible();
    await expect.poll(() => transcriptText(page), { timeout: 20_000 }).not.toBe('');

    // About 15 s of typing while the recogniser keeps committing sentences (the recording is 23 s).
    const finalsBefore = (await transcriptText(page)).length;
    for (let i = 0; i < 8; i++) {
      await typeAtEnd(page, ` typed${i}`);
      // Renamed straight after typing, before the typing's own save is due.
      if (i === 3) await rename(page, 'Renamed while dictating');
      await page.waitForTimeout(1500);
    }
    await page.getByRole('button', { name: 'Stop dictation' }).click();
    // The last sentences are committed while this is typed.
    await typeAtEnd(page, ' while stopping');
    await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 60_000 });
    // A rename straight after typing, then time for every delayed save to run.
    await typeAtEnd(page, ' after');
    await rename(page, 'Final name');
    await page.waitForTimeout(1000);

    const before = await shown(page);
    // Sentences did arrive while typing: the test exercised what it claims to.
    expect(before.text.length).toBeGreaterThan(finalsBefore + ' typed0'.length * 8 + 40);
    expect(before.title).toBe('Final name');
    await reloadReady(page);
    expect(await shown(page)).toEqual(before);
    expect(await storedSessions(page)).toEqual([before]);

    // Typed just before the page goes, with no pause: saved on the way out.
    await typeAtEnd(page, ' last words');
    const beforeClose = await shown(page);
    await reloadReady(page);
    expect(await shown(page)).toEqual(beforeClose);
    expect(await storedSessions(page)).toEqual([beforeClose]);
  } finally {
    await browser.close();
  }
});

test('a deleted session stays deleted after typing in it and reloading', async () => {
  const browser = await launch({ microphone: false });
  const { page } = browser;
  try {
    await openReady(page, SERVERS.isolated);
    await page.getByLabel('Transcript').fill('Keep this one.');
    await page.getByRole('button', { name: 'New session' }).click();
    await typeAtEnd(page, 'Delete this one.');
    await page.locator('summary', { hasText: 'Sessions' }).click();
    const list = page.getByRole('list', { name: 'Sessions' });
    await expect(list.getByRole('listitem')).toHaveCount(2);
    page.once('dialog', (dialog) => void dialog.accept());
    // Deleted while its typing still waits to be saved.
    await typeAtEnd(page, ' More.');
    await list.locator('li.current').getByRole('button', { name: 'Delete' }).click();
    await expect(list.getByRole('listitem')).toHaveCount(1);
    await page.waitForTimeout(1000);
    await reloadReady(page);
    expect((await storedSessions(page)).map((s) => s.text)).toEqual(['Keep this one.']);
  } finally {
    await browser.close();
  }
});
