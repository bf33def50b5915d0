import { expect, test } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { dictate, launch, openReady } from './browser';

/** commands-44k.wav (scripts/make-fixtures.sh): 12.9 s; a second more lets the fake device play out. */
const COMMANDS_SECONDS = 14;

test('voice commands: "question mark" inline, "new paragraph" and "scratch that" said alone', async () => {
  const browser = await launch({ wav: 'commands-44k.wav' });
  const { page } = browser;
  try {
    await openReady(page, SERVERS.isolated);
    const text = await dictate(page, COMMANDS_SECONDS);
    console.log(`commands: ${JSON.stringify(text)}`);

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
  } finally {
    await browser.close();
  }
});
