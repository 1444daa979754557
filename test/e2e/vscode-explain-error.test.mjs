// Go Proxy: Explain Error in code-server: the real go command's error (run against the suite's loopback module
// proxy with gopls's settings) selected in an editor, explained in a Markdown preview that names the settings
// line that routed the module. Screenshots: test-results/e2e/vscode-explain-error/.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startWorkbench } from './lib/codeServer.mjs';
import { outputDir } from './lib/harness.mjs';
import { normalise, openFile, runCommand } from './lib/workbench.mjs';

const out = outputDir('vscode-explain-error');

/**
 * Runs the go command as gopls would (the workspace's go.toolsEnvVars GOPROXY) for a module the proxy lacks, and
 * resolves to its stderr. Asynchronous: the module proxy answers from this process's event loop.
 */
function captureGoError(fixture) {
  const dir = join(fixture.run, 'goerr');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'go.mod'), 'module example.com/app\n\ngo 1.21\n');
  const child = spawn(process.env.GO ?? 'go', ['mod', 'download', 'corp.example.com/missing@v1.0.0'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: fixture.env.PATH,
      HOME: fixture.env.HOME,
      GOENV: 'off',
      GOPROXY: `http://127.0.0.1:${fixture.proxy.port}/editor-mirror,off`,
      GOSUMDB: 'off',
      GOFLAGS: '-mod=mod -modcacherw',
      GOTOOLCHAIN: 'local',
      GOTELEMETRY: 'off',
      GOMODCACHE: join(dir, 'modcache'),
      GOCACHE: join(dir, 'cache'),
    },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? reject(new Error(`go mod download succeeded: ${stderr}`)) : resolve(stderr)));
  });
}

describe('VS Code (code-server): Go Proxy: Explain Error', { timeout: 240_000 }, () => {
  let wb;
  let page;
  let fixture;
  let goError;

  before(async () => {
    wb = await startWorkbench('vscode-explain-error', {
      workspaceTrust: false,
      logDir: out,
      prepare: (f) => {
        goError = captureGoError(f);
      },
    });
    ({ page, fixture } = wb);
    await page.getByRole('treeitem', { name: /go\.mod/ }).waitFor();
  });

  after(async () => {
    await wb?.stop(join(out, 'zz-final.png'));
  });

  test('1. the selected error is explained with the settings line that routed the module', async () => {
    const message = await goError;
    assert.match(message, /^go: corp\.example\.com\/missing@v1\.0\.0: /);
    writeFileSync(join(fixture.workspace, 'build.log'), `$ go mod download\n${message}`);
    await openFile(page, 'build.log', 'build.log');
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+A');
    await runCommand(page, 'Go Proxy: Explain Error');
    await page.locator('.tabs-container .tab.active', { hasText: 'Preview Explain Go Error.md' }).waitFor();
    const preview = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
    await preview.locator('h1').first().waitFor();
    const text = normalise(await preview.locator('body').innerText());
    assert.match(text, /Explained: the selected text\./);
    assert.match(text, /Module\tcorp\.example\.com\/missing@v1\.0\.0/);
    const port = fixture.proxy.port;
    // gopls and the tools read the workspace's go.toolsEnvVars: the preview names that line.
    assert.match(text, new RegExp(`gopls, tools, install — goes there:[\\s\\S]*GOPROXY=http://127\\.0\\.0\\.1:${port}/editor-mirror,off \\(\\.vscode/settings\\.json:4 go\\.toolsEnvVars\\.GOPROXY\\)`));
    await page.screenshot({ path: join(out, '01-explain-error.png') });
  });
});
