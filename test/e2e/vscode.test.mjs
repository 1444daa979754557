// A real VS Code (code-server) with the built linux-x64 .vsix installed in a fresh profile, opened on the
// divergence fixture, walked with Playwright as a person would. Screenshots: test-results/e2e/vscode/.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { extensionId, startWorkbench } from './lib/codeServer.mjs';
import { outputDir } from './lib/harness.mjs';
import { activeEditorText, normalise, openFile, runCommand } from './lib/workbench.mjs';

const out = outputDir('vscode');

describe('VS Code (code-server) with the .vsix', { timeout: 300_000 }, () => {
  let wb;
  let page;
  let fixture;

  before(async () => {
    // The loopback proxy holds its requests until the test has seen Verify's progress (step 3).
    wb = await startWorkbench('vscode', { workspaceTrust: false, holdRequests: true, logDir: out });
    ({ page, fixture } = wb);
    // The workbench is ready when the explorer lists the fixture's files.
    await page.getByRole('treeitem', { name: /go\.mod/ }).waitFor();
  });

  after(async () => {
    await wb?.stop(join(out, 'zz-final.png'));
  });

  test('the extension is installed and activates without errors', async () => {
    const installed = readdirSync(join(fixture.run, 'extensions'));
    assert.ok(installed.some((d) => d.startsWith(`${extensionId}-0.1.0`)), `installed: ${installed}`);
    // Activation is visible from the outside as the status bar item; wait for it, then read the host's log.
    const item = page.locator('.statusbar-item', { hasText: 'GOPROXY' });
    await item.waitFor();
    const hostLog = wb.extensionHostLog();
    assert.match(hostLog, new RegExp(`_doActivateExtension ${extensionId.replace(/\./g, '\\.')}`));
    assert.doesNotMatch(hostLog, new RegExp(`Activating extension '?${extensionId.replace(/\./g, '\\.')}'? failed`));
    // The server was started from the .vsix and told the client state (trusted: this run disables trust).
    const log = wb.extensionLog();
    assert.match(log, /Starting \S+\/bin\/linux-x64\/goproxy-doctor serve \(goproxy-doctor 0\.1\.0, from bundled\)/);
    assert.match(log, new RegExp(`initializationOptions: trusted=true vscodeGoActive=false osFlavour=linux userSettingsPath=${wb.userData}/User/settings\\.json`));
    await page.screenshot({ path: join(out, '00-workbench.png') });
  });

  test('1. the Problems panel shows the env-divergence diagnostic from go-proxy with its message', async () => {
    await openFile(page, '.vscode/settings.json', 'settings.json');
    await runCommand(page, 'Problems: Focus on Problems View');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'go-proxy' }).filter({ hasText: 'env-divergence' }).first();
    await row.waitFor();
    const text = normalise(await row.innerText());
    assert.match(text, /GOPROXY/);
    assert.match(text, /terminal/);
    assert.match(text, /gopls/);
    assert.match(text, /\[Ln 4, Col \d+\]/);
    await page.screenshot({ path: join(out, '01-problems.png') });
  });

  test('2. quick fix on the GOPROXY line: the server offers no fix for env-divergence yet (extend to assert the fix titles)', async () => {
    // Opening the problem selects the diagnostic's range in settings.json and focuses that editor.
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'env-divergence' }).first().dblclick();
    await page.locator('.editor-group-container.active .monaco-editor.focused').waitFor();
    assert.match(normalise(await page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first().innerText()), /Ln 4, Col \d+/);
    await runCommand(page, 'Quick Fix...');
    await page.locator('.monaco-editor-overlaymessage', { hasText: 'No code actions available' }).waitFor();
    await page.screenshot({ path: join(out, '02-quick-fix.png') });
    await page.keyboard.press('Escape');
  });

  test('3. Go Proxy: Verify shows a cancellable progress notification, then the result table in the Output channel', async () => {
    await runCommand(page, 'Go Proxy: Verify');
    const toast = page.locator('.notification-toast', { hasText: 'Go Proxy: Verify' }).filter({ has: page.getByRole('button', { name: 'Cancel' }) });
    await toast.waitFor();
    // The loopback proxy holds every request until the progress has been seen, so this is not a race.
    await fixture.proxy.waitForRequest(() => true, 60_000);
    assert.ok(await toast.getByRole('button', { name: 'Cancel' }).isVisible(), 'the progress notification has a Cancel button');
    await page.screenshot({ path: join(out, '03-verify-progress.png') });
    fixture.proxy.release();
    await toast.waitFor({ state: 'hidden' });
    const output = page.locator('.panel .monaco-editor .view-lines').first();
    await output.filter({ hasText: 'Modules (' }).waitFor();
    const text = normalise(await output.innerText());
    assert.match(text, /Go Proxy: Verify: /);
    assert.match(text, /PROXY\s+STATUS\s+LATENCY\s+SUMDB\s+ERROR/);
    assert.match(text, new RegExp(`http://127\\.0\\.0\\.1:${fixture.proxy.port}/editor-mirror`));
    assert.match(text, /example\.org\/lib\s+v1\.0\.0/);
    assert.ok(fixture.proxy.requests.some((r) => r.path === 'example.org/lib/@v/v1.0.0.info' || r.path === 'example.org/lib/@v/v1.0.0.mod'), JSON.stringify(fixture.proxy.requests));
    await page.screenshot({ path: join(out, '03-verify-output.png') });
  });

  test('4. Go Proxy: Show Effective Environment shows the table; the status bar shows the GOPROXY host', async () => {
    await runCommand(page, 'Go Proxy: Show Effective Environment');
    await page.locator('.tabs-container .tab.active', { hasText: 'Effective Go Environment' }).waitFor();
    await page.locator('.editor-group-container.active .view-lines', { hasText: 'Differs between consumers' }).waitFor();
    const text = await activeEditorText(page);
    assert.match(text, /≠ Differs between consumers: GOPROXY/);
    const port = fixture.proxy.port;
    assert.match(text, new RegExp(`\\| ≠ GOPROXY \\| terminal +\\| http://127\\.0\\.0\\.1:${port}/team-mirror,off +\\| goenv-file +\\|`));
    assert.match(text, new RegExp(`\\| +\\| gopls, tools, install +\\| http://127\\.0\\.0\\.1:${port}/editor-mirror,off +\\| vscode-workspace +\\|`));
    const item = page.locator('.statusbar-item', { hasText: 'GOPROXY' });
    assert.equal(normalise(await item.innerText()).trim(), `GOPROXY 127.0.0.1:${fixture.proxy.port}`);
    assert.equal(await item.locator('.codicon-warning').count(), 1, 'the status bar item carries the warning icon');
    await page.screenshot({ path: join(out, '04-environment.png') });
    await item.hover();
    await page.locator('.monaco-hover', { hasText: 'Consumers disagree on: GOPROXY' }).waitFor();
    await page.screenshot({ path: join(out, '04-status-tooltip.png') });
    await item.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'Effective Go Environment' }).waitFor();
  });

  test('no console errors from the extension', () => {
    assert.deepEqual(wb.consoleErrors.filter((e) => /go-?proxy/i.test(e)), []);
  });
});
