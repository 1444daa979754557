import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  EnvironmentResult,
  formatMarkdownTable,
  formatTable,
  goproxyHost,
  pickFolder,
  renderEnvironment,
  renderVerify,
  sortVariables,
  statusSummary,
  VerifyResult,
} from '../../src/render';

const environment: EnvironmentResult = {
  folders: [
    {
      folder: '/w/app',
      uri: 'file:///w/app',
      divergent: ['GOPROXY'],
      consumers: [
        {
          name: 'terminal',
          vars: {
            GOSUMDB: { value: 'sum.example.com', source: 'default' },
            GOPROXY: { value: 'https://team.example.com|direct', source: 'goenv-file', file: '/home/u/.config/go/env', line: 1 },
          },
        },
        {
          name: 'gopls',
          vars: {
            GOSUMDB: { value: 'sum.example.com', source: 'default' },
            GOPROXY: { value: 'http://127.0.0.1:3000,off', source: 'vscode-workspace', file: '/w/app/.vscode/settings.json', line: 3, key: 'go.toolsEnvVars.GOPROXY' },
          },
        },
      ],
    },
    { folder: '/w/lib', uri: 'file:///w/lib', divergent: [], consumers: [{ name: 'gopls', vars: { GOPROXY: { value: '', source: 'goenv-file', file: '/e', line: 2 } } }] },
  ],
};

describe('formatTable', () => {
  test('pads every column but the last, with a dashed rule under the header', () => {
    assert.equal(
      formatTable(['A', 'LONGER'], [['xyz', '1'], ['', 'two']]),
      ['A    LONGER', '---  ------', 'xyz  1', '     two'].join('\n'),
    );
  });
});

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

describe('renderEnvironment', () => {
  const text = renderEnvironment(environment);

  test('one section per folder with the differences side by side, marked', () => {
    assert.ok(text.startsWith('# Go Proxy Doctor: effective Go environment\n'));
    assert.ok(text.includes('## /w/app\n\n**≠ Differs between consumers: GOPROXY**\n'));
    assert.ok(
      text.includes(
        [
          '| Variable  | Consumers | Value                            | Source           |',
          '| --------- | --------- | -------------------------------- | ---------------- |',
          '| ≠ GOPROXY | terminal  | https://team.example.com\\|direct | goenv-file       |',
          '|           | gopls     | http://127.0.0.1:3000,off        | vscode-workspace |',
        ].join('\n'),
      ),
      text,
    );
    assert.ok(text.includes('## /w/lib\n\nAll consumers agree.\n'));
  });

  test('a table per consumer with value, source and location relative to the folder', () => {
    assert.ok(
      text.includes(
        [
          '### gopls',
          '',
          '|     | Variable | Value                     | Source           | Set at                                          |',
          '| --- | -------- | ------------------------- | ---------------- | ----------------------------------------------- |',
          '| ≠   | GOPROXY  | http://127.0.0.1:3000,off | vscode-workspace | .vscode/settings.json:3 go.toolsEnvVars.GOPROXY |',
          '|     | GOSUMDB  | sum.example.com           | default          |                                                 |',
        ].join('\n'),
      ),
      text,
    );
    assert.ok(text.includes('| ≠   | GOPROXY  | https://team.example.com\\|direct | goenv-file | /home/u/.config/go/env:1 |'), text);
    assert.ok(text.includes('|     | GOPROXY  | (empty) | goenv-file | /e:2   |'), text);
  });

  test('no folders', () => {
    assert.match(renderEnvironment({ folders: [] }), /No workspace folder is open\./);
  });
});

describe('renderVerify', () => {
  const result: VerifyResult = {
    proxies: [
      { url: 'http://127.0.0.1:3000', status: 'ok', latencyMs: 3.4, sumdb: true, error: '' },
      { url: 'https://down.example.com', status: 'error', latencyMs: 10000, sumdb: false, error: 'timeout' },
    ],
    modules: [
      {
        path: 'example.org/lib',
        version: 'v1.0.0',
        consumer: 'gopls',
        attempts: [
          { proxy: 'https://down.example.com', status: 404, outcome: 'not-found' },
          { proxy: 'http://127.0.0.1:3000', status: 200, outcome: 'ok' },
        ],
        servedBy: 'http://127.0.0.1:3000',
        outcome: 'ok',
      },
      { path: 'example.com/private', version: 'v0.3.0', consumer: 'terminal', attempts: [{ proxy: 'direct', outcome: 'error' }], outcome: 'error' },
    ],
  };

  test('a fixed-width table of proxies and one of modules with their attempts, then a summary', () => {
    assert.equal(
      renderVerify(result, 'Go Proxy: Verify: /w/app'),
      [
        'Go Proxy: Verify: /w/app',
        '',
        'Proxies (2)',
        'PROXY                     STATUS  LATENCY   SUMDB  ERROR',
        '------------------------  ------  --------  -----  -------',
        'http://127.0.0.1:3000     ok      3 ms      yes',
        'https://down.example.com  error   10000 ms  no     timeout',
        '',
        'Modules (2)',
        'MODULE               VERSION  CONSUMER  OUTCOME  SERVED BY              ATTEMPTS',
        `-------------------  -------  --------  -------  ---------------------  ${'-'.repeat('https://down.example.com → 404 not-found; http://127.0.0.1:3000 → 200 ok'.length)}`,
        'example.org/lib      v1.0.0   gopls     ok       http://127.0.0.1:3000  https://down.example.com → 404 not-found; http://127.0.0.1:3000 → 200 ok',
        'example.com/private  v0.3.0   terminal  error                           direct → error',
        '',
        '1/2 modules ok, 1/2 proxies reachable',
        '',
      ].join('\n'),
    );
  });

  test('empty results say so instead of printing empty tables', () => {
    const text = renderVerify({ proxies: [], modules: [] }, 'h');
    assert.match(text, /Proxies \(0\)\n\(no proxy is configured for any consumer\)/);
    assert.match(text, /Modules \(0\)\n\(go\.mod and go\.work require no module\)/);
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
    const s = statusSummary(environment.folders[0]);
    assert.equal(s.text, '$(warning) GOPROXY 127.0.0.1:3000');
    assert.equal(s.warning, true);
    assert.match(s.tooltip, /gopls uses GOPROXY `http:\/\/127\.0\.0\.1:3000,off` \(vscode-workspace, \.vscode\/settings\.json:3 go\.toolsEnvVars\.GOPROXY\)/);
    assert.match(s.tooltip, /≠ Consumers disagree on: GOPROXY\./);
    assert.match(s.tooltip, /\| terminal +\| https:\/\/team\.example\.com\\\|direct \| goenv-file +\|/);
    assert.match(s.tooltip, /Click to show the effective environment\./);
  });

  test('no warning when all agree', () => {
    const s = statusSummary(environment.folders[1]);
    assert.equal(s.text, '$(cloud) GOPROXY (empty)');
    assert.equal(s.warning, false);
    assert.match(s.tooltip, /All consumers agree\./);
  });

  test('pickFolder matches the folder URI despite encoding and case, else takes the first', () => {
    assert.equal(pickFolder(environment, 'file:///w/lib')?.folder, '/w/lib');
    assert.equal(pickFolder(environment, 'file:///W/LIB/')?.folder, '/w/lib');
    assert.equal(pickFolder(environment, 'file:///elsewhere')?.folder, '/w/app');
    assert.equal(pickFolder({ folders: [] }, 'file:///w'), undefined);
  });
});
