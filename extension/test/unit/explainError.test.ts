import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bounded,
  explainHeading,
  withoutPasswords,
  isGoCommand,
  LastFailedGoCommand,
  looksLikeGoError,
  maxErrorText,
  pickErrorText,
  plainOutput,
  ShellExecution,
} from '../../src/explainError';

// The message the go command printed in the explain-error catalogue's proxy-404 fixture.
const proxy404 = 'go: corp.example.com/missing@v1.0.0: reading http://127.0.0.1:41000/corp.example.com/missing/@v/v1.0.0.info: 404 Not Found';

/** A shell execution whose output arrives in chunks, as execution.read() yields it. */
function execution(commandLine: string, chunks: string[]): ShellExecution {
  return {
    commandLine: { value: commandLine },
    async *read() {
      for (const c of chunks) yield c;
    },
  };
}

describe('Explain Error: the text to explain', () => {
  const failed = { commandLine: 'go mod tidy', exitCode: 1, output: proxy404 };

  test('is the selection first', async () => {
    const got = await pickErrorText({ selection: () => 'selected', clipboard: async () => proxy404, lastFailedGo: () => failed });
    assert.deepEqual(got, { text: 'selected', from: 'selection' });
  });

  test('then the clipboard when it holds go output, else the last failed go command', async () => {
    assert.deepEqual(await pickErrorText({ selection: () => '  ', clipboard: async () => proxy404, lastFailedGo: () => failed }), { text: proxy404, from: 'clipboard' });
    assert.deepEqual(await pickErrorText({ selection: () => undefined, clipboard: async () => 'a shopping list', lastFailedGo: () => failed }), {
      text: proxy404,
      from: 'terminal',
      detail: 'go mod tidy (exit status 1)',
    });
    const unreadable = await pickErrorText({
      selection: () => undefined,
      clipboard: () => Promise.reject(new Error('no clipboard')),
      lastFailedGo: () => failed,
    });
    assert.equal(unreadable?.from, 'terminal');
  });

  test('is nothing when no source has any', async () => {
    assert.equal(await pickErrorText({ selection: () => undefined, clipboard: async () => '', lastFailedGo: () => undefined }), undefined);
  });

  test('keeps the end of a long text, where the error is', () => {
    const long = 'x'.repeat(maxErrorText) + proxy404;
    assert.equal(bounded(long).length, maxErrorText);
    assert.ok(bounded(long).endsWith(proxy404));
    assert.equal(bounded('short'), 'short');
  });

  test('says where it came from, without breaking the Markdown', () => {
    assert.equal(explainHeading('selection'), 'Explained: the selected text.');
    assert.equal(explainHeading('terminal', 'go get `x`'), "Explained: the output of the last failed go command in the terminal, `go get 'x'`.");
    assert.equal(
      explainHeading('terminal', 'GOPROXY=https://alice:s3cret@proxy.example.com,https://tok3n@m.example.com go get x (exit status 1)'),
      'Explained: the output of the last failed go command in the terminal, `GOPROXY=https://alice:xxxxx@proxy.example.com,https://xxxxx@m.example.com go get x (exit status 1)`.',
    );
  });
});

describe('Explain Error: the last failed go command in the terminal', () => {
  test('keeps the output of a go command that failed, without escape sequences', async () => {
    const t = new LastFailedGoCommand();
    const e = execution('go mod download', ['\x1b]633;C\x07', '\x1b[31m', proxy404.slice(0, 20), proxy404.slice(20), '\x1b[0m\r\n']);
    t.started(e);
    await t.ended(e, 1);
    assert.deepEqual(t.get(), { commandLine: 'go mod download', exitCode: 1, output: proxy404 + '\n' });
  });

  test('ignores other commands and go commands that succeeded', async () => {
    const t = new LastFailedGoCommand();
    const other = execution('ls -l', ['go: not really']);
    t.started(other);
    await t.ended(other, 2);
    const ok = execution('go build ./...', ['']);
    t.started(ok);
    await t.ended(ok, 0);
    assert.equal(t.get(), undefined);
  });

  test('counts an unknown exit status as a failure only when the output is a go error', async () => {
    const t = new LastFailedGoCommand();
    const quiet = execution('go version', ['go version go1.26 linux/amd64\n']);
    t.started(quiet);
    await t.ended(quiet, undefined);
    assert.equal(t.get(), undefined);
    const failing = execution('GOFLAGS=-mod=mod go get corp.example.com/missing@v1.0.0', [proxy404]);
    t.started(failing);
    await t.ended(failing, undefined);
    assert.equal(t.get()?.exitCode, -1);
  });

  test('keeps what was read when the terminal goes away mid-output', async () => {
    const t = new LastFailedGoCommand();
    const broken: ShellExecution = {
      commandLine: { value: 'go mod tidy' },
      async *read() {
        yield proxy404;
        throw new Error('terminal disposed');
      },
    };
    t.started(broken);
    await t.ended(broken, 1);
    assert.equal(t.get()?.output, proxy404);
  });

  test('bounds the output it keeps', async () => {
    const t = new LastFailedGoCommand();
    const e = execution('go mod download', ['y'.repeat(maxErrorText), proxy404]);
    t.started(e);
    await t.ended(e, 1);
    assert.ok((t.get()?.output.length ?? 0) <= maxErrorText);
    assert.ok(t.get()?.output.endsWith(proxy404));
  });
});

describe('Explain Error: helpers', () => {
  test('recognise go command lines', () => {
    for (const yes of ['go get x', 'GOFLAGS=-mod=mod go mod download', '/usr/local/go/bin/go list -m all', 'env GOPROXY=off go build', 'sudo go install x@latest']) {
      assert.ok(isGoCommand(yes), yes);
    }
    for (const no of ['gofmt -l .', 'golangci-lint run', 'echo go', 'make go']) assert.ok(!isGoCommand(no), no);
  });

  test('mask passwords in URLs and leave other text alone', () => {
    assert.equal(withoutPasswords('https://a:b@h.example.com/x and user@example.com'), 'https://a:xxxxx@h.example.com/x and user@example.com');
  });

  test('recognise go output', () => {
    assert.ok(looksLikeGoError(proxy404));
    assert.ok(looksLikeGoError('verifying example.com/ok@v1.0.0/go.mod: checksum mismatch'));
    assert.ok(!looksLikeGoError('hello world'));
  });

  test('strip colours and shell integration marks', () => {
    assert.equal(plainOutput('\x1b]633;A\x07$ \x1b[1;32mok\x1b[0m\r\n\x1b]0;title\x1b\\done'), '$ ok\ndone');
  });
});
