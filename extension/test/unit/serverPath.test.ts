import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Candidate, fallbackWarning, findServer, LookupDeps, notFoundMessage, parseVersionOutput, serverCandidates } from '../../src/serverPath';

const linux = { extensionPath: '/ext', platform: 'linux' as const, arch: 'x64', homeDir: '/home/u' };

/** A fake file system and process table: which paths exist and what `version` prints for each. */
function deps(files: Record<string, string | Error>): LookupDeps & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    exists: async (f) => f in files,
    runVersion: async (f) => {
      ran.push(f);
      const out = files[f];
      if (out instanceof Error) throw out;
      return out;
    },
  };
}

describe('serverCandidates', () => {
  test('setting, then the bundled bin/<platform>-<arch>, then each PATH folder, in order', () => {
    const got = serverCandidates({ ...linux, configuredPath: '/opt/gpd', envPath: '/usr/local/bin:/usr/bin' });
    assert.deepEqual(got, [
      { path: '/opt/gpd', origin: 'setting' },
      { path: '/ext/bin/linux-x64/goproxy-doctor', origin: 'bundled' },
      { path: '/usr/local/bin/goproxy-doctor', origin: 'PATH' },
      { path: '/usr/bin/goproxy-doctor', origin: 'PATH' },
    ]);
  });

  test('an empty setting is skipped and ~ expands to the home folder', () => {
    assert.equal(serverCandidates({ ...linux, configuredPath: '  ', envPath: '' })[0].origin, 'bundled');
    assert.equal(serverCandidates({ ...linux, configuredPath: '~/bin/gpd' })[0].path, '/home/u/bin/gpd');
  });

  test('Windows: .exe, ; separated PATH, win32-x64 folder', () => {
    const got = serverCandidates({ extensionPath: 'C:\\ext', platform: 'win32', arch: 'x64', envPath: 'C:\\go\\bin;;C:\\tools' });
    assert.deepEqual(
      got.map((c) => c.path),
      ['C:\\ext\\bin\\win32-x64\\goproxy-doctor.exe', 'C:\\go\\bin\\goproxy-doctor.exe', 'C:\\tools\\goproxy-doctor.exe'],
    );
  });

  test('a PATH folder listed twice or equal to the setting is tried once', () => {
    const got = serverCandidates({ ...linux, configuredPath: '/usr/bin/goproxy-doctor', envPath: '/usr/bin:/usr/bin' });
    assert.deepEqual(got.map((c) => c.origin), ['setting', 'bundled']);
  });
});

describe('parseVersionOutput', () => {
  test('reads `goproxy-doctor <version>`', () => {
    assert.equal(parseVersionOutput('goproxy-doctor 0.1.0\n'), '0.1.0');
    assert.equal(parseVersionOutput('goproxy-doctor v0.2.0-dev+abc\r\n'), 'v0.2.0-dev+abc');
  });
  test('rejects other programs', () => {
    assert.equal(parseVersionOutput('go version go1.26.8 linux/amd64\n'), undefined);
    assert.equal(parseVersionOutput(''), undefined);
  });
});

describe('findServer', () => {
  const candidates: Candidate[] = serverCandidates({ ...linux, configuredPath: '/opt/gpd', envPath: '/a:/b' });

  test('the first candidate that exists and answers `version` wins, later ones are not run', async () => {
    const d = deps({ '/opt/gpd': 'goproxy-doctor 9.9.9\n', '/ext/bin/linux-x64/goproxy-doctor': 'goproxy-doctor 0.1.0\n' });
    const got = await findServer(candidates, d);
    assert.deepEqual(got, { ok: true, path: '/opt/gpd', origin: 'setting', version: '9.9.9', rejected: [] });
    assert.deepEqual(d.ran, ['/opt/gpd']);
  });

  test('a broken configured binary falls through to the bundled one, with a warning', async () => {
    const d = deps({ '/opt/gpd': 'something else\n', '/ext/bin/linux-x64/goproxy-doctor': 'goproxy-doctor 0.1.0\n' });
    const got = await findServer(candidates, d);
    assert.equal(got.ok && got.path, '/ext/bin/linux-x64/goproxy-doctor');
    assert.match(fallbackWarning(got) ?? '', /goProxy\.server\.path \/opt\/gpd `version` printed "something else".*using the bundled binary/);
  });

  test('PATH is the last resort; a PATH entry whose `version` fails is passed over', async () => {
    const d = deps({ '/a/goproxy-doctor': new Error('exit status 2'), '/b/goproxy-doctor': 'goproxy-doctor 0.1.0' });
    const got = await findServer(candidates, d);
    assert.equal(got.ok && got.path, '/b/goproxy-doctor');
    assert.equal(got.ok && got.origin, 'PATH');
    assert.deepEqual(d.ran, ['/a/goproxy-doctor', '/b/goproxy-doctor']);
    assert.equal(fallbackWarning(got), 'goProxy.server.path /opt/gpd does not exist; using the PATH /b/goproxy-doctor instead.');
  });

  test('nothing works: every attempt is reported with the fix', async () => {
    const got = await findServer(candidates, deps({}));
    assert.equal(got.ok, false);
    assert.deepEqual(
      got.rejected.map((a) => `${a.candidate.origin} ${a.candidate.path}: ${a.problem}`),
      ['setting /opt/gpd: does not exist', 'bundled /ext/bin/linux-x64/goproxy-doctor: does not exist', 'PATH goproxy-doctor: not found'],
    );
    const message = notFoundMessage(got.rejected, 'linux', 'x64');
    assert.match(message, /tried goProxy\.server\.path \/opt\/gpd: does not exist; bundled binary \/ext\/bin\/linux-x64\/goproxy-doctor: does not exist; PATH goproxy-doctor: not found/);
    assert.match(message, /Install the \.vsix built for linux-x64/);
    assert.match(message, /set goProxy\.server\.path/);
    assert.match(message, /Go Proxy: Restart Server/);
  });
});
