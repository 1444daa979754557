import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VerifyResponse, withheldHosts, withheldURLs } from '../../src/withheld';

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
    text: 'the server rendered this',
  };

  test('are collected across folders, and their hosts listed once each, without credentials', () => {
    assert.equal(withheldURLs(response).length, 4);
    assert.deepEqual(withheldHosts(withheldURLs(response)), ['file:///w/b/proxy', 'git.corp.example.com', 'mirror.corp.example.com:8443']);
    assert.deepEqual(withheldURLs({}), []);
    assert.deepEqual(withheldURLs({ withheld: [{ url: 'https://a.example.com' }] }).length, 1);
  });
});
