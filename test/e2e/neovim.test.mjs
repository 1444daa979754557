// Neovim 0.7 (Debian's package) headless with its built-in LSP client against the binary packaged in the
// linux-x64 .vsix: a second, independent client of the same server. Result: test-results/e2e/neovim/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { outputDir, prepareRun, repoRoot, requireEnv, startGroup, withTimeout } from './lib/harness.mjs';

const out = outputDir('neovim');
// The fix the script applies (E2E_APPLY): it edits the open settings.json buffer itself.
const removeFix = 'Remove go.toolsEnvVars.GOPROXY from .vscode/settings.json';

describe('Neovim with goproxy-doctor serve', { timeout: 120_000 }, () => {
  let fixture;
  let result;

  before(async () => {
    fixture = await prepareRun('neovim');
    const resultFile = join(out, 'result.json');
    const nvim = startGroup('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${join(repoRoot, 'test', 'e2e', 'neovim', 'lsp.lua')}`], {
      env: { ...fixture.env, E2E_SERVER_BIN: requireEnv('E2E_SERVER_BIN'), E2E_WORKSPACE: fixture.workspace, E2E_RESULT: resultFile, E2E_APPLY: removeFix },
      cwd: fixture.workspace,
      logFile: join(out, 'nvim.log'),
    });
    const exit = await withTimeout(nvim.exited, 90_000, 'nvim to run the script and quit').finally(() => nvim.stop());
    assert.equal(exit.code, 0, `nvim exited with ${exit.code ?? exit.signal}:\n${nvim.log()}`);
    result = JSON.parse(readFileSync(resultFile, 'utf8'));
    assert.equal(result.error, undefined, `the Lua script failed: ${result.error}`);
  });

  after(async () => {
    await fixture?.proxy.close();
  });

  test('diagnostics arrive for the fixture settings.json: env-divergence from go-proxy on the GOPROXY line', () => {
    assert.ok(result.got_diagnostic, `no env-divergence diagnostic; got ${JSON.stringify(result.diagnostics)}`);
    const d = result.diagnostics.find((x) => x.code === 'env-divergence');
    assert.equal(d.source, 'go-proxy');
    assert.equal(d.severity, 2, 'a warning');
    assert.equal(d.lnum, 3, 'on line 4, the GOPROXY entry of go.toolsEnvVars');
    assert.match(d.message, /GOPROXY/);
  });

  test('a code action request on env-divergence returns the fixes; applying one changes the buffer', () => {
    const port = fixture.proxy.port;
    assert.equal(result.code_action_provider, true, 'the server advertises codeActionProvider');
    assert.deepEqual(
      result.actions.map((a) => [a.kind, a.title, a.has_edit]),
      [
        ['quickfix', removeFix, true],
        ['quickfix', `Set go.toolsEnvVars.GOPROXY in .vscode/settings.json to "http://127.0.0.1:${port}/team-mirror,off"`, true],
        ['quickfix', `Set GOPROXY in the GOENV file (go env -w) to "http://127.0.0.1:${port}/editor-mirror,off" — in your go env -w file (applies to every project)`, true],
      ],
    );
    assert.equal(result.applied.title, removeFix);
    const [settings] = result.applied.documents;
    assert.deepEqual(result.applied.documents.map((d) => d.file), [join(fixture.workspace, '.vscode', 'settings.json')]);
    // The entry is gone; the comment and the rest of the file stay.
    assert.equal(settings.before, readFileSync(join(fixture.workspace, '.vscode', 'settings.json'), 'utf8').replace(/\n$/, ''));
    assert.equal(
      settings.after,
      ['{', "  // gopls and the tools vscode-go runs read this mirror; `go` in the terminal reads the GOENV file's.", '  "go.toolsEnvVars": {', '  }', '}'].join('\n'),
    );
  });

  test('the client that opts in gets goproxy-doctor/status pushed: the divergence, then the fix applied in the buffer', () => {
    const port = fixture.proxy.port;
    const [first] = result.statuses;
    assert.ok(first, 'no goproxy-doctor/status');
    assert.equal(first.goproxy, `http://127.0.0.1:${port}/editor-mirror,off`);
    assert.equal(first.source, 'vscode-workspace');
    assert.ok(first.divergent.includes('GOPROXY'), JSON.stringify(first));
    assert.ok(result.statuses_after_edit, `no status without divergence after the fix: ${JSON.stringify(result.statuses)}`);
    const last = result.statuses.at(-1);
    assert.equal(last.goproxy, `http://127.0.0.1:${port}/team-mirror,off`);
  });

  test('completion inside go.toolsEnvVars offers the GO variables, with their docs', () => {
    assert.equal(result.completion_provider, true, 'the server advertises completionProvider');
    assert.equal(result.completion_error, undefined, `completion failed: ${result.completion_error}`);
    const labels = result.completion.map((c) => c.label);
    // Narrowed to what `"GOP` typed (letters in order), and said to be incomplete so the client asks again.
    for (const name of ['GOPROXY', 'GOPRIVATE', 'GONOPROXY', 'GOPATH']) {
      assert.ok(labels.includes(name), `no ${name} among ${JSON.stringify(labels)}`);
    }
    assert.ok(!labels.includes('GOFLAGS'), `GOFLAGS does not match "GOP": ${JSON.stringify(labels)}`);
    assert.equal(result.completion_incomplete, true);
    const goproxy = result.completion.find((c) => c.label === 'GOPROXY');
    assert.equal(goproxy.kind, 6, 'a Variable item');
    assert.match(goproxy.documentation ?? '', /Go module proxies/);
    // The key is followed by its colon: the name replaces the text between the quotes.
    const { line, character } = result.completion_position;
    assert.equal(goproxy.new_text, 'GOPROXY');
    assert.deepEqual(goproxy.range, { start: { line, character: character - 3 }, end: { line, character: character + 4 } });
  });

  test('go.mod carries the code lenses: "Verify 1 module" runs Verify through the server, then the outcome lens', () => {
    assert.equal(result.code_lens_provider, true, 'the server advertises codeLensProvider');
    const folder = pathToFileURL(fixture.workspace).href;
    assert.deepEqual(
      result.lenses_before.map((l) => [l.title, l.command, l.line]),
      [['Verify 1 module', 'goproxy-doctor.verify', 0]],
    );
    assert.deepEqual(result.lenses_before[0].arguments, [{ folder }]);
    assert.equal(result.lens_run_error, undefined, 'the lens command failed');
    assert.match(result.lens_run_text ?? '', /\b(\d+)\/\1 modules ok; proxies: 2 ok\b/);
    assert.deepEqual(
      result.lenses_after.map((l) => [l.title, l.command]),
      [['Verify 1 module', 'goproxy-doctor.verify'], ['1 ok · 0 failing', 'goproxy-doctor.verifyResult']],
    );
  });

  test('the environment command carries the report the server renders, the one VS Code shows', () => {
    assert.equal(result.environment_error, undefined, 'goproxy-doctor.environment failed');
    const md = result.environment_markdown ?? '';
    assert.match(md, /^# Go Proxy Doctor: effective Go environment\n/);
    assert.match(md, /\*\*≠ Differs between consumers: GOPROXY/);
    assert.match(md, /\| ≠ GOPROXY +\| terminal +\|/);
  });

  test('hover on the GOPROXY key shows, in Markdown, the value per consumer, what wins and what it shadows, and the parsed list', () => {
    const port = fixture.proxy.port;
    assert.equal(result.hover_error, undefined, 'textDocument/hover failed');
    assert.equal(result.hover_provider, true, 'the server advertises hoverProvider');
    assert.ok(result.hover, 'hover answered null');
    assert.equal(result.hover.kind, 'markdown');
    const md = result.hover.value;
    assert.match(md, /^\*\*GOPROXY\*\* set by `go\.toolsEnvVars\.GOPROXY` in \[\.vscode\/settings\.json:4\]\(file:\/\/[^)]+#L4\)/);
    assert.ok(md.includes(`- **gopls, tools, install**: \`http://127.0.0.1:${port}/editor-mirror,off\` from \`go.toolsEnvVars.GOPROXY\``), md);
    assert.ok(md.includes('this entry wins; shadows'), md);
    assert.ok(md.includes(`- **terminal**: \`http://127.0.0.1:${port}/team-mirror,off\` from the GOENV file`), md);
    assert.ok(md.includes('(not reached by this entry)'), md);
    assert.ok(md.includes(`1. \`http://127.0.0.1:${port}/editor-mirror\` \`,\`: on 404 or 410 only, the next entry is tried; any other error is final`), md);
    assert.ok(md.includes('2. `off`: module lookup is disabled here'), md);
    assert.deepEqual(result.hover.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 13 } }, 'the range of the key');
  });
});
