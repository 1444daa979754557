import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { goplsRestartOffer, RestartOfferDeps } from '../../src/goplsRestartOffer';

function deps(overrides: Partial<RestartOfferDeps> = {}) {
  const calls: string[] = [];
  const d: RestartOfferDeps = {
    vscodeGoInstalled: () => true,
    restartCommandExists: async () => true,
    ask: async () => {
      calls.push('ask');
      return true;
    },
    restart: async () => {
      calls.push('restart');
    },
    log: (m) => calls.push(`log ${m}`),
    ...overrides,
  };
  return { d, calls };
}

const only = (...sections: string[]) => (s: string) => sections.includes(s);

describe('offer to restart gopls', () => {
  test('a change to go.toolsEnvVars or gopls offers it, and accepting runs go.languageserver.restart', async () => {
    const { d, calls } = deps();
    const offer = goplsRestartOffer(d);
    assert.equal(await offer(only('go.toolsEnvVars')), 'restarted');
    assert.equal(await offer(only('gopls')), 'restarted');
    assert.deepEqual(calls, ['ask', 'restart', 'ask', 'restart']);
  });

  test('other settings are none of its business', async () => {
    const { d, calls } = deps();
    assert.equal(await goplsRestartOffer(d)(only('go.testEnvVars', 'editor.fontSize')), 'unrelated');
    assert.deepEqual(calls, []);
  });

  test('without vscode-go (or its restart command) nothing is shown and nothing fails', async () => {
    const a = deps({ vscodeGoInstalled: () => false });
    assert.equal(await goplsRestartOffer(a.d)(only('gopls')), 'no-vscode-go');
    const b = deps({ restartCommandExists: async () => false });
    assert.equal(await goplsRestartOffer(b.d)(only('gopls')), 'no-vscode-go');
    assert.deepEqual([...a.calls, ...b.calls], []);
  });

  test('declining does not restart', async () => {
    const { d, calls } = deps({ ask: async () => false });
    assert.equal(await goplsRestartOffer(d)(only('go.toolsEnvVars')), 'declined');
    assert.deepEqual(calls, []);
  });

  test('a failing restart command is logged, not thrown', async () => {
    const { d, calls } = deps({
      restart: async () => {
        throw new Error('command not ready');
      },
    });
    assert.equal(await goplsRestartOffer(d)(only('gopls')), 'failed');
    assert.deepEqual(calls, ['ask', 'log Restarting gopls through go.languageserver.restart failed: command not ready']);
  });

  test('one offer at a time: changes while it is open do not stack prompts', async () => {
    let answer: (v: boolean) => void = () => undefined;
    const { d } = deps({ ask: () => new Promise<boolean>((r) => (answer = r)) });
    const offer = goplsRestartOffer(d);
    const first = offer(only('gopls'));
    assert.equal(await offer(only('go.toolsEnvVars')), 'busy');
    answer(false);
    assert.equal(await first, 'declined');
  });
});
