// Serves a built site on 127.0.0.1, as a static host would.
//   node scripts/serve.mjs [dir] [--port N] [--base /utter/] [--no-isolation]
// By default it sends the COOP/COEP headers SharedArrayBuffer needs and the
// Content-Security-Policy; --no-isolation serves like a plain host that cannot
// set headers (the page then relies on index.html's <meta> and the service worker).
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sirv from 'sirv';

/** The policy of src/shared/sw-protocol.ts (CONTENT_SECURITY_POLICY_HEADER); tests/e2e/csp.spec.ts checks they agree. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function startServer({ dir = 'dist', port = 4173, base = '/', isolation = true } = {}) {
  const files = sirv(resolve(dir), { dev: true, etag: true, single: false });
  const prefix = base.endsWith('/') ? base : `${base}/`;
  const server = createServer((req, res) => {
    if (isolation) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
      res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    }
    const url = req.url ?? '/';
    if (!url.startsWith(prefix)) {
      if (`${url}/` === prefix) {
        res.writeHead(301, { Location: prefix }).end();
        return;
      }
      res.writeHead(404).end('Not found');
      return;
    }
    req.url = `/${url.slice(prefix.length)}`;
    files(req, res, () => res.writeHead(404).end('Not found'));
  });
  return new Promise((resolveListen) => {
    server.listen(port, '127.0.0.1', () => resolveListen(server));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Parsed only when run as a command: tests import startServer with their own argv.
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string', default: process.env.PORT ?? '4173' },
      base: { type: 'string', default: '/' },
      'no-isolation': { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  await startServer({ dir: positionals[0] ?? 'dist', port, base: values.base, isolation: !values['no-isolation'] });
  console.log(`Utter: http://127.0.0.1:${port}${values.base}${values['no-isolation'] ? ' (no COOP/COEP)' : ''}`);
}
