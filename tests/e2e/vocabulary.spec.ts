import { expect, test } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { dictate, launch, openReady } from './browser';

/** vocabulary-44k.wav: 4.6 s ("Our next trip is to Thessaloniki in June.", 1 s of silence either side); a second more lets it play out. */
const SECONDS = 5.6;

// Without the list the model writes "Thessalonica" (or worse) for this
// recording, at every segment start the browser can give:
// scripts/check-vocabulary-fixture.ts checks both sides through the app's own
// pipeline, and tests/integration/vocabulary-biasing.test.ts the unbiased side.
// The name is mid-sentence after 1 s of silence, so the microphone's varying
// start never clips the words around it.
test('a listed rare name comes out spelled as listed, and a replacement line rewrites what was heard', async () => {
  const { page, close } = await launch({ wav: 'vocabulary-44k.wav' });
  try {
    await openReady(page, SERVERS.isolated);
    const vocabulary = page.getByRole('textbox', { name: 'Vocabulary' });
    await vocabulary.click();
    await page.keyboard.type('Thessaloniki');
    await page.keyboard.press('Enter');
    await page.keyboard.type('next trip => next journey');
    await expect(vocabulary).toHaveValue('Thessaloniki\nnext trip => next journey');
    const transcript = await dictate(page, SECONDS);
    console.log(`dictated with the list: ${transcript}`);
    expect(transcript).toContain('Thessaloniki');
    expect(transcript).toMatch(/next journey/i);
  } finally {
    await close();
  }
});
