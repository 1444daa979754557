// Neovim 0.7 (Debian's package) headless with its built-in LSP client against the binary packaged in the
// linux-x64 .vsix: a second, independent client of the same server. Result: test-results/e2e/neovim/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { outputDir, prepareRun, repoRoot, requireEnv, startGroup } from './lib/harness.mjs';

const out = outputDir('neovim');

describe('Neovim with goproxy-doctor serve', { timeout: 120_000 }, () => {
  let fixture;
  let result;

  before(async () => {
    fixture = await prepareRun('neovim');
    const resultFile = join(out, 'result.json');
    const nvim = startGroup('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${join(repoRoot, 'test', 'e2e', 'neovim', 'lsp.lua')}`], {
      env: { ...fixture.env, E2E_SERVER_BIN: requireEnv('E2E_SERVER_BIN'), E2E_WORKSPACE: fixture.workspace, E2E_RESULT: resultFile },
      cwd: fixture.workspace,
      logFile: join(out, 'nvim.log'),
    });
    const exit = await Promise.race([
      nvim.exited,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`nvim did not exit within 90 s:\n${nvim.log()}`)), 90_000)),
    ]).finally(() => nvim.stop());
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

  test('code action on env-divergence: the server offers no fix yet (extend: assert the fix and the changed buffer)', () => {
    assert.deepEqual(result.actions, [], `actions: ${JSON.stringify(result.actions)}`);
    assert.equal(result.applied, false);
    assert.equal(result.after, result.before, 'the buffer is unchanged');
  });
});
