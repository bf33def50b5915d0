import { expect, test } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { dictate, launch, openReady } from './browser';

/** vocabulary-44k.wav: 5.0 s ("Doctor Okonkwo will see you now."); a second more lets it play out. */
const SECONDS = 6;

// Without the list the model writes "Dr. Akonk, well, …" for this recording
// (tests/integration/vocabulary-biasing.test.ts checks that side in Node).
test('a listed rare name comes out right, and a replacement line rewrites what was heard', async () => {
  const { page, close } = await launch({ wav: 'vocabulary-44k.wav' });
  try {
    await openReady(page, SERVERS.isolated);
    await page.getByLabel('Vocabulary').fill('Okonkwo\nsee you now => see you in room four');
    const transcript = await dictate(page, SECONDS);
    expect(transcript).toContain('Okonkwo');
    expect(transcript).toContain('see you in room four');
  } finally {
    await close();
  }
});
