// The drift test: package.json must say what shared/contract.json says (make test-ts also runs the
// generator's --check). These tests also prove the check notices each kind of drift.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
// @ts-expect-error: a plain ES module script without type declarations.
import { applyContract, manifestDrift } from '../../scripts/contract-manifest.mjs';
import contract from '../../../shared/contract.json';
import { clientId, Commands, diagnosticSource, extensionId, Notifications, ServerCommands, ServerNotifications, settingDefault, Settings, WorkspaceGlobs } from '../../src/contract';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const clone = () => JSON.parse(JSON.stringify(pkg));

describe('package.json and shared/contract.json', () => {
  test('are in step', () => {
    assert.deepEqual(manifestDrift(pkg, contract), []);
  });

  test('every palette command has the Go Proxy category and none is a server command', () => {
    const ids = pkg.contributes.commands.map((c: { command: string }) => c.command);
    assert.deepEqual(ids.sort(), contract.paletteCommands.map((c) => c.id).sort());
    for (const c of pkg.contributes.commands) assert.equal(c.category, 'Go Proxy');
    for (const s of contract.serverCommands) assert.ok(!ids.includes(s.id));
  });

  test('the drift check notices a missing command, a renamed title, a changed default and an extra setting', () => {
    const p = clone();
    p.contributes.commands = p.contributes.commands.filter((c: { command: string }) => c.command !== 'goProxy.verify');
    p.contributes.commands[0].title = 'Show Env';
    p.contributes.configuration.properties['goProxy.verify.concurrency'].default = 4;
    p.contributes.configuration.properties['goProxy.extra'] = { type: 'string' };
    const problems = manifestDrift(p, contract);
    assert.equal(problems.length, 4, problems.join('\n'));
    assert.match(problems.join('\n'), /command goProxy\.verify is missing/);
    assert.match(problems.join('\n'), /command goProxy\.showEnvironment: package\.json has "Go Proxy: Show Env"/);
    assert.match(problems.join('\n'), /setting goProxy\.verify\.concurrency: /);
    assert.match(problems.join('\n'), /setting goProxy\.extra is contributed but not in the contract/);
  });

  test('the views come from the contract, and the drift check notices a renamed one', () => {
    assert.deepEqual(pkg.contributes.views, { explorer: [{ id: 'goProxy.tree', name: 'Go Proxy' }] });
    const p = clone();
    p.contributes.views.explorer[0].name = 'Proxy';
    assert.match(manifestDrift(p, contract).join('\n'), /contributes\.views: /);
    assert.deepEqual(manifestDrift(applyContract(p, contract), contract), []);
  });

  test('the drift check refuses a contributed server command', () => {
    const p = clone();
    p.contributes.commands.push({ command: 'goproxy-doctor.verify', title: 'Verify', category: 'Go Proxy' });
    assert.match(manifestDrift(p, contract).join('\n'), /server command goproxy-doctor\.verify must not be contributed/);
  });

  test('the generator repairs drift and keeps every other field', () => {
    const p = clone();
    p.publisher = 'someone';
    p.contributes.configuration.properties = {};
    const fixed = applyContract(p, contract);
    assert.deepEqual(manifestDrift(fixed, contract), []);
    assert.deepEqual(fixed.capabilities, pkg.capabilities);
    assert.equal(fixed.version, pkg.version);
  });
});

describe('the ids the extension uses', () => {
  test('come from the contract', () => {
    assert.deepEqual(Object.values(Commands).sort(), contract.paletteCommands.map((c) => c.id).sort());
    assert.deepEqual(Object.values(ServerCommands).sort(), contract.serverCommands.map((c) => c.id).sort());
    assert.deepEqual(Object.values(Settings).sort(), contract.settings.map((s) => s.name).sort());
    assert.equal(Notifications.clientState, contract.clientNotifications[0].method);
    assert.deepEqual(Object.values(ServerNotifications), contract.serverNotifications.map((n) => n.method));
    // The status bar opts in to goproxy-doctor/status through the initializationOptions field the contract declares.
    assert.ok('statusNotifications' in contract.initializationOptions);
    assert.equal(diagnosticSource, 'go-proxy');
    assert.equal(extensionId, `${pkg.publisher}.${pkg.name}`);
  });

  test('setting defaults come from the contract too', () => {
    for (const s of contract.settings) assert.deepEqual(settingDefault(s.name), pkg.contributes.configuration.properties[s.name].default);
    assert.throws(() => settingDefault('goProxy.nope'), /no setting goProxy\.nope/);
  });

  test('the client id prefixes the trace setting, which vscode-languageclient reads as <id>.trace.server', () => {
    assert.equal(`${clientId}.trace.server`, Settings.traceServer);
  });

  test('the manifest restricts the server path in untrusted workspaces and runs on the workspace side', () => {
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.ok(pkg.capabilities.untrustedWorkspaces.description.length > 20);
    assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, [Settings.serverPath]);
    assert.deepEqual(pkg.extensionKind, ['workspace']);
    assert.equal(pkg.main, './dist/extension.js');
  });
});

describe('workspace globs', () => {
  test('come from the contract and cover Dockerfiles, compose, dev containers and CI files', () => {
    assert.deepEqual(WorkspaceGlobs.inputs, contract.workspaceGlobs.inputs);
    assert.deepEqual(WorkspaceGlobs.buildFiles, contract.workspaceGlobs.buildFiles);
    for (const g of ['**/Dockerfile', '**/compose.yaml', '**/.devcontainer/devcontainer.json', '**/.github/workflows/*.yml', '**/.gitlab-ci.yml']) {
      assert.ok(WorkspaceGlobs.buildFiles.includes(g), g);
    }
    assert.ok(WorkspaceGlobs.inputs.includes('**/go.mod'));
  });
});
