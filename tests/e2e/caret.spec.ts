import { expect, type Page, test } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { wordErrorRate } from '../../src/engine/wer';
import { launch, openReady, TRANSCRIPTS, transcriptText } from './browser';

/** dictation-44k.wav: 23.4 s; a second more lets the fake device play out. */
const DICTATION_SECONDS = 24.5;

/** The text of every session in the app's IndexedDB, read directly. */
async function storedTexts(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const request = indexedDB.open('utter');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const all = request.result.transaction('sessions').objectStore('sessions').getAll();
          all.onsuccess = () => {
            request.result.close();
            resolve((all.result as { text: string }[]).map((s) => s.text));
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

test('typing at the start while sentences arrive: typed text stays together, sentences keep their order, undo steps through both, the session is what is shown', async () => {
  const browser = await launch({ wav: 'dictation-44k.wav' });
  const { page } = browser;
  try {
    await openReady(page, SERVERS.isolated);
    await page.getByRole('button', { name: 'Start dictation' }).click();
    const startedAt = Date.now();
    await expect(page.getByRole('button', { name: 'Stop dictation' })).toBeVisible();
    await expect.poll(() => transcriptText(page), { timeout: 20_000 }).not.toBe('');
    const first = await transcriptText(page);

    // The person goes to the start and types, key by key, for about 8 s of the 23 s recording.
    await page.getByLabel('Transcript', { exact: true }).click();
    await page.keyboard.press('Control+Home');
    const typed = 'Typed at the start while the sentences keep arriving. ';
    await page.keyboard.type(typed, { delay: 150 });
    const afterTyping = await transcriptText(page);
    // Sentences were committed while the keys were pressed: the test exercised what it claims to.
    expect(afterTyping.length).toBeGreaterThan(typed.length + first.length);

    // The rest of the recording plays out before Stop.
    await page.waitForTimeout(Math.max(0, DICTATION_SECONDS * 1000 - (Date.now() - startedAt)));
    await page.getByRole('button', { name: 'Stop dictation' }).click();
    await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 60_000 });
    const text = await transcriptText(page);
    console.log(`typed at the start while dictating: ${JSON.stringify(text)}`);

    // The typed text is where it was typed, in one piece; what was there before is untouched at the end.
    expect(text.startsWith(typed)).toBe(true);
    expect(text.split(typed.trim()).length).toBe(2);
    expect(text.endsWith(first)).toBe(true);
    // Sentences dictated after the click went where the caret was put, in spoken order: with the
    // first sentence before them, they read as the recording does.
    const later = text.slice(typed.length, text.length - first.length);
    expect(later.trim()).not.toBe('');
    const wer = wordErrorRate(TRANSCRIPTS['dictation.wav'] ?? '', `${first} ${later}`);
    expect(wer.wer).toBeLessThan(0.15);

    // Undo and redo across typed and dictated text: the typing, then the last dictated phrase, then both back.
    await page.getByLabel('Transcript', { exact: true }).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' More typing.', { delay: 20 });
    await expect.poll(() => transcriptText(page)).toBe(`${text} More typing.`);
    await page.keyboard.press('Control+z');
    await expect.poll(() => transcriptText(page)).toBe(text);
    await page.keyboard.press('Control+z');
    await expect.poll(() => transcriptText(page)).not.toBe(text);
    const undone = await transcriptText(page);
    // One phrase, in one piece, and none of the typed text.
    const removed = removedPiece(text, undone);
    expect(removed).toMatch(/\p{L}/u);
    expect(undone.startsWith(typed)).toBe(true);
    expect(later).toContain(removed.trim());
    await page.keyboard.press('Control+Shift+Z');
    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(() => transcriptText(page)).toBe(`${text} More typing.`);

    // What is shown is what is stored.
    await page.waitForTimeout(1000);
    await page.reload();
    await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 120_000 });
    expect(await transcriptText(page)).toBe(`${text} More typing.`);
    expect(await storedTexts(page)).toEqual([`${text} More typing.`]);
  } finally {
    await browser.close();
  }
});

/** `longer` is `shorter` with one piece put in: that piece (or throws). */
function removedPiece(longer: string, shorter: string): string {
  let start = 0;
  while (start < shorter.length && longer[start] === shorter[start]) start++;
  let end = 0;
  while (end < shorter.length - start && longer.at(-1 - end) === shorter.at(-1 - end)) end++;
  if (start + end !== shorter.length) throw new Error(`more than one piece changed: ${JSON.stringify(shorter)}`);
  return longer.slice(start, longer.length - end);
}
