// The opt-in background health check (goProxy.health.interval) in code-server: the status bar item shows the
// gopls proxy's latency, then, once the loopback proxy answers 500, that it is down, and the outage warning.
// Screenshots: test-results/e2e/vscode-health/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startWorkbench } from './lib/codeServer.mjs';
import { outputDir } from './lib/harness.mjs';
import { normalise } from './lib/workbench.mjs';

const out = outputDir('vscode-health');

describe('VS Code (code-server) with the background health check', { timeout: 240_000 }, () => {
  let wb;
  let page;
  let fixture;
  let host;

  before(async () => {
    wb = await startWorkbench('vscode-health', { workspaceTrust: false, settings: { 'goProxy.health.interval': 10 }, logDir: out });
    ({ page, fixture } = wb);
    host = `127.0.0.1:${fixture.proxy.port}`;
    await page.getByRole('treeitem', { name: /go\.mod/ }).waitFor();
  });

  after(async () => {
    await wb?.stop(join(out, 'zz-final.png'));
  });

  test('1. the status bar item shows the gopls proxy with its latency', async () => {
    const item = page.locator('.statusbar-item', { hasText: /GOPROXY .* · \d+ ms/ });
    await item.waitFor({ timeout: 60_000 });
    assert.match(normalise(await item.innerText()).trim(), new RegExp(`^GOPROXY ${host.replace(/\./g, '\\.')} · \\d+ ms$`));
    // Only the health check's requests: /sumdb/<name>/supported on the gopls mirror, no module of the folder.
    const supported = fixture.proxy.requests.filter((r) => /^sumdb\/[^/]+\/supported$/.test(r.path));
    assert.ok(supported.length > 0, `requests: ${JSON.stringify(fixture.proxy.requests)}`);
    assert.ok(supported.every((r) => r.mirror === 'editor-mirror'), JSON.stringify(supported));
    await page.screenshot({ path: join(out, 'health-01-up.png') });
  });

  test('2. when the proxy answers 500 the item shows it down and a warning offers Verify', async () => {
    fixture.proxy.fail(500);
    const down = page.locator('.statusbar-item', { hasText: `GOPROXY ${host} down` });
    await down.waitFor({ timeout: 25_000 });
    assert.match(normalise(await down.innerText()).trim(), new RegExp(`GOPROXY ${host.replace(/\./g, '\\.')} down$`));
    const toast = page.locator('.notification-toast', { hasText: /module proxy .* is down/ });
    await toast.waitFor({ timeout: 25_000 });
    const text = normalise(await toast.innerText());
    assert.match(text, new RegExp(`Go Proxy: gopls's module proxy http://${host.replace(/\./g, '\\.')}/editor-mirror \\(server-error\\) is down\\.`));
    await toast.getByRole('button', { name: 'Run Verify' }).waitFor();
    await page.screenshot({ path: join(out, 'health-02-down.png') });
  });
});
