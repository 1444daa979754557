// Restricted Mode: code-server started with workspace trust on. Untrusted, the extension keeps working in its
// limited mode with the server told trusted=false; granting trust re-sends the client state.
// Screenshots: test-results/e2e/vscode-restricted/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startWorkbench } from './lib/codeServer.mjs';
import { outputDir, waitUntil } from './lib/harness.mjs';
import { normalise, runCommand } from './lib/workbench.mjs';

const out = outputDir('vscode-restricted');

describe('VS Code (code-server) in Restricted Mode', { timeout: 240_000 }, () => {
  let wb;
  let page;

  before(async () => {
    wb = await startWorkbench('vscode-restricted', { workspaceTrust: true, logDir: out });
    ({ page } = wb);
  });

  after(async () => {
    await wb?.stop(join(out, 'zz-final.png'));
  });

  test('an untrusted folder opens in Restricted Mode; the extension still shows the environment and tells the server trusted=false', async () => {
    // code-server opens an unknown folder untrusted without the desktop's startup prompt.
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor();
    const item = page.locator('.statusbar-item', { hasText: 'GOPROXY' });
    await item.waitFor();
    assert.equal(normalise(await item.innerText()).trim(), `GOPROXY 127.0.0.1:${wb.fixture.proxy.port}`);
    await waitUntil(() => /initializationOptions: trusted=false /.test(wb.extensionLog()), 30_000, 'initializationOptions with trusted=false in the extension log');
    await page.screenshot({ path: join(out, '01-restricted.png') });
  });

  test('granting trust re-sends goproxy-doctor/clientState with trusted=true', async () => {
    await runCommand(page, 'Workspaces: Manage Workspace Trust');
    const trust = page.getByRole('button', { name: /^Trust( Folder| Workspace)?$/ }).first();
    await trust.waitFor();
    await trust.click();
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ state: 'detached' });
    await waitUntil(() => /goproxy-doctor\/clientState: trusted=true /.test(wb.extensionLog()), 30_000, 'goproxy-doctor/clientState with trusted=true in the extension log');
    assert.equal(wb.extensionLog().match(/goproxy-doctor\/clientState: /g).length, 1, 'sent once, though several events fire on trust');
    await page.screenshot({ path: join(out, '02-trusted.png') });
  });
});
