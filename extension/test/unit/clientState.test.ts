import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildClientState, captureEnv, describeClientState, osFlavour, sameEnv, userSettingsPath } from '../../src/clientState';
import { schemeFromServer, schemeToServer } from '../../src/uris';

describe('captureEnv', () => {
  test('copies the string values and is detached from the source', () => {
    const source: NodeJS.ProcessEnv = { GOPROXY: 'https://proxy.example.com', EMPTY: '', GONE: undefined };
    const copy = captureEnv(source);
    assert.deepEqual(copy, { GOPROXY: 'https://proxy.example.com', EMPTY: '' });
    // vscode-go writes into process.env after activation: the capture must not follow.
    source.GOPROXY = 'pinned-later';
    source.GOPATH = '/later';
    assert.deepEqual(copy, { GOPROXY: 'https://proxy.example.com', EMPTY: '' });
  });

  test('a capture of the real process.env is a plain object of strings', () => {
    const copy = captureEnv(process.env);
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.ok(Object.values(copy).every((v) => typeof v === 'string'));
    assert.equal(copy.PATH, process.env.PATH);
  });

  test('sameEnv compares keys and values', () => {
    assert.ok(sameEnv({ A: '1', B: '' }, { B: '', A: '1' }));
    assert.ok(!sameEnv({ A: '1' }, { A: '2' }));
    assert.ok(!sameEnv({ A: '1' }, { A: '1', B: '' }));
    assert.ok(!sameEnv({ A: '1', C: '' }, { A: '1', B: '' }));
  });
});

describe('osFlavour', () => {
  test('maps Node platforms to terminal.integrated.env.<os> names', () => {
    assert.equal(osFlavour('linux'), 'linux');
    assert.equal(osFlavour('darwin'), 'osx');
    assert.equal(osFlavour('win32'), 'windows');
    assert.equal(osFlavour('freebsd'), 'linux');
  });
});

describe('userSettingsPath', () => {
  test('default profile: <User>/globalStorage/<id> -> <User>/settings.json', () => {
    assert.equal(
      userSettingsPath('/home/u/.config/Code/User/globalStorage/go-proxy-doctor.go-proxy-doctor', 'linux'),
      '/home/u/.config/Code/User/settings.json',
    );
  });
  test('another profile: <User>/profiles/<p>/globalStorage/<id> -> <User>/profiles/<p>/settings.json', () => {
    assert.equal(
      userSettingsPath('/Users/u/Library/Application Support/Code/User/profiles/-5a1b/globalStorage/go-proxy-doctor.go-proxy-doctor', 'osx'),
      '/Users/u/Library/Application Support/Code/User/profiles/-5a1b/settings.json',
    );
  });
  test('Windows paths', () => {
    assert.equal(
      userSettingsPath('C:\\Users\\u\\AppData\\Roaming\\Code\\User\\globalStorage\\go-proxy-doctor.go-proxy-doctor', 'windows'),
      'C:\\Users\\u\\AppData\\Roaming\\Code\\User\\settings.json',
    );
  });
});

describe('buildClientState', () => {
  const base = {
    capture: { processEnv: { GOPROXY: 'off' }, vscodeGoActive: true },
    globalStorageFsPath: '/udd/User/globalStorage/go-proxy-doctor.go-proxy-doctor',
    platform: 'linux' as const,
    trusted: false,
  };

  test('the contract shape, with optional fields omitted when unknown', () => {
    assert.deepEqual(buildClientState(base), {
      processEnv: { GOPROXY: 'off' },
      vscodeGoActive: true,
      userSettingsPath: '/udd/User/settings.json',
      osFlavour: 'linux',
      trusted: false,
      supportsReloadWindow: true,
      statusNotifications: true,
    });
  });

  test('a saved .code-workspace and a remote name are passed on; an untitled workspace is not', () => {
    const saved = buildClientState({ ...base, workspaceFile: { scheme: 'file', fsPath: '/w/app.code-workspace' }, remoteName: 'wsl' });
    assert.equal(saved.workspaceFile, '/w/app.code-workspace');
    assert.equal(saved.remoteName, 'wsl');
    const untitled = buildClientState({ ...base, workspaceFile: { scheme: 'untitled', fsPath: '/Untitled-1' } });
    assert.equal('workspaceFile' in untitled, false);
  });
});

describe('describeClientState', () => {
  test('summarises the state without printing any environment value', () => {
    const line = describeClientState({
      processEnv: { GOPROXY: 'https://user:secret@proxy.example.com', HOME: '/h' },
      vscodeGoActive: false,
      userSettingsPath: '/udd/User/settings.json',
      osFlavour: 'linux',
      trusted: false,
      remoteName: 'ssh-remote',
      supportsReloadWindow: true,
      statusNotifications: true,
    });
    assert.equal(line, 'trusted=false vscodeGoActive=false osFlavour=linux userSettingsPath=/udd/User/settings.json processEnv=2 variables remoteName=ssh-remote');
    assert.doesNotMatch(line, /secret|proxy\.example/);
  });
});

describe('user settings URIs', () => {
  test('vscode-userdata goes to the server as file, and only the user settings file comes back as vscode-userdata', () => {
    assert.equal(schemeToServer({ scheme: 'vscode-userdata', path: '/udd/User/settings.json' }), 'file');
    assert.equal(schemeToServer({ scheme: 'file', path: '/w/.vscode/settings.json' }), 'file');
    assert.equal(schemeFromServer({ scheme: 'file', path: '/udd/User/settings.json' }, '/udd/User/settings.json', false), 'vscode-userdata');
    assert.equal(schemeFromServer({ scheme: 'file', path: '/w/.vscode/settings.json' }, '/udd/User/settings.json', false), 'file');
    assert.equal(schemeFromServer({ scheme: 'file', path: '/UDD/User/settings.json' }, '/udd/User/settings.json', false), 'file');
  });
  test('Windows drive paths compare without case', () => {
    assert.equal(
      schemeFromServer({ scheme: 'file', path: '/c:/Users/u/AppData/Roaming/Code/User/settings.json' }, 'C:\\Users\\u\\AppData\\Roaming\\Code\\User\\settings.json', true),
      'vscode-userdata',
    );
  });
});
