import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import contract from '../../../shared/contract.json';
import { ClientCommands, staleEditorCode } from '../../src/contract';
import { reloadWindowLink, staleEditorMessages, staleEditorTooltip } from '../../src/staleEnv';

const stale = (message: string, code: unknown = 'editor-env-stale') => ({ source: 'go-proxy', code, message }) as never;
const msg = 'GOPROXY for gopls is still "https://old.example.com,direct", pinned by vscode-go';

describe('stale editor environment in the status bar', () => {
  test('the reload command and the code are the contract\'s', () => {
    assert.equal(ClientCommands.reloadWindow, 'goProxy.reloadWindow');
    assert.deepEqual(contract.clientCommands.map((c) => c.id), [ClientCommands.reloadWindow]);
    assert.equal(staleEditorCode, 'editor-env-stale');
    assert.equal(reloadWindowLink, '[Reload Window](command:goProxy.reloadWindow)');
  });

  test('the active folder\'s own files and shared files (the GOENV file) count; another folder\'s do not', () => {
    const all = [
      ['file:///home/u/.config/go/env', [stale(msg)]],
      ['file:///w/a/go.mod', [stale('from a')]],
      ['file:///w/b/go.mod', [stale('from b')]],
      ['file:///w/ab/go.mod', [stale('from ab')]],
    ] as const;
    assert.deepEqual(staleEditorMessages(all, 'file:///w/a', ['file:///w/a', 'file:///w/b', 'file:///w/ab']), [msg, 'from a']);
    assert.deepEqual(staleEditorMessages(all, 'file:///w/b', ['file:///w/a', 'file:///w/b', 'file:///w/ab']), [msg, 'from b']);
  });

  test('only go-proxy editor-env-stale diagnostics, in either code shape, each message once', () => {
    const all = [
      ['file:///w/a/.vscode/settings.json', [
        stale('divergence', 'env-divergence'),
        { source: 'gopls', code: 'editor-env-stale', message: 'not ours' },
        stale(msg, { value: 'editor-env-stale', target: 'https://example.invalid' }),
      ]],
      ['file:///home/u/.config/go/env', [stale(msg)]],
    ] as never;
    assert.deepEqual(staleEditorMessages(all, 'file:///w/a', ['file:///w/a']), [msg]);
  });

  test('the tooltip names the problem and links Reload Window; nothing stale, no section', () => {
    assert.equal(staleEditorTooltip([]), '');
    const t = staleEditorTooltip([msg]);
    assert.match(t, /The editor's environment is stale/);
    assert.ok(t.includes(reloadWindowLink), t);
    assert.ok(t.includes('https://old\\.example\\.com,direct'), t);
    assert.doesNotMatch(t.replace(reloadWindowLink, ''), /\]\(command:/);
  });

  test('a message cannot smuggle its own command link into the trusted tooltip', () => {
    const t = staleEditorTooltip(['see [here](command:workbench.action.terminal.sendSequence)']);
    assert.equal(t.split('](command:').length - 1, 1, t);
  });
});
