// A module proxy on 127.0.0.1 for the end-to-end suites, speaking the GOPROXY protocol for a fixed set of
// modules. The first path segment names the mirror (http://127.0.0.1:PORT/<mirror>/...), so one server
// stands for every GOPROXY entry of the fixture. It answers /sumdb/<name>/supported so checksum lookups are
// routed through it too, never to a real checksum database; everything else is 404.
import { createServer } from 'node:http';

/**
 * @param {{modules: Record<string, string[]>, holdRequests?: boolean}} options
 *   holdRequests: start held: requests wait until release() (hold() holds again).
 */
export async function startModuleProxy({ modules, holdRequests = false }) {
  const requests = [];
  const waiters = [];
  // While held, requests wait for release(): a test can observe work in progress without racing it.
  let release = () => undefined;
  let released = Promise.resolve();
  const hold = () => {
    released = new Promise((r) => (release = r));
  };
  if (holdRequests) hold();
  // While failing, every request is answered with that HTTP status (a proxy that is down).
  let failStatus = 0;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [, mirror = '', ...rest] = url.pathname.split('/');
    const path = rest.join('/');
    const entry = { method: req.method, mirror, path };
    const gate = released;
    requests.push(entry);
    for (const w of waiters.splice(0)) w();
    await gate;
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (failStatus) return send(failStatus, 'the test proxy is failing');
    if (/^sumdb\/[^/]+\/supported$/.test(path)) return send(200, '');
    const m = /^(.+)\/@v\/(list|([^/]+)\.(info|mod|zip))$/.exec(path);
    if (!m) return send(404, 'not found');
    const modulePath = decodeModulePath(m[1]);
    const versions = modules[modulePath];
    if (!versions) return send(404, `not found: ${modulePath}`);
    if (m[2] === 'list') return send(200, versions.join('\n') + '\n');
    const version = m[3];
    if (!versions.includes(version)) return send(404, `not found: ${modulePath}@${version}`);
    if (m[4] === 'info') return send(200, JSON.stringify({ Version: version, Time: '2024-01-02T03:04:05Z' }), 'application/json');
    if (m[4] === 'mod') return send(200, `module ${modulePath}\n\ngo 1.22\n`);
    return send(404, 'zip not served by the test proxy');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    port,
    requests,
    release: () => release(),
    hold,
    /** Answers every request with status from now on (e.g. 500); 0 serves normally again. */
    fail: (status) => {
      failStatus = status;
    },
    /** Resolves when a request matching pred has arrived (already or later). */
    waitForRequest(pred, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching proxy request within ${timeoutMs} ms; saw ${JSON.stringify(requests)}`)), timeoutMs);
        const check = () => {
          const hit = requests.find(pred);
          if (hit) {
            clearTimeout(timer);
            resolve(hit);
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () => {
      release();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** GOPROXY paths escape upper case as !lower. */
function decodeModulePath(p) {
  return decodeURIComponent(p).replace(/!([a-z])/g, (_, c) => c.toUpperCase());
}
