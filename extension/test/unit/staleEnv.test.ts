import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import contract from '../../../shared/contract.json';
import { ClientCommands, staleEditorCode } from '../../src/contract';
import { reloadWindowLink, staleEditorTooltip } from '../../src/staleEnv';

const msg = 'GOPROXY for gopls is still "https://old.example.com,direct", pinned by vscode-go';

describe('stale editor environment in the status bar', () => {
  test('the reload command and the code are the contract\'s', () => {
    assert.equal(ClientCommands.reloadWindow, 'goProxy.reloadWindow');
    assert.deepEqual(contract.clientCommands.map((c) => c.id), [ClientCommands.reloadWindow]);
    assert.equal(staleEditorCode, 'editor-env-stale');
    assert.equal(reloadWindowLink, '[Reload Window](command:goProxy.reloadWindow)');
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
