import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { PUSH_TO_TALK_MS } from '../../src/engine/shortcut';
import { launch, openReady, transcriptText } from './browser';

/** axe-core on the whole page: every violation is listed with the elements it found. */
async function expectNoAxeViolations(page: Page, when: string): Promise<void> {
  const { violations, passes } = await new AxeBuilder({ page }).analyze();
  // axe really looked at the page (an empty or missing page passes nothing).
  expect(passes.length, `axe-core rules passed ${when}`).toBeGreaterThan(10);
  const found = violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target).join(', ')}`);
  expect(found, `axe-core violations ${when}`).toEqual([]);
}

/** True if the element or an ancestor is a live region (its changes would be read out). */
function inLiveRegion(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) =>
    Boolean(el.closest('[aria-live]:not([aria-live="off"]), [role="status"], [role="log"], [role="alert"]')),
  );
}

function words(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
}

/** A short human recording ("go forward ten meters", 4.8 s): enough for one final, quick to run. */
test('keyboard only: Alt+Shift+D starts and stops from the transcript, Escape stops (even over a selection), holding is push-to-talk, copy on stop, and axe finds nothing', async () => {
  const browser = await launch({ wav: 'goforward-44k.wav' });
  const { page } = browser;
  try {
    await openReady(page, SERVERS.isolated);
    await expectNoAxeViolations(page, 'on the ready page');

    const start = page.getByRole('button', { name: 'Start dictation' });
    const stop = page.getByRole('button', { name: 'Stop dictation' });
    await expect(start).toHaveAttribute('aria-keyshortcuts', 'Alt+Shift+D');
    await expect(start).toHaveAttribute('title', 'Start dictation (Alt+Shift+D)');

    // The setting is off until turned on, here with the keyboard.
    const copyOnStop = page.getByLabel('Copy when dictation stops');
    await expect(copyOnStop).not.toBeChecked();
    await copyOnStop.focus();
    await page.keyboard.press('Space');
    await expect(copyOnStop).toBeChecked();
    // Something else on the clipboard, so only a copy on stop can make it equal the transcript.
    await page.evaluate(() => navigator.clipboard.writeText('not the transcript'));

    // Start from inside the transcript: the caret stays there and the keys type nothing.
    const transcript = page.getByLabel('Transcript', { exact: true });
    await transcript.focus();
    await page.keyboard.press('Alt+Shift+KeyD');
    await expect(stop).toBeVisible();
    await expect(stop).toHaveAttribute('title', 'Stop dictation (Alt+Shift+D or Escape)');
    await expect(transcript).toBeFocused();
    expect(await transcriptText(page)).toBe('');

    // Partials are shown but not read out; the status line's live part does not follow speech.
    const live = page.getByLabel('Live text');
    await expect(live).not.toBeEmpty({ timeout: 10_000 });
    expect(await inLiveRegion(live)).toBe(false);
    expect(await page.locator('.status').ariaSnapshot()).toBe('- status: Listening');
    // The pulsing dot stops pulsing for people who asked for less motion.
    const dot = page.locator('.record-dot');
    expect(await dot.evaluate((el) => getComputedStyle(el).animationName)).toBe('pulse');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect(await dot.evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
    await expectNoAxeViolations(page, 'while dictating');

    // Each committed phrase is announced once, in the polite log.
    await expect.poll(() => transcriptText(page), { timeout: 20_000 }).toMatch(/forward/i);

    // Stop, still from inside the transcript.
    await page.keyboard.press('Alt+Shift+KeyD');
    await expect(start).toBeEnabled({ timeout: 60_000 });
    await expect(transcript).toBeFocused();
    const text = await transcriptText(page);
    console.log(`transcript: ${text}`);
    // Copy on stop: exactly the transcript, shown on the button and announced.
    await expect(page.getByRole('button', { name: 'Copied ✓' })).toBeVisible();
    expect(await inLiveRegion(page.getByText('Transcript copied to the clipboard'))).toBe(true);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
    expect(text).toMatch(/forward (ten|10)/i);
    const announced = await page.getByRole('log', { name: 'Dictated phrases' }).locator('p').allTextContents();
    expect(words(announced.join(' '))).toBe(words(text));
    await expectNoAxeViolations(page, 'after stopping');

    // From elsewhere on the page: the shortcut starts, Escape stops (and copies again).
    await page.evaluate(() => navigator.clipboard.writeText('not the transcript'));
    await page.keyboard.press('Shift+Tab');
    await expect(transcript).not.toBeFocused();
    const focused = await page.evaluate(() => document.activeElement?.outerHTML);
    await page.keyboard.press('Alt+Shift+KeyD');
    await expect(stop).toBeVisible();
    expect(await page.evaluate(() => document.activeElement?.outerHTML)).toBe(focused);
    await page.keyboard.press('Escape');
    await expect(start).toBeEnabled({ timeout: 60_000 });
    expect(await transcriptText(page)).toBe(text);
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(text);

    // Held, the shortcut is push-to-talk: dictating while held, stopped on release. (Each tap above
    // was released at once, and dictation went on: a tap only toggles.)
    await page.keyboard.down('Alt');
    await page.keyboard.down('Shift');
    await page.keyboard.down('KeyD');
    await expect(stop).toBeVisible();
    await page.waitForTimeout(PUSH_TO_TALK_MS + 200);
    await expect(stop).toBeVisible();
    await page.keyboard.up('KeyD');
    await page.keyboard.up('Shift');
    await page.keyboard.up('Alt');
    await expect(start).toBeEnabled({ timeout: 60_000 });

    // Escape stops from inside the transcript too, with text selected there: the first Escape,
    // not one after the editor has used it to collapse the selection.
    const beforeSelection = await transcriptText(page);
    await transcript.focus();
    await page.keyboard.press('ControlOrMeta+KeyA');
    await page.keyboard.press('Alt+Shift+KeyD');
    await expect(stop).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(start).toBeEnabled({ timeout: 60_000 });
    expect(await transcriptText(page)).toBe(beforeSelection);
  } finally {
    await browser.close();
  }
});
