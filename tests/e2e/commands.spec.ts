import { expect, test } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { dictate, launch, openReady } from './browser';

/** commands-44k.wav (scripts/make-fixtures.sh): 12.9 s; a second more lets the fake device play out. */
const COMMANDS_SECONDS = 14;

test('voice commands: "question mark" inline, "new paragraph" and "scratch that" said alone, applied in the live text too', async () => {
  const browser = await launch({ wav: 'commands-44k.wav' });
  const { page } = browser;
  try {
    await openReady(page, SERVERS.isolated);
    // Every live text shown while dictating (its screen-reader copy holds exactly what the grey partial shows).
    await page.getByLabel('Live text').evaluate((live) => {
      const shown: string[] = [];
      (window as unknown as { shownPartials: string[] }).shownPartials = shown;
      new MutationObserver(() => shown.push(live.textContent ?? '')).observe(live, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    const text = await dictate(page, COMMANDS_SECONDS);
    console.log(`commands: ${JSON.stringify(text)}`);
    const partials = await page.evaluate(() => (window as unknown as { shownPartials: string[] }).shownPartials);
    console.log(`live texts shown: ${JSON.stringify(partials.filter(Boolean))}`);

    // Said: "I will be there at noon", "new paragraph",
    // "The printer is broken again", "scratch that", "Did you send the report question mark".
    const paragraphs = text.split('\n\n');
    expect(paragraphs).toHaveLength(2);
    // The first sentence ends however the model guessed (no mark was said there: "." or ",").
    expect(paragraphs[0]).toMatch(/^I will be \w+/);
    expect(paragraphs[1]).toMatch(/^Did you send (the|a) report\?$/);
    // "scratch that", said alone, took back the sentence before it.
    expect(text).not.toMatch(/printer|broken/i);
    // No command word is left as text.
    expect(text).not.toMatch(/paragraph|scratch|question|mark/i);
    // Nor did the live text ever show a whole command as words: it shows them applied.
    expect(partials.some((partial) => partial.trim() !== '')).toBe(true);
    expect(partials.filter((partial) => /new,? paragraph|scratch,? that|question,? mark/i.test(partial))).toEqual([]);
  } finally {
    await browser.close();
  }
});
