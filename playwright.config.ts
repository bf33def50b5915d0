import { defineConfig } from '@playwright/test';

/** Ports for the three ways the built app is served in the tests. */
export const SERVERS = {
  /** COOP/COEP headers: SharedArrayBuffer ring. */
  isolated: 'http://127.0.0.1:4173/',
  /** A plain static host: MessagePort fallback. */
  plain: 'http://127.0.0.1:4174/',
  /** A plain static host, app under a sub-path, as on GitHub Pages. */
  subPath: 'http://127.0.0.1:4175/utter/',
};

export default defineConfig({
  testDir: 'tests/e2e',
  // Two cores: one browser at a time keeps the measurements meaningful.
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? 'line' : 'list',
  retries: 0,
  webServer: [
    {
      command: 'node scripts/serve.mjs dist --port 4173',
      url: SERVERS.isolated,
      reuseExistingServer: !process.env.CI,
    },
    {
      command: 'node scripts/serve.mjs dist --port 4174 --no-isolation',
      url: SERVERS.plain,
      reuseExistingServer: !process.env.CI,
    },
    {
      command: 'node scripts/serve.mjs dist --port 4175 --base /utter/ --no-isolation',
      url: SERVERS.subPath,
      reuseExistingServer: !process.env.CI,
    },
  ],
});
