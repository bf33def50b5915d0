import { expect, test } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { dictate, keepMicrophoneStreams, launch, microphoneTrackStates, openReady, transcriptText } from './browser';

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

test('with Voice commands off, nothing of the same recording is applied', async () => {
  const browser = await launch({ wav: 'commands-44k.wav' });
  const { page } = browser;
  try {
    await openReady(page, SERVERS.isolated);
    const setting = page.getByRole('checkbox', { name: 'Voice commands' });
    await expect(setting).toBeChecked();
    await setting.uncheck();
    const text = await dictate(page, COMMANDS_SECONDS);
    console.log(`commands off: ${JSON.stringify(text)}`);
    // Nothing was applied: no paragraph break, the sentence "scratch that" would take back is still there,
    // and "question mark" is written out. (Without the commands' bias the model also hears "new paragraph"
    // as "No paradraft" or "No pirate laugh" at some of 16 microphone starts played through the app's chain in
    // Node, and "scratch that" as "Scratchmat"; these three read the same at all 16:
    // `npx tsx scripts/read-fixture.ts commands-44k.wav 16 off`.)
    expect(text).not.toContain('\n');
    expect(text).toMatch(/printer is broken again/i);
    expect(text).toMatch(/question,? mark/i);
  } finally {
    await browser.close();
  }
});

/**
 * stop-dictation-44k.wav (scripts/make-fixtures.sh): 11 s; "stop dictation" ends ~4.5 s in and the sentence
 * after it begins ~7 s in. All three read word for word at 16 microphone starts played through the app's
 * chain in Node (`npx tsx scripts/read-fixture.ts stop-dictation-44k.wav 16`).
 */
test('"stop dictation" said alone stops dictating, exactly as the button does', async () => {
  const browser = await launch({ wav: 'stop-dictation-44k.wav' });
  const { page } = browser;
  try {
    await page.addInitScript(keepMicrophoneStreams);
    await openReady(page, SERVERS.isolated);
    await page.getByRole('button', { name: 'Start dictation' }).click();
    await expect(page.getByRole('button', { name: 'Stop dictation' })).toBeVisible();
    // Nobody presses Stop: the command does, before the sentence after it is over, and lets the microphone go.
    await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 8_000 });
    expect(await microphoneTrackStates(page)).toEqual(['ended']);
    // The file plays on into a stopped dictation: nothing more arrives.
    await page.waitForTimeout(3_000);
    const text = await transcriptText(page);
    console.log(`stop dictation: ${JSON.stringify(text)}`);
    expect(text).toMatch(/^I will send the letter on Friday\W*$/);
  } finally {
    await browser.close();
  }
});
