// Serves a built site on 127.0.0.1, as a static host would.
//   node scripts/serve.mjs [dir] [--port N] [--base /utter/] [--no-isolation]
// By default it sends the COOP/COEP headers SharedArrayBuffer needs;
// --no-isolation serves like a plain host that cannot set headers.
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sirv from 'sirv';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: process.env.PORT ?? '4173' },
    base: { type: 'string', default: '/' },
    'no-isolation': { type: 'boolean', default: false },
  },
});

export function startServer({ dir = 'dist', port = 4173, base = '/', isolation = true } = {}) {
  const files = sirv(resolve(dir), { dev: true, etag: true, single: false });
  const prefix = base.endsWith('/') ? base : `${base}/`;
  const server = createServer((req, res) => {
    if (isolation) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
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
  const port = Number(values.port);
  await startServer({ dir: positionals[0] ?? 'dist', port, base: values.base, isolation: !values['no-isolation'] });
  console.log(`Utter: http://127.0.0.1:${port}${values.base}${values['no-isolation'] ? ' (no COOP/COEP)' : ''}`);
}
