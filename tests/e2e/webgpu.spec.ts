import { expect, test } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { diagnostic, dictate, launch, openReady } from './browser';

/**
 * The WebGPU path on Chromium's SwiftShader adapter: correct but slow (RTF
 * 3–5 here), so the automatic choice must avoid it and the setting must be
 * able to force it. The short human recording keeps the run bearable.
 */
const SECONDS = 5;

async function transcribe(backend: 'wasm' | 'webgpu'): Promise<{ text: string; backend: string }> {
  const browser = await launch({ wav: 'goforward-44k.wav', webgpu: true });
  const { page } = browser;
  try {
    await openReady(page, SERVERS.isolated);
    await page.locator('summary', { hasText: 'Diagnostics' }).click();
    if (backend === 'webgpu') {
      // Automatic mode must not have picked a software adapter.
      expect(await diagnostic(page, 'backend')).toMatch(/^WASM — WebGPU adapter is software/);
      await page.getByLabel('Speech backend').selectOption('webgpu');
      await expect(page.getByRole('button', { name: 'Start dictation' })).toBeEnabled({ timeout: 120_000 });
    }
    const text = await dictate(page, SECONDS);
    return { text, backend: await diagnostic(page, 'backend') };
  } finally {
    await browser.close();
  }
}

test('WebGPU (SwiftShader) gives the same transcript as WASM', async () => {
  const wasm = await transcribe('wasm');
  const webgpu = await transcribe('webgpu');
  console.log(`WASM: ${wasm.text} | WebGPU: ${webgpu.text}`);
  expect(wasm.backend).toMatch(/^WASM/);
  expect(webgpu.backend).toMatch(/^WebGPU — chosen in settings/);
  expect(wasm.text).toMatch(/forward (ten|10)/i);
  expect(webgpu.text).toBe(wasm.text);
});
