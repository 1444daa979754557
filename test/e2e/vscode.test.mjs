// A real VS Code (code-server) with the built linux-x64 .vsix installed in a fresh profile, opened on the
// divergence fixture, walked with Playwright as a person would. Screenshots: test-results/e2e/vscode/.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { extensionId, startWorkbench } from './lib/codeServer.mjs';
import { outputDir, waitUntil } from './lib/harness.mjs';
import { normalise, openFile, runCommand } from './lib/workbench.mjs';

const out = outputDir('vscode');

// Every goproxy-doctor.environment call the extension makes is logged in its channel ("goproxy-doctor.environment:
// <folder>"); the status bar must never make one. The server's log names each executeCommand it handles.
const environmentCalls = (log) => (log.match(/goproxy-doctor\.environment: /g) ?? []).length;
const serverCommands = () => {
  try {
    return (readFileSync(join(out, 'server.log'), 'utf8').match(/msg=handled method=workspace\/executeCommand/g) ?? []).length;
  } catch {
    return 0;
  }
};

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

  // It writes the workspace's value into the user's go env -w file: offered, never preferred, and says so.
  const fixTitle = () =>
    `Set GOPROXY in the GOENV file (go env -w) to "http://127.0.0.1:${fixture.proxy.port}/editor-mirror,off" — in your go env -w file (applies to every project)`;

  test('the extension is installed and activates without errors', async () => {
    const installed = readdirSync(join(fixture.run, 'extensions'));
    assert.ok(installed.some((d) => d.startsWith(`${extensionId}-0.1.0`)), `installed: ${installed}`);
    // Activation is visible from the outside as the status bar item; wait for it, then read the host's log.
    const item = page.locator('.statusbar-item', { hasText: 'GOPROXY' });
    await item.waitFor();
    // The item was drawn from the server's goproxy-doctor/status alone: no command ran.
    assert.equal(environmentCalls(wb.extensionLog()), 0, 'the status bar asked for the environment');
    assert.equal(serverCommands(), 0, 'the server ran a command before any was invoked');
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

  test('2. Quick Fix on the GOPROXY line offers the server\'s fix for env-divergence', async () => {
    // Opening the problem selects the diagnostic's range in settings.json and focuses that editor.
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'env-divergence' }).first().dblclick();
    await page.locator('.editor-group-container.active .monaco-editor.focused').waitFor();
    assert.match(normalise(await page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first().innerText()), /Ln 4, Col \d+/);
    await runCommand(page, 'Quick Fix...');
    const menu = page.locator('.action-widget:not(.action-list-submenu-panel)');
    await menu.getByText(fixTitle()).waitFor();
    const rows = (await menu.locator('.monaco-list-row').allInnerTexts()).map((t) => normalise(t).trim());
    const port = fixture.proxy.port;
    assert.deepEqual(rows, [
      'Quick Fix',
      'Remove go.toolsEnvVars.GOPROXY from .vscode/settings.json',
      `Set go.toolsEnvVars.GOPROXY in .vscode/settings.json to "http://127.0.0.1:${port}/team-mirror,off"`,
      fixTitle(),
    ]);
    await page.screenshot({ path: join(out, '02-quick-fix.png') });
    // Applied in step 5, after the steps that need the divergence.
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
  });

  test('3. Go Proxy: Verify shows a cancellable progress notification, then the result table in the Output channel', async () => {
    const progress = () => page.locator('.notification-toast', { hasText: 'Go Proxy: Verify' }).filter({ has: page.getByRole('button', { name: 'Cancel' }) });
    // The loopback proxy holds every request (held since the start) until released, so the progress is
    // observed while Verify is really waiting on the network, not raced.
    await runCommand(page, 'Go Proxy: Verify');
    await progress().waitFor();
    await fixture.proxy.waitForRequest(() => true, 60_000);
    await page.locator('.notification-toast.notification-fade-in-done', { hasText: 'Go Proxy: Verify' }).waitFor();
    await page.screenshot({ path: join(out, '03-verify-progress.png') });
    // Cancel: the notification closes and the Output channel says so.
    await progress().getByRole('button', { name: 'Cancel' }).click();
    await progress().waitFor({ state: 'hidden' });
    const output = page.locator('.panel .monaco-editor .view-lines').first();
    await output.filter({ hasText: 'cancelled' }).waitFor();
    assert.match(normalise(await output.innerText()), /Go Proxy: Verify: \S+: cancelled\./);

    // Again, this time letting the proxy answer.
    const seen = fixture.proxy.requests.length;
    await runCommand(page, 'Go Proxy: Verify');
    await progress().waitFor();
    await fixture.proxy.waitForRequest((r) => fixture.proxy.requests.indexOf(r) >= seen, 60_000);
    fixture.proxy.release();
    await progress().waitFor({ state: 'hidden' });
    // The Output channel shows the table, ending with its summary line. The view renders only the lines it
    // shows (wrapped), so the whole table is read from the channel's copy on disk.
    await runCommand(page, 'View: Toggle Maximized Panel');
    await output.filter({ hasText: /\d+\/\d+\smodules\sok;\sproxies:\s2\sok/ }).waitFor(); // Monaco's spaces are U+00A0
    await waitUntil(() => /modules ok; proxies:/.test(wb.outputChannelText('Go Proxy Doctor')), 10_000, 'the Output channel on disk');
    const text = wb.outputChannelText('Go Proxy Doctor');
    const mirror = (name) => `http://127\\.0\\.0\\.1:${fixture.proxy.port}/${name}`;
    // Each consumer's proxy answered, and each consumer got the module from its own mirror.
    // The report is the server's text (as `goproxy-doctor verify` prints it) under the extension's heading.
    assert.match(text, /Go Proxy: Verify: \S+ \(\S+, timeout 10s, concurrency 64\)\n\nFolder /);
    assert.match(text, /PROXY\s+CONSUMERS\s+STATUS\s+LATENCY\s+SUMDB\s+VIA/);
    assert.match(text, new RegExp(`1 ${mirror('team-mirror')}\\s+terminal\\s+ok\\s+\\d+ ms`));
    assert.match(text, new RegExp(`1 ${mirror('editor-mirror')}\\s+gopls[^\\n]*\\s+ok\\s+\\d+ ms`));
    assert.match(text, /MODULE\s+CONSUMERS\s+OUTCOME\s+SERVED BY\s+ROUTE\s+SUMDB/);
    assert.match(text, new RegExp(`example\\.org/lib@v1\\.0\\.0\\s+terminal\\s+ok\\s+${mirror('team-mirror')}\\s+1 200`));
    assert.match(text, new RegExp(`example\\.org/lib@v1\\.0\\.0\\s+gopls[^\\n]*\\s+ok\\s+${mirror('editor-mirror')}\\s+1 200`));
    assert.match(text, /\b(\d+)\/\1 modules ok; proxies: 2 ok\b/);
    assert.ok(
      fixture.proxy.requests.some((r) => r.mirror === 'editor-mirror' && /^example\.org\/lib\/@v\/v1\.0\.0\.(info|mod)$/.test(r.path)),
      `the gopls/tools mirror was asked for example.org/lib: ${JSON.stringify(fixture.proxy.requests)}`,
    );
    await page.screenshot({ path: join(out, '03-verify-output.png') });
    await runCommand(page, 'View: Toggle Maximized Panel');
  });

  test('4. Go Proxy: Show Effective Environment shows the table; the status bar shows the GOPROXY host', async () => {
    await runCommand(page, 'Go Proxy: Show Effective Environment');
    await page.locator('.tabs-container .tab.active', { hasText: 'Preview Effective Go Environment' }).waitFor();
    // The Markdown preview is a webview: an iframe holding the content's iframe.
    const preview = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
    await preview.locator('table').first().waitFor();
    const text = normalise(await preview.locator('body').innerText());
    const port = fixture.proxy.port;
    assert.match(text, /≠ Differs between consumers: GOPROXY/);
    assert.match(text, new RegExp(`≠ GOPROXY\\tterminal\\thttp://127\\.0\\.0\\.1:${port}/team-mirror,off\\tgoenv-file`));
    assert.match(text, new RegExp(`\\tgopls, tools, install\\thttp://127\\.0\\.0\\.1:${port}/editor-mirror,off\\tvscode-workspace`));
    // Per consumer: the value with where it was set.
    assert.match(text, new RegExp(`≠\\tGOPROXY\\thttp://127\\.0\\.0\\.1:${port}/editor-mirror,off\\tvscode-workspace\\t\\.vscode/settings\\.json:4 go\\.toolsEnvVars\\.GOPROXY`));
    const item = page.locator('.statusbar-item', { hasText: 'GOPROXY' });
    assert.equal(normalise(await item.innerText()).trim(), `GOPROXY 127.0.0.1:${port}`);
    assert.equal(await item.locator('.codicon-warning').count(), 1, 'the status bar item carries the warning icon');
    await page.screenshot({ path: join(out, '04-environment.png') });
    await item.hover();
    await page.locator('.monaco-hover', { hasText: 'Consumers disagree on: GOPROXY' }).waitFor();
    await page.screenshot({ path: join(out, '04-status-tooltip.png') });
    // Clicking the item opens the same view.
    await runCommand(page, 'View: Close All Editors');
    await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached' });
    await item.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'Preview Effective Go Environment' }).waitFor();
  });

  test('5. applying the quick fix rewrites the GOENV file (saved, minimal edit) and the divergence goes away', async () => {
    const goenv = join(fixture.config, 'go', 'env');
    const port = fixture.proxy.port;
    // Keyboard focus is in the preview's webview, which keeps Ctrl+P and F1: open settings.json from the
    // explorer with the mouse, which gives the focus back to the workbench.
    await page.getByRole('treeitem', { name: 'settings.json', exact: true }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'settings.json' }).waitFor();
    await runCommand(page, 'Problems: Focus on Problems View');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'env-divergence' }).first().dblclick();
    await page.locator('.editor-group-container.active .monaco-editor.focused').waitFor();
    await runCommand(page, 'Quick Fix...');
    await page.locator('.action-widget:not(.action-list-submenu-panel)').getByText(fixTitle()).click();
    // files.refactoring.autoSave (on by default) saves files a workspace edit changed without opening them.
    await waitUntil(() => readFileSync(goenv, 'utf8').includes('editor-mirror'), 30_000, 'the GOENV file to be saved with the fix');
    assert.equal(readFileSync(goenv, 'utf8'), `GOPROXY=http://127.0.0.1:${port}/editor-mirror,off\nGOTOOLCHAIN=local\n# Keeps Verify away from any checksum database: the fixture proxy serves modules only.\nGONOSUMDB=example.org\n`);
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'env-divergence' }).first().waitFor({ state: 'detached' });
    const item = page.locator('.statusbar-item', { hasText: 'GOPROXY' });
    await item.locator('.codicon-warning').waitFor({ state: 'detached' });
    await page.screenshot({ path: join(out, '05-fixed.png') });
  });

  test('6. the status bar follows a settings.json edit from the pushed status, without calling any command', async () => {
    const port = fixture.proxy.port;
    const item = page.locator('.statusbar-item', { hasText: 'GOPROXY' });
    assert.equal(normalise(await item.innerText()).trim(), `GOPROXY 127.0.0.1:${port}`);
    const calls = environmentCalls(wb.extensionLog());
    const commands = serverCommands();
    // gopls and the tools now read another host than the GOENV file gives the terminal.
    writeFileSync(
      join(fixture.workspace, '.vscode', 'settings.json'),
      `{\n  "go.toolsEnvVars": {\n    "GOPROXY": "http://localhost:${port}/editor-mirror,off"\n  }\n}\n`,
    );
    await page.locator('.statusbar-item', { hasText: `GOPROXY localhost:${port}` }).waitFor();
    await item.locator('.codicon-warning').waitFor();
    await page.screenshot({ path: join(out, '06-status-pushed.png') });
    assert.equal(environmentCalls(wb.extensionLog()), calls, 'the status bar asked the server for the environment');
    assert.equal(serverCommands(), commands, 'the server ran a command for the status bar');
  });

  test('7. the code lens on go.mod shows the module count and the last outcome; clicking it runs Verify', async () => {
    await page.getByRole('treeitem', { name: /go\.mod/ }).first().click();
    await page.locator('.tabs-container .tab.active', { hasText: 'go.mod' }).waitFor();
    const lens = (text) => page.locator('.codelens-decoration a', { hasText: text });
    await lens('Verify 1 module').waitFor();
    // Step 3's run: every consumer got example.org/lib from its own mirror.
    await lens('1 ok · 0 failing').waitFor();
    await page.screenshot({ path: join(out, '07-code-lens.png') });

    const headings = () => (wb.outputChannelText('Go Proxy Doctor').match(/^Go Proxy: Verify: \S+ \(/gm) ?? []).length;
    const runs = headings();
    const seen = fixture.proxy.requests.length;
    await lens('Verify 1 module').click();
    await fixture.proxy.waitForRequest((r) => fixture.proxy.requests.indexOf(r) >= seen, 60_000);
    await waitUntil(() => headings() === runs + 1, 60_000, 'a second Verify report in the Output channel');
    assert.match(wb.outputChannelText('Go Proxy Doctor'), new RegExp(`Go Proxy: Verify: ${fixture.workspace.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(`));
    // The refreshed lens still counts the run; its click opens the cached report (no new request).
    await lens('1 ok · 0 failing').waitFor();
    const requests = fixture.proxy.requests.length;
    await lens('1 ok · 0 failing').click();
    await waitUntil(() => /Go Proxy: last Verify result: /.test(wb.outputChannelText('Go Proxy Doctor')), 30_000, 'the last Verify report');
    const text = wb.outputChannelText('Go Proxy Doctor');
    assert.match(text.slice(text.lastIndexOf('Go Proxy: last Verify result: ')), /\b(\d+)\/\1 modules ok; proxies: 2 ok\b/);
    assert.equal(fixture.proxy.requests.length, requests, 'opening the result contacted the proxy');
    await page.screenshot({ path: join(out, '07-code-lens-result.png') });
  });

  test('8. the Go Proxy view in the Explorer lists the folder\'s consumers, their variables and the Verify state', async () => {
    const port = fixture.proxy.port;
    // Drawn from the pushed goproxy-doctor/status alone: expanding and walking the view runs no server command.
    const commands = serverCommands();
    const sidebar = page.locator('.part.sidebar');
    const header = sidebar.locator('.pane-header', { hasText: 'Go Proxy' });
    await header.waitFor();
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    // Room for the view (the list renders only the rows it shows): collapse the folder's file tree above it.
    const files = sidebar.locator('.pane-header', { hasText: 'divergence' });
    if ((await files.getAttribute('aria-expanded')) === 'true') await files.click();
    const pane = sidebar.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Go Proxy' }) });
    const row = (text) => pane.locator('.monaco-list-row', { hasText: text });
    // The folder, expanded, with gopls' GOPROXY host, the divergence step 6 made and the last Verify outcome.
    const folder = row('divergence').first();
    await folder.waitFor();
    assert.match(normalise(await folder.innerText()), new RegExp(`GOPROXY localhost:${port} · ≠ 1 · 1 ok · 0 failing`));
    for (const consumer of ['terminal', 'gopls', 'tools', 'install']) await row(consumer).first().waitFor();
    assert.match(normalise(await row('terminal').first().innerText()), new RegExp(`GOPROXY 127\\.0\\.0\\.1:${port} · ≠ 1 · 1 ok · 0 failing`));
    // A consumer lists its variables with values and sources; a divergent one carries ≠.
    await row('terminal').first().click();
    // Step 5's fix put the editor's mirror into the GOENV file; step 6 moved gopls to localhost.
    const goproxy = row(new RegExp(`≠ http://127\\.0\\.0\\.1:${port}/editor-mirror,off · goenv-file`)).first();
    await goproxy.waitFor();
    await row('GONOSUMDB').first().waitFor();
    await page.screenshot({ path: join(out, '08-tree-view.png') });
    // A click opens the winning line: the GOENV file's GOPROXY line.
    await goproxy.click();
    await page.locator('.tabs-container .tab.active', { hasText: /^\s*env\b/ }).waitFor();
    await page.screenshot({ path: join(out, '08-tree-open-source.png') });
    assert.equal(serverCommands(), commands, 'the view made the server run a command');
  });

  test('9. a Dockerfile and a workflow are diagnosed when opened, on the value, for their own consumers', async () => {
    // Written now, so the other steps and suites see the fixture as it is.
    writeFileSync(join(fixture.workspace, 'Dockerfile'), 'FROM golang:1.26 AS builder\nENV GOPRIVATE=corp.example.com \\\n    GOSUMDB=off\nRUN go build ./...\n');
    mkdirSync(join(fixture.workspace, '.github', 'workflows'), { recursive: true });
    writeFileSync(
      join(fixture.workspace, '.github', 'workflows', 'ci.yml'),
      'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n      GOPROXY: https://proxy.example.com;direct\n    steps:\n' +
        '      - uses: actions/setup-go@v5\n        with:\n          go-proxy: https://proxy.example.com # the third report\n      - run: go test ./...\n',
    );
    // Quick Open's file list does not see files created after it was first used: open them from the explorer
    // (step 8 collapsed the folder's file tree).
    const files = page.locator('.part.sidebar .pane-header', { hasText: 'divergence' });
    if ((await files.getAttribute('aria-expanded')) !== 'true') await files.click();
    await page.getByRole('treeitem', { name: 'Dockerfile', exact: true }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'Dockerfile' }).waitFor();
    await runCommand(page, 'Problems: Focus on Problems View');
    // The Problems list renders only the rows in view, and the build files bring several findings: narrow the
    // list to the message the step looks for.
    const filterProblems = async (text) => {
      const box = page.locator('.part.panel').getByPlaceholder(/^Filter \(e\.g\. text/);
      await box.fill(text);
      await box.press('Enter');
    };
    await filterProblems('GOSUMDB is');
    const docker = page.locator('.markers-panel .monaco-list-row', { hasText: 'go-proxy' }).filter({ hasText: 'gosumdb-off' }).first();
    await docker.waitFor();
    const dockerText = normalise(await docker.innerText());
    assert.match(dockerText, /GOSUMDB is "off" for docker:Dockerfile#builder/);
    assert.match(dockerText, /\[Ln 3, Col 13\]/);
    await page.screenshot({ path: join(out, '09-dockerfile.png') });

    // .github holds only workflows/: the explorer may show them as one compact row.
    await page.getByRole('treeitem', { name: /^\.github/ }).click();
    const ci = page.getByRole('treeitem', { name: 'ci.yml', exact: true });
    const workflows = page.getByRole('treeitem', { name: 'workflows', exact: true });
    await ci.or(workflows).first().waitFor();
    if (!(await ci.isVisible())) await workflows.click();
    await ci.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'ci.yml' }).waitFor();
    await runCommand(page, 'Problems: Focus on Problems View');
    await filterProblems('read by the go command as one');
    const workflow = page.locator('.markers-panel .monaco-list-row', { hasText: 'go-proxy' }).filter({ hasText: 'goproxy-bad-entry' }).first();
    await workflow.waitFor();
    const workflowText = normalise(await workflow.innerText());
    assert.match(workflowText, /for ci:ci\/test/);
    assert.match(workflowText, /\[Ln 6, Col 16\]/);
    await page.screenshot({ path: join(out, '09-workflow.png') });

    // The quick fix for the input actions/setup-go does not have moves it to the step's env, in the file.
    await filterProblems('actions/setup-go has no input go-proxy');
    const input = page.locator('.markers-panel .monaco-list-row', { hasText: 'go-proxy' }).filter({ hasText: 'setup-go-unknown-input' }).first();
    await input.waitFor();
    assert.match(normalise(await input.innerText()), /\[Ln 10, Col 11\]/);
    await input.dblclick();
    await page.locator('.editor-group-container.active .monaco-editor.focused').waitFor();
    await runCommand(page, 'Quick Fix...');
    await page.locator('.action-widget:not(.action-list-submenu-panel)').getByText("Move go-proxy to the step's env as GOPROXY").click();
    const workflowFile = join(fixture.workspace, '.github', 'workflows', 'ci.yml');
    // The edit lands in the open editor; save it.
    await page.keyboard.press('Control+S');
    await waitUntil(() => readFileSync(workflowFile, 'utf8').includes('env:\n          GOPROXY:'), 30_000, 'the workflow to be saved with the fix');
    assert.equal(
      readFileSync(workflowFile, 'utf8'),
      'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n      GOPROXY: https://proxy.example.com;direct\n    steps:\n' +
        '      - uses: actions/setup-go@v5\n        env:\n          GOPROXY: https://proxy.example.com # the third report\n      - run: go test ./...\n',
    );
    await input.waitFor({ state: 'detached' });
    await page.screenshot({ path: join(out, '09-workflow-fixed.png') });

    // An edit of the open Dockerfile on disk (another tool, git) reaches the editor and is diagnosed again.
    await filterProblems('GOSUMDB is');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'gosumdb-off' }).first().waitFor();
    writeFileSync(join(fixture.workspace, 'Dockerfile'), 'FROM golang:1.26 AS builder\nENV GOPRIVATE=corp.example.com \\\n    GONOSUMDB=corp.example.com\nRUN go build ./...\n');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'gosumdb-off' }).first().waitFor({ state: 'detached' });
    await page.screenshot({ path: join(out, '09-dockerfile-fixed.png') });
    await filterProblems('');
  });

  test('no console errors from the extension', () => {
    assert.deepEqual(wb.consoleErrors.filter((e) => /go-?proxy/i.test(e)), []);
  });
});
