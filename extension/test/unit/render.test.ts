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
  VerifyResponse,
  withheldHosts,
  withheldURLs,
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
  // The server's shape: per folder, SPEC §8's result plus checksum databases and advice.
  const result: VerifyResponse = {
    folders: [
      {
        folder: '/w/app',
        uri: 'file:///w/app',
        proxies: [
          { url: 'http://127.0.0.1:3000', status: 'ok', latencyMs: 3.4, sumdb: true, error: '', consumers: ['gopls', 'tools'] },
          { url: 'https://down.example.com', status: 'timeout', latencyMs: 10000, sumdb: null, error: 'no answer within 10s', consumers: ['terminal'] },
        ],
        modules: [
          {
            path: 'example.org/lib',
            version: 'v1.0.0',
            consumer: 'gopls',
            consumers: ['gopls', 'tools'],
            attempts: [
              { proxy: 'https://down.example.com', status: 404, outcome: 'not-found' },
              { proxy: 'http://127.0.0.1:3000', status: 200, outcome: 'ok' },
              // The go command's repeated lookup: not listed twice.
              { proxy: 'http://127.0.0.1:3000', status: 200, outcome: 'ok', repeat: true },
            ],
            servedBy: 'http://127.0.0.1:3000',
            outcome: 'ok',
          },
          {
            path: 'example.com/private',
            version: 'v0.3.0',
            consumer: 'terminal',
            attempts: [{ proxy: 'https://down.example.com', status: 0, outcome: 'error', class: 'timeout' }],
            servedBy: '',
            outcome: 'error',
            error: 'example.com/private@v0.3.0: timeout',
          },
        ],
        sumdbs: [{ name: 'sum.example.com', consumers: ['gopls', 'tools'], via: 'http://127.0.0.1:3000', status: 'ok', latencyMs: 2 }],
        advice: [{ consumers: ['terminal'], message: 'add direct after the mirror' }],
      },
    ],
    text: 'the server rendered this; the client renders the JSON',
  };
  const heading = (f?: string) => `Go Proxy: Verify: ${f ?? '?'}`;

  test('per folder: a table of proxies, one of modules with their attempts, the checksum databases, advice, a summary', () => {
    const attempts = 'https://down.example.com → 404 not-found; http://127.0.0.1:3000 → 200 ok';
    assert.equal(
      renderVerify(result, heading),
      [
        'Go Proxy: Verify: /w/app',
        '',
        'Proxies (2)',
        'PROXY                     STATUS   LATENCY   SUMDB  CONSUMERS     ERROR',
        '------------------------  -------  --------  -----  ------------  --------------------',
        'http://127.0.0.1:3000     ok       3 ms      yes    gopls, tools',
        'https://down.example.com  timeout  10000 ms         terminal      no answer within 10s',
        '',
        'Modules (2)',
        'MODULE               VERSION  CONSUMERS     OUTCOME  SERVED BY              ATTEMPTS',
        `-------------------  -------  ------------  -------  ---------------------  ${'-'.repeat(attempts.length)}`,
        `example.org/lib      v1.0.0   gopls, tools  ok       http://127.0.0.1:3000  ${attempts}`,
        'example.com/private  v0.3.0   terminal      error                           https://down.example.com → error (timeout)',
        '',
        'What the go command would report:',
        '  example.com/private@v0.3.0 (terminal): example.com/private@v0.3.0: timeout',
        '',
        'Checksum databases (1)',
        'NAME             CONSUMERS     VIA                    STATUS  LATENCY  ERROR',
        '---------------  ------------  ---------------------  ------  -------  -----',
        'sum.example.com  gopls, tools  http://127.0.0.1:3000  ok      2 ms',
        '',
        'Advice:',
        '  - add direct after the mirror (terminal)',
        '',
        '1/2 modules ok; proxies: 1 ok, 1 timeout',
        '',
      ].join('\n'),
    );
  });

  test('a bare SPEC §8 result (no folders) is rendered under the command\'s folder', () => {
    const text = renderVerify({ proxies: [{ url: 'off', status: 'ok' }], modules: [] }, heading);
    assert.match(text, /^Go Proxy: Verify: \?\n\nProxies \(1\)\n/);
  });

  test('candidates get their own table and a recommendation is shown whole, as the CLI does', () => {
    const text = renderVerify(
      {
        folders: [
          {
            folder: '/w',
            proxies: [{ url: 'https://slow.example.com', status: 'ok', latencyMs: 310 }],
            modules: [],
            candidates: [{ url: 'https://fast.example.com', status: 'ok', latencyMs: 12, sumdb: true, modules: 2, served: 2, consumers: ['terminal'] }],
            recommendations: [
              { consumer: 'terminal', consumers: ['terminal', 'gopls'], current: 'https://down.example.com,https://slow.example.com,direct', recommended: 'https://slow.example.com,https://down.example.com|direct', why: 'entry 1 (https://down.example.com) times out' },
            ],
          },
        ],
      },
      heading,
    );
    assert.match(text, /Candidates \(1; probed as a GOPROXY entry would be, nothing was changed\)\nCANDIDATE/);
    assert.match(text, /https:\/\/fast\.example\.com +ok +12 ms +yes +2\/2 +terminal/);
    assert.match(text, /recommended GOPROXY for terminal, gopls: https:\/\/slow\.example\.com,https:\/\/down\.example\.com\|direct\n  \(now https:\/\/down\.example\.com,https:\/\/slow\.example\.com,direct; entry 1/);
    assert.doesNotMatch(renderVerify({ folders: [{ folder: '/w', proxies: [], modules: [] }] }, heading), /Candidates|recommended/);
  });

  test('empty results say so instead of printing empty tables', () => {
    const text = renderVerify({ folders: [{ folder: '/w', proxies: [], modules: [] }] }, heading);
    assert.match(text, /Proxies \(0\)\n\(no proxy is configured for any consumer\)/);
    assert.match(text, /Modules \(0\)\n\(go\.mod and go\.work require no module\)/);
    assert.match(text, /0\/0 modules ok\n$/);
    assert.equal(renderVerify({ folders: [] }, heading), 'Go Proxy: Verify: ?\n\n(no workspace folder to verify)\n');
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

describe('withheld URLs (an untrusted workspace)', () => {
  const response: VerifyResponse = {
    folders: [
      {
        folder: '/w/a',
        withheld: [
          { url: 'https://robot:xxxxx@mirror.corp.example.com:8443/mod', kind: 'goproxy', source: '.vscode/settings.json:2 go.toolsEnvVars.GOPROXY', consumers: ['gopls', 'tools'] },
          { url: 'https://git.corp.example.com', kind: 'origin', source: 'go.mod:5 require git.corp.example.com/x', consumers: ['terminal'] },
        ],
      },
      { folder: '/w/b', withheld: [{ url: 'file:///w/b/proxy', kind: 'goproxy' }, { url: 'https://git.corp.example.com', kind: 'origin' }] },
      { folder: '/w/c' },
    ],
  };

  test('are collected across folders, and their hosts listed once each, without credentials', () => {
    assert.equal(withheldURLs(response).length, 4);
    assert.deepEqual(withheldHosts(withheldURLs(response)), ['file:///w/b/proxy', 'git.corp.example.com', 'mirror.corp.example.com:8443']);
    assert.deepEqual(withheldURLs({ proxies: [] }), []);
  });

  test('are named in the Output channel text with where the workspace set them', () => {
    const text = renderVerify(response, (f) => `Verify ${f ?? ''}`);
    assert.match(text, /Not contacted: the workspace is not trusted/);
    assert.match(text, /withheld goproxy https:\/\/robot:xxxxx@mirror\.corp\.example\.com:8443\/mod ← \.vscode\/settings\.json:2 go\.toolsEnvVars\.GOPROXY \(gopls, tools\)/);
  });
});
