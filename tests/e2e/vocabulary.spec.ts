import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { dictate, FIXTURES, launch, openReady, transcriptText } from './browser';

/** vocabulary-tickets-44k.wav: 5.0 s ("Please book two tickets to Thessaloniki for Monday.", 1 s of silence either side); a second more lets it play out. */
const SECONDS = 6;

// Without the list the model writes "Thessalonica" (or worse) for this
// recording, and with it "Thessaloniki", at each of the 32 microphone starts
// scripts/check-vocabulary-fixture.ts plays through the app's own chain;
// tests/integration/vocabulary-biasing.test.ts checks both sides on the speech
// alone. The name is mid-sentence after 1 s of silence, so the microphone's
// varying start never clips the words around it. The words the replacement
// line rewrites read the same at every start tried too; with the first
// fixture's "Our next trip is to…" they did not, and this test failed a CI run.
test('a listed rare name comes out spelled as listed, a replacement line rewrites what was heard, the list is kept, and files get it too', async () => {
  const { page, close } = await launch({ wav: 'vocabulary-tickets-44k.wav' });
  try {
    await openReady(page, SERVERS.isolated);
    const vocabulary = page.getByRole('textbox', { name: 'Vocabulary' });
    await vocabulary.click();
    await page.keyboard.type('Thessaloniki');
    await page.keyboard.press('Enter');
    await page.keyboard.type('two tickets => 2 tickets');
    await expect(vocabulary).toHaveValue('Thessaloniki\ntwo tickets => 2 tickets');
    const transcript = await dictate(page, SECONDS);
    console.log(`dictated with the list: ${transcript}`);
    expect(transcript).toContain('Thessaloniki');
    expect(transcript).toContain('book 2 tickets to');
    // Saved on the device: the list is still there after a reload.
    await page.reload();
    await expect(page.getByRole('textbox', { name: 'Vocabulary' })).toHaveValue(
      'Thessaloniki\ntwo tickets => 2 tickets',
    );
    // Files get the list too: the same recording, transcribed as a file into a session of its own.
    // The file picker opens once both models are in again.
    await expect(page.getByLabel('Transcribe a file')).toBeEnabled({ timeout: 60_000 });
    await page.getByLabel('Transcribe a file').setInputFiles(join(FIXTURES, 'vocabulary-tickets-44k.wav'));
    await expect(page.getByLabel('Session name')).toHaveValue(/vocabulary-tickets-44k/, { timeout: 60_000 });
    const fromFile = await transcriptText(page);
    console.log(`file with the list: ${fromFile}`);
    expect(fromFile).toContain('Thessaloniki');
    expect(fromFile).toContain('book 2 tickets to');
  } finally {
    await close();
  }
});
