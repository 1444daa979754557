import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clientLensCommand, lensFolder } from '../../src/lenses';
import { FolderStatus } from '../../src/render';
import { buildTree, divergentCount, folderNode, verifyCountsText, verifyState } from '../../src/treeModel';

const settings = { source: 'vscode-workspace', file: '/w/app/.vscode/settings.json', line: 3, key: 'go.toolsEnvVars.GOPROXY' };
const goenv = { source: 'goenv-file', file: '/home/u/.config/go/env', line: 1, key: 'GOPROXY' };
const unset = { value: '', source: 'default' };

// goproxy-doctor/status as the server sends it, with every consumer's variables (the tree's part of it).
const status: FolderStatus = {
  uri: 'file:///w/app',
  folder: '/w/app',
  goproxy: { value: 'http://127.0.0.1:3000,off', ...settings },
  consumers: [
    {
      name: 'terminal',
      value: { value: 'https://team.example.com|direct', ...goenv },
      vars: {
        GOPROXY: { value: 'https://team.example.com|direct', ...goenv },
        GONOSUMDB: { value: 'example.com', source: 'goenv-file', file: '/home/u/.config/go/env', line: 2, key: 'GONOSUMDB' },
        HTTPS_PROXY: { value: 'http://u:xxxxx@fwd.example.com:3128', source: 'process-env' },
        GOFLAGS: unset,
      },
    },
    {
      name: 'gopls',
      value: { value: 'http://127.0.0.1:3000,off', ...settings },
      vars: { GOPROXY: { value: 'http://127.0.0.1:3000,off', ...settings }, GONOSUMDB: unset, HTTPS_PROXY: { value: 'http://u:xxxxx@fwd.example.com:3128', source: 'process-env' }, GOFLAGS: unset },
    },
  ],
  divergent: [
    { name: 'GONOSUMDB', values: [{ value: 'example.com', source: 'goenv-file', consumers: ['terminal'] }, { value: '', source: 'default', consumers: ['gopls'] }] },
    {
      name: 'GOPROXY',
      values: [
        { value: 'https://team.example.com|direct', source: 'goenv-file', consumers: ['terminal'] },
        { value: 'http://127.0.0.1:3000,off', source: 'vscode-workspace', consumers: ['gopls'] },
      ],
    },
  ],
  staleEditor: [],
  errors: 0,
  verify: null,
};

describe('the Go Proxy tree', () => {
  test('lists folders, then consumers, then the variables that are set or divergent, in the usual order', () => {
    const [folder] = buildTree([{ status, name: 'app' }]);
    assert.equal(folder.label, 'app');
    assert.equal(folder.kind, 'folder');
    assert.deepEqual(folder.children.map((c) => c.label), ['terminal', 'gopls']);
    const [terminal, gopls] = folder.children;
    assert.deepEqual(terminal.children.map((v) => v.label), ['GOPROXY', 'GONOSUMDB', 'HTTPS_PROXY']);
    // gopls' GONOSUMDB is unset but divergent: listed, as (empty); GOFLAGS is unset everywhere: not listed.
    assert.deepEqual(gopls.children.map((v) => v.label), ['GOPROXY', 'GONOSUMDB', 'HTTPS_PROXY']);
    assert.equal(gopls.children[1].description, '≠ (empty) · default');
    assert.equal(gopls.children[1].open, undefined);
  });

  test('marks divergent variables with ≠ and opens the winning line of each value', () => {
    const [folder] = buildTree([{ status }]);
    const terminal = folder.children[0];
    const goproxy = terminal.children[0];
    assert.equal(goproxy.description, '≠ https://team.example.com|direct · goenv-file');
    assert.equal(goproxy.icon, 'warning');
    assert.deepEqual(goproxy.open, { file: '/home/u/.config/go/env', line: 1 });
    assert.match(goproxy.tooltip, /The consumers disagree on GOPROXY/);
    assert.match(goproxy.tooltip, /`http:\/\/127\.0\.0\.1:3000,off` \(vscode-workspace\): gopls/);
    const proxy = terminal.children[2];
    assert.equal(proxy.description, 'http://u:xxxxx@fwd.example.com:3128 · process-env');
    assert.equal(proxy.icon, 'symbol-variable');
    assert.equal(proxy.open, undefined);
    assert.equal(terminal.description, 'GOPROXY team.example.com · ≠ 2');
    assert.equal(folder.description, 'GOPROXY 127.0.0.1:3000 · ≠ 2 · not verified');
    assert.equal(folder.label, 'app', 'the folder path’s last element without a workspace name');
    assert.equal(divergentCount([status, { ...status, divergent: [] }]), 2);
  });

  test('ids are stable per folder, consumer and variable', () => {
    const a = buildTree([{ status }]);
    const b = buildTree([{ status: { ...status, verify: { modules: 1, ok: 1, failing: 0, skipped: 0, consumers: {} } } }]);
    assert.deepEqual(a[0].children[0].children.map((v) => v.id), b[0].children[0].children.map((v) => v.id));
    assert.equal(a[0].children[1].children[0].id, 'file:///w/app/gopls/GOPROXY');
  });

  test('shows the Verify state of the folder and of each consumer', () => {
    const verified: FolderStatus = {
      ...status,
      verify: { modules: 3, ok: 1, failing: 2, skipped: 0, consumers: { terminal: { ok: 3, failing: 0, skipped: 0 }, gopls: { ok: 1, failing: 2, skipped: 0 } } },
    };
    const folder = folderNode(verified, 'app');
    assert.equal(folder.icon, 'error');
    assert.equal(folder.iconColor, 'testing.iconFailed');
    assert.match(folder.description, /1 ok · 2 failing$/);
    const [terminal, gopls] = folder.children;
    assert.equal(terminal.icon, 'pass');
    assert.match(terminal.description, /3 ok · 0 failing$/);
    assert.equal(gopls.icon, 'error');
    assert.equal(folderNode(status).icon, 'root-folder');
    assert.equal(verifyState({ ok: 0, failing: 0, skipped: 2 }, '').icon, 'circle-slash');
    assert.equal(verifyCountsText({ ok: 2, failing: 0, skipped: 1 }), '2 ok · 0 failing · 1 skipped');
  });

  test('a server without per-consumer variables still lists each consumer’s GOPROXY', () => {
    const old: FolderStatus = { ...status, consumers: status.consumers.map(({ name, value }) => ({ name, value })), verify: undefined };
    const [folder] = buildTree([{ status: old }]);
    assert.deepEqual(folder.children[0].children.map((v) => v.label), ['GOPROXY']);
  });
});

describe('the go.mod lenses in VS Code', () => {
  test('run the palette commands for the lens’s folder', () => {
    assert.deepEqual(clientLensCommand('goproxy-doctor.verify', [{ folder: 'file:///w/app' }]), { command: 'goProxy.verify', arguments: ['file:///w/app'] });
    assert.deepEqual(clientLensCommand('goproxy-doctor.verifyResult', [{ folder: 'file:///w/app' }]), { command: 'goProxy.showVerifyResult', arguments: ['file:///w/app'] });
    assert.deepEqual(clientLensCommand('goproxy-doctor.verify', []), { command: 'goProxy.verify', arguments: [] });
    assert.equal(clientLensCommand('goproxy-doctor.environment', [{}]), undefined);
    assert.equal(lensFolder([{ folder: 3 }]), undefined);
  });
});
