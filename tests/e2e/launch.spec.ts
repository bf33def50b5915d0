import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { SHARE_ACCEPT, SHARE_FILES_FIELD, SHARE_TARGET_ACTION } from '../../src/engine/share-target';
import { FIXTURES, launch, openReady, transcriptText } from './browser';

/** What the page's launchQueue consumer is called with. */
interface FakeLaunch {
  targetURL: string;
  files: FileSystemHandle[];
}

/**
 * An installed app cannot be launched from headless Chromium, so the browser's
 * launchQueue is replaced by one the test drives; the page's own consumer,
 * the file path and the dictation path behind it are the real ones. The file
 * is a real FileSystemFileHandle (from the origin private file system), as the
 * browser hands over for a file opened with the app.
 */
test('launched with an audio file, the installed app transcribes it; the New dictation shortcut starts dictating', async () => {
  const browser = await launch({ wav: 'goforward-44k.wav' });
  const { page } = browser;
  try {
    await page.addInitScript(() => {
      const w = window as unknown as { __launch?: (params: FakeLaunch) => void };
      Object.defineProperty(window, 'launchQueue', {
        configurable: true,
        value: { setConsumer: (consumer: (params: FakeLaunch) => void) => (w.__launch = consumer) },
      });
    });
    await openReady(page, SERVERS.isolated);

    // Opened with a file: it becomes a session of its own, named after the file.
    const audio = readFileSync(join(FIXTURES, 'goforward-44k.wav')).toString('base64');
    await page.evaluate(async (base64) => {
      const root = await navigator.storage.getDirectory();
      const handle = await root.getFileHandle('go-forward.wav', { create: true });
      const writable = await handle.createWritable();
      await writable.write(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
      await writable.close();
      const consume = (window as unknown as { __launch?: (params: FakeLaunch) => void }).__launch;
      if (!consume) throw new Error('the app set no launchQueue consumer');
      consume({ targetURL: location.href, files: [handle] });
    }, audio);
    await expect.poll(() => transcriptText(page), { timeout: 60_000 }).toMatch(/forward (ten|10)/i);
    await expect(page.getByLabel('Session name')).toHaveValue(/go-forward\.wav/);
    const fromFile = await transcriptText(page);

    // A second launch from the shortcut (focus-existing brings it to this window): a new session, dictating.
    await page.evaluate(() => {
      const consume = (window as unknown as { __launch?: (params: FakeLaunch) => void }).__launch;
      consume?.({ targetURL: new URL('./?new-dictation', location.href).href, files: [] });
    });
    await expect(page.getByRole('button', { name: 'Stop dictation' })).toBeVisible({ timeout: 15_000 });
    await expect(page.getByLabel('Session name')).not.toHaveValue(/go-forward\.wav/);
    await expect.poll(() => transcriptText(page), { timeout: 20_000 }).toMatch(/forward (ten|10)/i);
    await page.getByRole('button', { name: 'Stop dictation' }).click();
    await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 60_000 });
    // The file's session is kept.
    await page.locator('summary', { hasText: 'Sessions' }).click();
    await expect(page.getByRole('listitem').filter({ hasText: 'go-forward.wav' })).toHaveCount(1);
    console.log(`from the file: ${fromFile} | dictated: ${await transcriptText(page)}`);
  } finally {
    await browser.close();
  }
});

/**
 * A share cannot come from another app in headless Chromium, so the test makes
 * the POST the operating system would (multipart, the manifest's field name)
 * from the page, under a sub-path: the service worker receives it, keeps the
 * file and redirects; opening the redirect transcribes it into a session.
 */
test('an audio file shared with the installed app is transcribed; a share without audio says so', async () => {
  const browser = await launch({ wav: 'goforward-44k.wav' });
  const { page } = browser;
  try {
    await openReady(page, SERVERS.subPath);
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
      return link ? ((await (await fetch(link.href)).json()) as Record<string, unknown>) : null;
    });
    expect(manifest?.share_target).toEqual({
      action: SHARE_TARGET_ACTION,
      method: 'POST',
      enctype: 'multipart/form-data',
      params: { files: [{ name: SHARE_FILES_FIELD, accept: SHARE_ACCEPT }] },
    });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

    /** POSTs the files as a share sheet would; returns where the service worker redirected to. */
    const share = (files: { name: string; type: string; base64: string }[]) =>
      page.evaluate(
        async ({ files, action, field }) => {
          const form = new FormData();
          for (const f of files) {
            form.append(
              field,
              new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }),
            );
          }
          const response = await fetch(action, { method: 'POST', body: form });
          return response.url;
        },
        { files, action: SHARE_TARGET_ACTION, field: SHARE_FILES_FIELD },
      );

    const audio = readFileSync(join(FIXTURES, 'goforward-44k.wav')).toString('base64');
    const shared = await share([{ name: 'voice memo.wav', type: 'audio/wav', base64: audio }]);
    // Chromium reports `redirected: false` for a redirect the service worker made; the URL is where it led.
    expect(shared).toMatch(new RegExp(`^${SERVERS.subPath}\\?shared=[0-9a-z]+-[0-9a-z]+$`));
    await page.goto(shared);
    await expect(page.getByLabel('Session name')).toHaveValue(/voice memo\.wav/, { timeout: 120_000 });
    await expect.poll(() => transcriptText(page), { timeout: 60_000 }).toMatch(/forward (ten|10)/i);
    // The URL no longer names the share, and the file is gone from storage once transcribed.
    expect(page.url()).toBe(SERVERS.subPath);
    await expect
      .poll(() => page.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith('utter-share-'))))
      .toEqual([]);
    console.log(`shared file: ${await transcriptText(page)}`);

    const notAudio = await share([{ name: 'photo.jpg', type: 'image/jpeg', base64: btoa('not audio') }]);
    await page.goto(notAudio);
    await expect(page.getByRole('alert')).toContainText('“photo.jpg” is not an audio file');
  } finally {
    await browser.close();
  }
});
