// Renders public/icons/icon.svg into the PNG icons the web app manifest lists
// (192, 512 and a maskable 512 with the glyph inside the 80% safe zone), and
// takes the two install screenshots from the built app. Uses Debian's
// Chromium through playwright-core, so it needs no image library.
//   npm run build && node scripts/make-icons.mjs
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { startServer } from './serve.mjs';

const svg = readFileSync('public/icons/icon.svg', 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});

async function renderIcon(size, file, maskable) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  // Maskable: square full-bleed plate, glyph scaled into the safe zone.
  const body = maskable
    ? svg
        .replace('rx="112"', 'rx="0"')
        .replace('<g id="glyph"', '<g id="glyph" transform="translate(51.2 51.2) scale(0.8)"')
    : svg;
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${body.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`,
  );
  await page.screenshot({ path: file, omitBackground: true });
  await page.close();
}

await renderIcon(192, 'public/icons/icon-192.png', false);
await renderIcon(512, 'public/icons/icon-512.png', false);
await renderIcon(512, 'public/icons/icon-maskable-512.png', true);

const server = await startServer({ dir: 'dist', port: 4190 });
const sample =
  'Please send the quarterly report to the finance team by Friday. I will be working from home tomorrow morning. Remember to buy milk, bread and coffee on the way home.';
for (const [name, width, height] of [
  ['wide', 1280, 800],
  ['narrow', 540, 960],
]) {
  const dir = mkdtempSync(join(tmpdir(), 'utter-shot-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    viewport: { width, height },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto('http://127.0.0.1:4190/');
  await page.getByLabel('Transcript').fill(sample);
  // Screenshot the app as a person sees it once models are loaded.
  await page
    .getByRole('button', { name: 'Start dictation' })
    .and(page.locator(':enabled'))
    .waitFor({ timeout: 120_000 });
  await page.screenshot({ path: `public/screenshots/${name}.png` });
  await context.close();
  rmSync(dir, { recursive: true, force: true });
}
server.close();
await browser.close();
console.log('make-icons: icons and screenshots written to public/');
