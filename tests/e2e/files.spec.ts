import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { parseSync } from 'subtitle';
import { SERVERS } from '../../playwright.config';
import { wordErrorRate } from '../../src/engine/wer';
import { dictate, FIXTURES, launch, openReady, TRANSCRIPTS } from './browser';

test('a corrupt file and a non-audio file get clear alerts, and dictation still works afterwards', async () => {
  const browser = await launch({ wav: 'goforward-44k.wav' });
  const { page } = browser;
  try {
    await openReady(page, SERVERS.isolated);
    const picker = page.getByLabel('Transcribe a file');
    await picker.setInputFiles(join(FIXTURES, 'corrupt.wav'));
    await expect(page.getByRole('alert')).toContainText('“corrupt.wav” could not be read as audio');
    await picker.setInputFiles(join(FIXTURES, 'not-audio.wav'));
    await expect(page.getByRole('alert')).toContainText('“not-audio.wav” could not be read as audio');
    await picker.setInputFiles(join(FIXTURES, 'silence.wav'));
    await expect(page.getByRole('alert')).toContainText('No speech was found in “silence.wav”');
    await expect(page.getByLabel('Transcript')).toHaveValue('');

    const transcript = await dictate(page, 5);
    expect(transcript).toMatch(/forward (ten|10)/i);
  } finally {
    await browser.close();
  }
});

test('a two-minute file is transcribed with progress, and its SRT export has the right timestamps', async () => {
  const browser = await launch();
  const { page } = browser;
  try {
    await openReady(page, SERVERS.isolated);
    await page.getByLabel('Transcribe a file').setInputFiles(join(FIXTURES, 'two-minutes.wav'));
    await expect(page.getByLabel('File transcription progress')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Cancel' })).toBeVisible();
    await expect(page.getByLabel('File transcription progress')).toBeHidden({ timeout: 120_000 });
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);

    const transcript = await page.getByLabel('Transcript').inputValue();
    const wer = wordErrorRate(TRANSCRIPTS['two-minutes.wav'] ?? '', transcript);
    console.log(`two-minute file WER ${(wer.wer * 100).toFixed(1)}%`);
    expect(wer.wer).toBeLessThan(0.15);
    await expect(page.getByLabel('Session name')).toHaveValue(/^two-minutes\.wav/);

    await page.locator('summary', { hasText: 'Export' }).click();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'SubRip (.srt)' }).click();
    const file = await (await download).path();
    const cues = parseSync(readFileSync(file, 'utf8')).flatMap((node) => (node.type === 'cue' ? [node.data] : []));
    expect(cues.length).toBeGreaterThan(10);
    for (let i = 1; i < cues.length; i++) {
      expect(cues[i]?.start ?? 0).toBeGreaterThanOrEqual(cues[i - 1]?.end ?? 0);
    }
    // Speech starts after the file's 1 s of leading silence and ends near its 127.5 s length.
    expect(cues[0]?.start).toBeGreaterThan(500);
    expect(cues[0]?.start).toBeLessThan(1500);
    expect(cues.at(-1)?.end).toBeGreaterThan(120_000);
    expect(cues.at(-1)?.end).toBeLessThan(128_000);
    // "go forward ten meters" is the human recording that starts 69.5 s in.
    const goForward = cues.find((c) => /forward/i.test(c.text));
    expect(goForward?.start).toBeGreaterThan(68_000);
    expect(goForward?.start).toBeLessThan(72_000);
  } finally {
    await browser.close();
  }
});
