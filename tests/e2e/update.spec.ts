import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
// @ts-expect-error: plain JS module without types
import { startServer } from '../../scripts/serve.mjs';
import { launch, openReady, transcriptText } from './browser';

const PORT = 4176;
const URL_V = `http://127.0.0.1:${PORT}/utter/`;

/** Replaces what the host serves, as a deploy would. */
function deploy(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
}

/** The app's own script files a page runs: its entry and its workers (v1's names differ from v2's). */
async function scriptUrls(page: Page): Promise<string[]> {
  const entry = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLScriptElement>('script[src]'), (s) => s.src),
  );
  return [...entry, ...page.workers().map((w) => w.url())];
}

test('a new version waits, is offered, and never interrupts dictation', async () => {
  const work = mkdtempSync(join(tmpdir(), 'utter-update-'));
  const v2 = join(work, 'v2');
  const site = join(work, 'site');
  // Version 1 is the build under test; version 2 is the same code built with another version stamp.
  execFileSync('npx', ['vite', 'build', '--outDir', v2, '--emptyOutDir', '--logLevel', 'error'], {
    env: { ...process.env, UTTER_VERSION: 'e2e-2' },
    stdio: 'inherit',
  });
  deploy('dist', site);
  const server = (await startServer({ dir: site, port: PORT, base: '/utter/', isolation: false })) as Server;
  // Everything the host is asked for, to see what an update downloads.
  const served: string[] = [];
  server.on('request', (req) => served.push(req.url ?? ''));
  const browser = await launch({ wav: 'dictation-44k.wav' });
  const { page, context } = browser;
  try {
    await openReady(page, URL_V);
    const v1Footer = await page.locator('footer').textContent();
    expect(v1Footer).not.toContain('e2e-2');
    await page.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });

    await page.getByRole('button', { name: 'Start dictation' }).click();
    await expect(page.getByLabel('Live text')).not.toBeEmpty({ timeout: 10_000 });

    deploy(v2, site);
    served.length = 0;
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const update = page.getByRole('button', { name: 'Update available — reload' });
    await expect(update).toBeVisible({ timeout: 60_000 });
    // Only what changed was downloaded: the new app code, not the 30 MB of models or the runtime.
    expect(served.filter((u) => u.includes('/assets/index-')).length).toBeGreaterThan(0);
    expect(served.filter((u) => u.endsWith('.onnx') || u.endsWith('.wasm'))).toEqual([]);
    // Offered, but not while dictating; the page was not reloaded and dictation goes on.
    await expect(update).toBeDisabled();
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await expect(page.getByRole('button', { name: 'Stop dictation' })).toBeVisible();
    await expect.poll(() => transcriptText(page), { timeout: 20_000 }).not.toBe('');

    await page.getByRole('button', { name: 'Stop dictation' }).click();
    await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 60_000 });
    const kept = await transcriptText(page);

    // A second tab opened now still gets version 1: the new one is only waiting.
    const other = await context.newPage();
    await openReady(other, URL_V);
    await expect(other.locator('footer')).not.toContainText('e2e-2');
    // Version 1's files that version 2 changed are gone from the host; only the service worker
    // still has them. (Unchanged files keep their content-hashed names and are shared.)
    const v1Scripts = [];
    for (const url of await scriptUrls(other)) {
      if ((await other.request.get(url)).status() === 404) v1Scripts.push(url);
    }
    expect(v1Scripts.length).toBeGreaterThan(0);

    await expect(update).toBeEnabled();
    await update.click();
    await expect(page.locator('footer')).toContainText('e2e-2', { timeout: 60_000 });
    // The transcript survived the reload (saved on the device).
    await expect.poll(() => transcriptText(page)).toBe(kept);
    expect(served.filter((u) => u.endsWith('.onnx'))).toEqual([]);
    expect(await scriptUrls(page)).not.toContain(v1Scripts[0]);

    // The older tab keeps working under the new service worker: its files still load
    // (the onnxruntime chunk is loaded lazily), and a worker that dies is replaced with its own version.
    await expect(other.locator('footer')).not.toContainText('e2e-2');
    for (const url of v1Scripts) {
      expect(await other.evaluate(async (u) => (await fetch(u)).status, url), url).toBe(200);
    }
    await other.getByRole('button', { name: 'Start dictation' }).click();
    await expect(other.getByLabel('Live text')).not.toBeEmpty({ timeout: 15_000 });
    const stt = other.workers().find((w) => w.url().includes('stt.worker'));
    expect(stt?.url()).toBeDefined();
    await stt?.evaluate(() => {
      setTimeout(() => self.close(), 0);
    });
    await expect(other.getByText(/is being restarted/)).toBeVisible({ timeout: 5_000 });
    await expect.poll(() => other.workers().filter((w) => w.url() === stt?.url()).length, { timeout: 30_000 }).toBe(1);
    const before = await transcriptText(other);
    await expect.poll(() => transcriptText(other), { timeout: 30_000 }).not.toBe(before);
    await other.getByRole('button', { name: 'Stop dictation' }).click();
    await expect(other.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 60_000 });
    await expect(other.getByRole('alert')).toHaveCount(0);
  } finally {
    await browser.close();
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
});
