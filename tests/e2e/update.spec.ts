import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
// @ts-expect-error: plain JS module without types
import { startServer } from '../../scripts/serve.mjs';
import { launch, openReady } from './browser';

const PORT = 4176;
const URL_V = `http://127.0.0.1:${PORT}/utter/`;

/** Replaces what the host serves, as a deploy would. */
function deploy(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
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
  const browser = await launch({ wav: 'dictation-44k.wav' });
  const { page } = browser;
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
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const update = page.getByRole('button', { name: 'Update available — reload' });
    await expect(update).toBeVisible({ timeout: 60_000 });
    // Offered, but not while dictating; the page was not reloaded and dictation goes on.
    await expect(update).toBeDisabled();
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await expect(page.getByRole('button', { name: 'Stop dictation' })).toBeVisible();
    await expect(page.getByLabel('Transcript')).not.toHaveValue('', { timeout: 20_000 });

    await page.getByRole('button', { name: 'Stop dictation' }).click();
    await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 60_000 });
    const kept = await page.getByLabel('Transcript').inputValue();
    await expect(update).toBeEnabled();
    await update.click();
    await expect(page.locator('footer')).toContainText('e2e-2', { timeout: 60_000 });
    // The transcript survived the reload (saved on the device).
    await expect(page.getByLabel('Transcript')).toHaveValue(kept);
  } finally {
    await browser.close();
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
});
