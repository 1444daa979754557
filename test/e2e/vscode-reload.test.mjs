// The stale editor environment in code-server: vscode-go (a stand-in with its id, golang.go, which pins GOPROXY
// into the extension host at activation as vscode-go does) pinned a GOPROXY the GOENV file no longer gives, so
// the server reports editor-env-stale, the status bar tooltip warns with a Reload Window link, and Quick Fix
// offers "Reload Window", which reloads the workbench. Screenshots: test-results/e2e/vscode-reload/.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startWorkbench } from './lib/codeServer.mjs';
import { outputDir, waitUntil } from './lib/harness.mjs';
import { normalise, runCommand } from './lib/workbench.mjs';

const out = outputDir('vscode-reload');
const standIn = fileURLToPath(new URL('./vscode-go-standin', import.meta.url));

describe('VS Code (code-server) with vscode-go\'s stale GOPROXY pin', { timeout: 300_000 }, () => {
  let wb;
  let page;
  let fixture;
  let activations;
  let pinned;
  let goenvValue;

  before(async () => {
    wb = await startWorkbench('vscode-reload', {
      workspaceTrust: false,
      extensions: [standIn],
      prepare(f) {
        // go.toolsEnvVars would hide the pin from gopls and the tools: this workspace leaves GOPROXY to them.
        rmSync(join(f.workspace, '.vscode'), { recursive: true, force: true });
        activations = join(f.run, 'vscode-go-activations.log');
        pinned = `http://127.0.0.1:${f.proxy.port}/editor-mirror,off`;
        goenvValue = `http://127.0.0.1:${f.proxy.port}/team-mirror,off`;
        // The login shell (probed in trusted workspaces) is what a terminal starts with: no GOPROXY of its own.
        Object.assign(f.env, { SHELL: '/bin/sh', GPD_E2E_VSCODE_GO_GOPROXY: pinned, GPD_E2E_VSCODE_GO_LOG: activations });
      },
      logDir: out,
    });
    ({ page, fixture } = wb);
    await page.getByRole('treeitem', { name: /go\.mod/ }).waitFor();
  });

  after(async () => {
    await wb?.stop(join(out, 'zz-final.png'));
  });

  const activationLines = () => {
    try {
      return readFileSync(activations, 'utf8').trim().split('\n');
    } catch {
      return [];
    }
  };
  const initLines = () => wb.extensionLog().match(/initializationOptions: trusted=true vscodeGoActive=true /g) ?? [];

  test('1. the stand-in pinned GOPROXY before the extension captured its environment (vscodeGoActive=true)', async () => {
    assert.match(readFileSync(join(fixture.config, 'go', 'env'), 'utf8'), new RegExp(`^GOPROXY=${goenvValue.replace(/[.:/]/g, '\\$&')}$`, 'm'));
    await page.locator('.statusbar-item', { hasText: 'GOPROXY' }).waitFor();
    assert.deepEqual(activationLines(), [`activated GOPROXY=${pinned}`]);
    await waitUntil(() => initLines().length === 1, 30_000, 'the server\'s initializationOptions with vscodeGoActive=true');
    assert.match(wb.extensionHostLog(), /_doActivateExtension golang\.go/);
  });

  test('2. the Problems panel shows editor-env-stale on the GOENV file\'s GOPROXY line', async () => {
    await runCommand(page, 'Problems: Focus on Problems View');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'editor-env-stale' }).first();
    await row.waitFor({ timeout: 60_000 });
    const text = normalise(await row.innerText());
    assert.match(text, /go-proxy/);
    assert.match(text, /pinned by vscode-go into the editor's environment when it activated/);
    assert.ok(text.includes(pinned), text);
    assert.ok(text.includes(goenvValue), text);
    assert.match(text, /\[Ln 1, Col \d+\]/);
    await page.screenshot({ path: join(out, 'reload-01-problem.png') });
  });

  test('3. the status bar tooltip warns that the editor\'s environment is stale, with a Reload Window link', async () => {
    const item = page.locator('.statusbar-item', { hasText: 'GOPROXY' });
    await item.locator('.codicon-warning').waitFor();
    await item.hover();
    const hover = page.locator('.monaco-hover', { hasText: 'The editor\'s environment is stale.' });
    await hover.waitFor();
    await hover.getByRole('link', { name: 'Reload Window' }).first().waitFor();
    await page.screenshot({ path: join(out, 'reload-01-tooltip.png') });
    await page.keyboard.press('Escape');
  });

  test('4. Quick Fix on the diagnostic offers Reload Window, which reloads the workbench', async () => {
    await runCommand(page, 'Problems: Focus on Problems View');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'editor-env-stale' }).first().dblclick();
    await page.locator('.editor-group-container.active .monaco-editor.focused').waitFor();
    const menu = page.locator('.action-widget:not(.action-list-submenu-panel)');
    const reload = menu.locator('.monaco-list-row', { hasText: 'Reload Window' });
    // Quick Fix run before the editor has asked for the line's code actions can show nothing: ask again.
    for (let attempt = 1; ; attempt++) {
      await runCommand(page, 'Quick Fix...');
      try {
        await reload.waitFor({ timeout: 15_000 });
        break;
      } catch (err) {
        if (attempt === 3) throw err;
        await page.keyboard.press('Escape');
      }
    }
    const rows = (await menu.locator('.monaco-list-row').allInnerTexts()).map((t) => normalise(t).trim());
    assert.ok(rows.includes('Reload Window'), JSON.stringify(rows));
    await page.screenshot({ path: join(out, 'reload-02-quickfix.png') });

    // A marker on the page's window: a reload gives the page a new one, without it.
    await page.evaluate(() => {
      window.__gpdBeforeReload = true;
    });
    const loaded = page.waitForEvent('load', { timeout: 60_000 });
    await reload.click();
    await loaded;
    assert.equal(await page.evaluate(() => window.__gpdBeforeReload), undefined);
    // The workbench comes back, the extension host starts again: vscode-go pins again, ours activates again.
    await page.getByRole('treeitem', { name: /go\.mod/ }).waitFor();
    await page.locator('.statusbar-item', { hasText: 'GOPROXY' }).waitFor();
    await waitUntil(() => activationLines().length === 2, 60_000, 'the stand-in to activate again');
    await waitUntil(() => initLines().length === 2, 60_000, 'the extension to start its server again');
    // The stand-in pins the same value again (the suite's GOENV file did not change): still stale.
    await runCommand(page, 'Problems: Focus on Problems View');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'editor-env-stale' }).first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(out, 'reload-03-after.png') });
  });

  test('no console errors from the extension', () => {
    assert.deepEqual(wb.consoleErrors.filter((e) => /go-?proxy/i.test(e)), []);
  });
});
