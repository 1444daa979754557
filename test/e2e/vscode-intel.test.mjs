// Editor intelligence in code-server: hover on a GOPROXY value and on a go.mod require line, the inlay hint after a
// shadowed setting, completion of a GO variable name and the link on a proxy URL, each read from the DOM as the
// user sees it. Screenshots go with the main suite's, in test-results/e2e/vscode/ (10-… onwards); this suite's
// logs in test-results/e2e/vscode-intel/.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startWorkbench } from './lib/codeServer.mjs';
import { outputDir, waitUntil } from './lib/harness.mjs';
import { normalise, openFile } from './lib/workbench.mjs';

const shots = outputDir('vscode');
const out = outputDir('vscode-intel');

describe('VS Code (code-server): hover, inlay hints, completion, links', { timeout: 300_000 }, () => {
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
    // The list is below the hover's fold: the mouse goes onto the hover and the wheel scrolls it into view.
    const box = await widget.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const entry = widget.locator('li', { hasText: 'on 404 or 410 only' }).first();
    const inView = async () => {
      const [e, w] = [await entry.boundingBox(), await widget.boundingBox()];
      return e !== null && w !== null && e.y >= w.y && e.y + e.height <= w.y + w.height;
    };
    await waitUntil(async () => (await inView()) || (await page.mouse.wheel(0, 60), false), 30_000, 'the GOPROXY list scrolled into the hover');
    await page.screenshot({ path: join(shots, '10-hover-goproxy-list.png') });
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

  test('4. completion in go.toolsEnvVars offers the GO variables it does not set yet; accepting one writes valid JSON', async () => {
    const port = fixture.proxy.port;
    const settings = join(fixture.workspace, '.vscode', 'settings.json');
    // After the GOPROXY member (which has no comma yet), a new key: "GOPR.
    await token('editor-mirror').click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('"GOPR');
    const suggest = page.locator('.editor-widget.suggest-widget');
    const row = (name) => suggest.locator('.monaco-list-row', { hasText: name });
    await row('GOPRIVATE').first().waitFor();
    const labels = (await suggest.locator('.monaco-list-row .label-name').allInnerTexts()).map((t) => normalise(t).trim());
    assert.ok(labels.includes('GOPRIVATE'), `offered: ${labels}`);
    // GOPROXY is set in this object already: not offered again.
    assert.ok(!labels.includes('GOPROXY'), `offered: ${labels}`);
    // Ctrl+Space on the open list shows the focused item's documentation: the variable's one line.
    await page.keyboard.press('Control+Space');
    const details = page.locator('.suggest-details', { hasText: 'private' });
    await details.waitFor();
    assert.match(normalise(await details.innerText()), /Comma-separated glob patterns of module path prefixes that are private/);
    await page.screenshot({ path: join(shots, '13-completion.png') });
    // Accept GOPRIVATE: the key, its colon and quotes, the caret in the value, the missing comma after GOPROXY.
    await suggest.locator('.monaco-list-row.focused', { hasText: 'GOPRIVATE' }).waitFor();
    await page.keyboard.press('Enter');
    await suggest.waitFor({ state: 'hidden' });
    await page.keyboard.type('corp.example.com');
    await page.keyboard.press('Escape');
    // The comma after the GOPROXY member comes with the item (an additional edit): seen on screen before saving.
    await editor().locator('.view-line', { hasText: 'editor-mirror,off",' }).waitFor();
    await page.keyboard.press('Control+S');
    await waitUntil(() => readFileSync(settings, 'utf8').includes('corp.example.com'), 30_000, 'settings.json saved');
    const text = readFileSync(settings, 'utf8');
    // JSON with comments: the comment lines are the only thing JSON.parse does not take.
    const parsed = JSON.parse(text.replace(/^\s*\/\/.*$/gm, ''));
    assert.deepEqual(parsed['go.toolsEnvVars'], {
      GOPROXY: `http://127.0.0.1:${port}/editor-mirror,off`,
      GOPRIVATE: 'corp.example.com',
    });
    assert.match(text, /"GOPROXY": "[^"]+",\n\s*"GOPRIVATE": "corp\.example\.com"\n/);
  });

  test('5. a proxy URL in settings.json is a link to that proxy (the list entry, not the whole value)', async () => {
    const target = `http://127.0.0.1:${fixture.proxy.port}/editor-mirror`;
    const quoted = target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // The server's link covers the list entry, not the ",off" after it: the editor's own URL detection, which
    // answers first, links the whole value until the server's link replaces it.
    await editor().locator('.view-line span.detected-link').filter({ hasText: new RegExp(`^${quoted}$`) }).first().waitFor();
    const widget = await hoverUntil('editor-mirror', 'Open the proxy');
    assert.match(normalise(await widget.innerText()), new RegExp(`Open the proxy ${quoted}\\s*\\(ctrl \\+ click\\)`));
    // Ctrl held over it: the link is underlined as one to follow.
    await page.keyboard.down('Control');
    try {
      await editor().locator('.view-line span.detected-link-active', { hasText: 'editor-mirror' }).first().waitFor();
      await page.screenshot({ path: join(shots, '14-document-link.png') });
    } finally {
      await page.keyboard.up('Control');
    }
    await dismissHover(widget);
  });

  test('no console errors from the extension', () => {
    assert.deepEqual(wb.consoleErrors.filter((e) => /go-?proxy/i.test(e)), []);
  });
});
