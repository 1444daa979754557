import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HealthResponse } from '../../src/health';
import { FolderStatus, FolderStatuses, formatMarkdownTable, goproxyHost, sortVariables, statusSummary, statusView } from '../../src/render';
import { reloadWindowLink } from '../../src/staleEnv';

// goproxy-doctor/status as the server sends it: gopls' GOPROXY from the workspace settings, the terminal's from
// the GOENV file.
const diverging: FolderStatus = {
  uri: 'file:///w/app',
  folder: '/w/app',
  goproxy: { value: 'http://127.0.0.1:3000,off', source: 'vscode-workspace', file: '/w/app/.vscode/settings.json', line: 3, key: 'go.toolsEnvVars.GOPROXY' },
  consumers: [
    { name: 'terminal', value: { value: 'https://team.example.com|direct', source: 'goenv-file', file: '/home/u/.config/go/env', line: 1, key: 'GOPROXY' } },
    { name: 'gopls', value: { value: 'http://127.0.0.1:3000,off', source: 'vscode-workspace', file: '/w/app/.vscode/settings.json', line: 3, key: 'go.toolsEnvVars.GOPROXY' } },
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
};

// The same folder after settings.json was edited to agree with the GOENV file.
const agreeing: FolderStatus = {
  ...diverging,
  goproxy: { value: 'https://team.example.com|direct', source: 'vscode-workspace', file: '/w/app/.vscode/settings.json', line: 3, key: 'go.toolsEnvVars.GOPROXY' },
  consumers: [
    diverging.consumers[0],
    { name: 'gopls', value: { value: 'https://team.example.com|direct', source: 'vscode-workspace', file: '/w/app/.vscode/settings.json', line: 3 } },
  ],
  divergent: [],
};

const lib: FolderStatus = {
  uri: 'file:///w/lib',
  folder: '/w/lib',
  goproxy: { value: '', source: 'goenv-file', file: '/e', line: 2 },
  consumers: [{ name: 'gopls', value: { value: '', source: 'goenv-file', file: '/e', line: 2 } }],
  divergent: [],
  staleEditor: [],
  errors: 0,
};

describe('formatMarkdownTable', () => {
  test('escapes | (GOPROXY uses it) and pads to a readable plain-text table', () => {
    assert.equal(
      formatMarkdownTable(['Var', 'Value'], [['GOPROXY', 'a|direct']]),
      ['| Var     | Value     |', '| ------- | --------- |', '| GOPROXY | a\\|direct |'].join('\n'),
    );
  });
});

describe('sortVariables', () => {
  test('GOPROXY first, SPEC order, unknown names last alphabetically', () => {
    assert.deepEqual(sortVariables(['ZED', 'HTTPS_PROXY', 'GOSUMDB', 'GOPROXY', 'ABC']), ['GOPROXY', 'GOSUMDB', 'HTTPS_PROXY', 'ABC', 'ZED']);
  });
});

describe('goproxyHost', () => {
  test('the first entry host, keywords as they are, credentials never shown', () => {
    assert.equal(goproxyHost('http://127.0.0.1:3000/mirror,off'), '127.0.0.1:3000');
    assert.equal(goproxyHost('https://user:xxxxx@corp.example.com/go|direct'), 'corp.example.com');
    assert.equal(goproxyHost('direct'), 'direct');
    assert.equal(goproxyHost('off'), 'off');
    assert.equal(goproxyHost(''), '(empty)');
    assert.equal(goproxyHost(undefined), '(empty)');
  });
});

describe('status bar', () => {
  test('gopls host with a warning and the per-consumer values while consumers diverge', () => {
    const s = statusSummary(diverging);
    assert.equal(s.text, '$(warning) GOPROXY 127.0.0.1:3000');
    assert.equal(s.warning, true);
    assert.match(s.tooltip, /gopls uses GOPROXY `http:\/\/127\.0\.0\.1:3000,off` \(vscode-workspace, \.vscode\/settings\.json:3 go\.toolsEnvVars\.GOPROXY\)/);
    assert.match(s.tooltip, /≠ Consumers disagree on: GOPROXY, GONOSUMDB\./);
    assert.match(s.tooltip, /\| terminal +\| https:\/\/team\.example\.com\\\|direct \| goenv-file +\|/);
    assert.match(s.tooltip, /Click to show the effective environment\./);
  });

  test('no warning when all agree', () => {
    const s = statusSummary(lib);
    assert.equal(s.text, '$(cloud) GOPROXY (empty)');
    assert.equal(s.warning, false);
    assert.match(s.tooltip, /All consumers agree\./);
  });
});

describe('status bar fed by goproxy-doctor/status', () => {
  test('each notification replaces its folder\'s status; the active folder\'s is shown, matched despite encoding and case', () => {
    const statuses = new FolderStatuses();
    assert.equal(statusView(statuses.get('file:///w/app'), undefined), undefined, 'nothing shown before the server spoke');
    statuses.update(diverging);
    statuses.update(lib);
    assert.equal(statusView(statuses.get('file:///w/app'), undefined)?.text, '$(warning) GOPROXY 127.0.0.1:3000');
    assert.equal(statusView(statuses.get('file:///W/LIB/'), undefined)?.text, '$(cloud) GOPROXY (empty)');
    assert.equal(statuses.get('file:///w/app%20x'), undefined);

    // A settings edit: the server pushes the folder's new status, and only that folder's view changes.
    statuses.update({ ...agreeing, uri: 'file:///w/%61pp' });
    const now = statusView(statuses.get('file:///w/app'), undefined);
    assert.equal(now?.text, '$(cloud) GOPROXY team.example.com');
    assert.equal(now?.warning, false);
    assert.match(now?.tooltip ?? '', /All consumers agree\./);
    assert.equal(statusView(statuses.get('file:///w/lib'), undefined)?.text, '$(cloud) GOPROXY (empty)');

    // The server stopped: nothing it said is shown any more.
    statuses.clear();
    assert.equal(statuses.get('file:///w/app'), undefined);
  });

  test('a stale editor environment comes first, with its Reload Window link, and warns', () => {
    const v = statusView({ ...agreeing, staleEditor: ['GOPROXY for gopls is still "https://old.example.com", pinned by vscode-go'] }, undefined);
    assert.equal(v?.text, '$(warning) GOPROXY team.example.com');
    assert.equal(v?.warning, true);
    assert.ok(v?.tooltip.startsWith("$(warning) **The editor's environment is stale.**"), v?.tooltip);
    assert.ok(v?.tooltip.includes(reloadWindowLink), v?.tooltip);
    assert.match(v?.tooltip ?? '', /---\n\n\*\*Go Proxy Doctor\*\*: \/w\/app/);
  });

  test('the health check of the same folder shows the latency; another folder\'s is ignored', () => {
    const health = (uri: string): HealthResponse => ({
      consumer: 'gopls',
      goproxy: 'http://127.0.0.1:3000,off',
      module: '',
      entries: [{ url: 'http://127.0.0.1:3000', status: 'ok', latencyMs: 42, error: '', index: 1 }],
      down: false,
      recommendation: null,
      folder: '/w/app',
      uri,
      fix: null,
    });
    assert.equal(statusView(diverging, health('file:///w/app/'))?.text, '$(warning) GOPROXY 127.0.0.1:3000 · 42 ms');
    assert.equal(statusView(diverging, health('file:///w/lib'))?.text, '$(warning) GOPROXY 127.0.0.1:3000');
  });
});
