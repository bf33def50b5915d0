import { expect, test } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { wordErrorRate } from '../../src/engine/wer';
import { diagnostic, dictate, launch, openReady, TRANSCRIPTS } from './browser';

/**
 * Served by a plain static host (no COOP/COEP) under /utter/, as GitHub Pages
 * would: the service worker must make the page isolated and keep it working
 * with the network gone.
 */
test('first visit installs the service worker and isolates the page; then it dictates offline', async () => {
  const browser = await launch({ wav: 'dictation-44k.wav' });
  const { page, context } = browser;
  try {
    await openReady(page, SERVERS.subPath);
    // One reload under the service worker turned isolation on.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${SERVERS.subPath}sw.js`);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.scope)).toBe(
      SERVERS.subPath,
    );
    await page.locator('summary', { hasText: 'Diagnostics' }).click();
    expect(await diagnostic(page, 'transport')).toBe('SharedArrayBuffer ring');
    // The browser offered installation (beforeinstallprompt), so the app shows its Install button.
    await expect(page.getByRole('button', { name: 'Install' })).toBeVisible({ timeout: 15_000 });
    // Persistent storage was asked for, and what the app keeps is shown.
    await expect(page.locator('[data-stat="storage"]')).toContainText(/\d+ MB of \d+ MB/);

    await context.setOffline(true);
    await page.reload();
    await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 60_000 });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(page.getByRole('status')).toHaveText('Ready (models from the offline copy)');

    const transcript = await dictate(page, 24.5);
    const wer = wordErrorRate(TRANSCRIPTS['dictation.wav'] ?? '', transcript);
    console.log(`offline transcript (WER ${(wer.wer * 100).toFixed(1)}%): ${transcript}`);
    expect(wer.wer).toBeLessThan(0.15);

    const origin = new URL(SERVERS.subPath).origin;
    expect(browser.requests.filter((u) => u.startsWith('http') && new URL(u).origin !== origin)).toEqual([]);
  } finally {
    await browser.close();
  }
});

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}

test('the web app manifest is complete and its icons and screenshots load at the sizes it claims', async () => {
  const browser = await launch();
  const { page } = browser;
  try {
    await page.goto(SERVERS.subPath);
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBeTruthy();
    const manifestUrl = new URL(href ?? '', SERVERS.subPath).href;
    const manifest = await (await page.request.get(manifestUrl)).json();
    expect(manifest).toMatchObject({
      name: expect.stringContaining('Utter'),
      short_name: 'Utter',
      description: expect.any(String),
      display: 'standalone',
      theme_color: expect.stringMatching(/^#/),
      background_color: expect.stringMatching(/^#/),
    });
    // Relative start_url and scope resolve inside the sub-path the app is served from.
    expect(new URL(manifest.start_url, manifestUrl).href).toBe(SERVERS.subPath);
    expect(new URL(manifest.scope, manifestUrl).href).toBe(SERVERS.subPath);

    const icons = manifest.icons as ManifestIcon[];
    expect(icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(icons.some((i) => i.purpose === 'maskable')).toBe(true);
    const images = [...icons, ...(manifest.screenshots as ManifestIcon[])];
    expect(manifest.screenshots.length).toBeGreaterThanOrEqual(2);
    for (const image of images) {
      const size = await page.evaluate(async (src) => {
        const img = new Image();
        img.src = src;
        await img.decode();
        return `${img.naturalWidth}x${img.naturalHeight}`;
      }, new URL(image.src, manifestUrl).href);
      expect(size, image.src).toBe(image.sizes);
    }
  } finally {
    await browser.close();
  }
});
