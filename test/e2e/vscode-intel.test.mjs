// Editor intelligence in code-server: hover on a GOPROXY value and on a go.mod require line, and the inlay hint
// after a shadowed setting, each read from the DOM as the user sees it. Screenshots go with the main suite's, in
// test-results/e2e/vscode/ (10-… onwards); this suite's logs in test-results/e2e/vscode-intel/.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startWorkbench } from './lib/codeServer.mjs';
import { outputDir } from './lib/harness.mjs';
import { normalise, openFile } from './lib/workbench.mjs';

const shots = outputDir('vscode');
const out = outputDir('vscode-intel');

describe('VS Code (code-server): hover, inlay hints', { timeout: 300_000 }, () => {
  let wb;
  let page;
  let fixture;

  before(async () => {
    wb = await startWorkbench('vscode-intel', {
      workspaceTrust: false,
      logDir: out,
      // The workspace turns the inlay hints on (off by default); the server reads the setting from the file.
      prepare: (f) => {
        const settings = join(f.workspace, '.vscode', 'settings.json');
        const text = readFileSync(settings, 'utf8');
        const on = text.replace(/\n  \}\n\}\n$/, '\n  },\n  "goProxy.inlayHints.enabled": true\n}\n');
        assert.notEqual(on, text, 'the fixture settings.json changed shape');
        writeFileSync(settings, on);
      },
    });
    ({ page, fixture } = wb);
    await page.getByRole('treeitem', { name: /go\.mod/ }).waitFor();
    // Activation is visible as the status bar item, drawn from the server's first status.
    await page.locator('.statusbar-item', { hasText: 'GOPROXY' }).waitFor();
  });

  after(async () => {
    await wb?.stop(join(out, 'zz-final.png'));
  });

  const editor = () => page.locator('.editor-group-container.active .monaco-editor').first();
  /** The rendered token of the active editor holding text (Monaco's innermost spans are the tokens). */
  const token = (text) => editor().locator('.view-line span span', { hasText: text }).first();
  /** The editor's hover widget holding text (the status bar tooltip is a .monaco-hover too, without it). */
  const hoverWith = (text) => page.locator('.monaco-editor .monaco-hover', { hasText: text }).first();
  const dismissHover = async (widget) => {
    await page.mouse.move(5, 450); // over the activity bar: the editor hover hides
    await widget.waitFor({ state: 'hidden' });
  };
  /**
   * Hovers the token holding tokenText until the editor's hover shows widgetText. A hover asked for while the
   * editor is still laying out the file (or before the server has the folder's first result) shows without
   * it; a person moves the mouse away and back, and so does this.
   */
  const hoverUntil = async (tokenText, widgetText, timeoutMs = 60_000) => {
    const widget = hoverWith(widgetText);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await token(tokenText).hover();
      try {
        await widget.waitFor({ timeout: Math.min(10_000, Math.max(1, deadline - Date.now())) });
        return widget;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      await page.mouse.move(5, 450);
      await page.locator('.monaco-editor .monaco-hover:not(.hidden)').first().waitFor({ state: 'hidden' });
    }
  };

  test('1. hover on the GOPROXY value in settings.json shows each consumer\'s value and the list with its separators', async () => {
    const port = fixture.proxy.port;
    await openFile(page, '.vscode/settings.json', 'settings.json');
    const widget = await hoverUntil('editor-mirror', 'in the order the go command tries it');
    const text = normalise(await widget.innerText());
    assert.match(text, /GOPROXY set by go\.toolsEnvVars\.GOPROXY in \.vscode\/settings\.json:4/);
    // The consumers this entry reaches, the one it does not, and what each uses.
    assert.match(text, new RegExp(`gopls, tools, install: http://127\\.0\\.0\\.1:${port}/editor-mirror,off from go\\.toolsEnvVars\\.GOPROXY in \\.vscode/settings\\.json:4; this entry wins; shadows http://127\\.0\\.0\\.1:${port}/team-mirror,off from the GOENV file`));
    assert.match(text, new RegExp(`terminal: http://127\\.0\\.0\\.1:${port}/team-mirror,off from the GOENV file [^\\n]*\\(not reached by this entry\\)`));
    // The parsed list, each entry with what its separator means.
    assert.match(text, new RegExp(`http://127\\.0\\.0\\.1:${port}/editor-mirror ,: on 404 or 410 only, the next entry is tried; any other error is final`));
    assert.match(text, /off: module lookup is disabled here: the go command stops/);
    await page.screenshot({ path: join(shots, '10-hover-goproxy.png') });
    await dismissHover(widget);
  });

  test('2. hover on a go.mod require line shows the module\'s route per consumer', async () => {
    const port = fixture.proxy.port;
    await openFile(page, 'go.mod', 'go.mod');
    const widget = await hoverUntil('example.org/lib', 'how each consumer fetches it');
    const text = normalise(await widget.innerText());
    assert.match(text, /example\.org\/lib v1\.0\.0: how each consumer fetches it/);
    // The terminal goes through the GOENV file's mirror, gopls and the tools through the workspace's.
    const terminal = text.slice(text.indexOf('terminal:'));
    assert.ok(text.includes('terminal:'), text);
    assert.match(terminal, new RegExp(`http://127\\.0\\.0\\.1:${port}/team-mirror ,: asked; the next entry is tried on 404 or 410 only`));
    const editors = text.slice(text.indexOf('gopls'));
    assert.match(editors, new RegExp(`http://127\\.0\\.0\\.1:${port}/editor-mirror ,: asked; the next entry is tried on 404 or 410 only`));
    // GONOSUMDB=example.org in the GOENV file: the terminal skips the checksum database, and says why.
    assert.match(terminal, /checksum database: skipped: GONOSUMDB pattern example\.org matches/);
    await page.screenshot({ path: join(shots, '11-hover-require.png') });
    await dismissHover(widget);
  });

  test('3. with goProxy.inlayHints.enabled, the shadowed GOPROXY setting is followed by "← terminal uses …"', async () => {
    const port = fixture.proxy.port;
    // Step 1 opened it: back to its tab.
    await page.locator('.tabs-container .tab', { hasText: 'settings.json' }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'settings.json' }).waitFor();
    const line = editor().locator('.view-line', { hasText: 'editor-mirror' }).first();
    await line.filter({ hasText: '← terminal uses' }).waitFor();
    const text = normalise(await line.innerText());
    // VS Code cuts a hint at editor.inlayHints.maximumLength (43 by default) with an ellipsis.
    assert.match(text, new RegExp(`"GOPROXY": "http://127\\.0\\.0\\.1:${port}/editor-mirror,off"\\s*← terminal uses http://127\\.0\\.0\\.1:${port}/team`));
    // The hint is drawn, not written: the file on disk is unchanged.
    assert.doesNotMatch(readFileSync(join(fixture.workspace, '.vscode', 'settings.json'), 'utf8'), /←/);
    await page.screenshot({ path: join(shots, '12-inlay-hints.png') });
  });

  test('no console errors from the extension', () => {
    assert.deepEqual(wb.consoleErrors.filter((e) => /go-?proxy/i.test(e)), []);
  });
});
