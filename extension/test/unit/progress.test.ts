import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressConverter } from '../../src/progress';

test('LSP percentages become VS Code increments; silent reports are dropped', () => {
  const convert = progressConverter();
  assert.deepEqual(convert({ percentage: 0 }), undefined);
  assert.deepEqual(convert({ message: 'proxies', percentage: 20 }), { message: 'proxies', increment: 20 });
  assert.deepEqual(convert({ percentage: 50 }), { increment: 30 });
  assert.deepEqual(convert({ message: 'modules' }), { message: 'modules' });
  // A percentage that goes back does not move the bar backwards; one past 100 stops at 100.
  assert.deepEqual(convert({ percentage: 40 }), undefined);
  assert.deepEqual(convert({ percentage: 130 }), { increment: 50 });
  assert.deepEqual(convert({ message: '' }), undefined);
});
