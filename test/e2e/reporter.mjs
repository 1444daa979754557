// node:test reporter for the end-to-end suites: one line per test, failures with their error, and a last
// line of the form `N passed, M failed` (suites are not counted, only tests).
export default async function* reporter(source) {
  let passed = 0;
  let failed = 0;
  for await (const event of source) {
    const { type, data } = event;
    if (type === 'test:pass' || type === 'test:fail') {
      if (data.details?.type === 'suite') {
        if (type === 'test:fail' && data.details?.error?.failureType !== 'subtestsFailed') {
          // A hook (before/after) failed: the tests in the suite are reported as failed on their own.
          yield `✖ ${data.name}: ${formatError(data.details.error)}\n`;
        }
        continue;
      }
      const ms = Math.round(data.details?.duration_ms ?? 0);
      if (type === 'test:pass') {
        passed++;
        yield `✔ ${data.name} (${ms} ms)\n`;
      } else {
        failed++;
        yield `✖ ${data.name} (${ms} ms)\n${indent(formatError(data.details?.error))}\n`;
      }
    } else if (type === 'test:stderr' || type === 'test:stdout') {
      yield data.message;
    } else if (type === 'test:diagnostic' && /error/i.test(data.message)) {
      yield `# ${data.message}\n`;
    }
  }
  yield `${passed} passed, ${failed} failed\n`;
}

function formatError(err) {
  if (!err) return '';
  const cause = err.cause ?? err;
  return String(cause?.stack ?? cause?.message ?? cause);
}

function indent(s) {
  return s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
