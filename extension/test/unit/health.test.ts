import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Clock, downMessage, HealthMonitor, HealthResponse, healthStatus, intervalMs } from '../../src/health';

/** A fake clock: timers fire only when the test advances time. */
class FakeClock implements Clock {
  now = 0;
  private next = 1;
  private timers = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  /** Moves time forward, firing due timers in order and letting each check's promise settle. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const t of this.timers) if (t[1].at <= end && (!due || t[1].at < due[1].at)) due = t;
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
      await settle();
    }
    this.now = end;
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function response(down: boolean, latencyMs = 42): HealthResponse {
  return {
    consumer: 'gopls',
    goproxy: 'https://mirror.example.com,https://backup.example.com,direct',
    module: '',
    entries: [
      { url: 'https://mirror.example.com', status: down ? 'timeout' : 'ok', latencyMs, error: down ? 'timeout after 10s' : '', index: 1 },
      { url: 'https://backup.example.com', status: 'ok', latencyMs: 80, error: '', index: 2 },
    ],
    down,
    recommendation: down ? { current: 'https://mirror.example.com,https://backup.example.com,direct', recommended: 'https://backup.example.com,https://mirror.example.com|direct', why: 'entry 1 timed out' } : null,
    folder: '/w',
    uri: 'file:///w',
    fix: down ? { title: 'Set GOPROXY', edit: { changes: {} } } : null,
  };
}

function monitor(answers: boolean[]) {
  const clock = new FakeClock();
  const calls: number[] = [];
  const results: (HealthResponse | undefined)[] = [];
  const downs: HealthResponse[] = [];
  let i = 0;
  const m = new HealthMonitor(
    {
      check: async () => {
        calls.push(clock.now);
        return response(answers[Math.min(i++, answers.length - 1)]);
      },
      onResult: (r) => results.push(r),
      onDown: (r) => downs.push(r),
    },
    clock,
  );
  return { clock, m, calls, results, downs };
}

describe('background health check', () => {
  test('interval setting: 0, the default, negatives and junk are off; small values are raised to 10 s', () => {
    assert.equal(intervalMs(0), 0);
    assert.equal(intervalMs(undefined), 0);
    assert.equal(intervalMs(-5), 0);
    assert.equal(intervalMs('often'), 0);
    assert.equal(intervalMs(1), 10_000);
    assert.equal(intervalMs(60), 60_000);
    assert.equal(intervalMs('300'), 300_000);
  });

  test('interval 0 never checks and sets no timer', async () => {
    const { clock, m, calls } = monitor([false]);
    m.configure(0);
    await clock.advance(24 * 3600_000);
    assert.deepEqual(calls, []);
    assert.equal(clock.pending, 0);
    assert.equal(m.enabled, false);
  });

  test('a positive interval checks at once, then every interval', async () => {
    const { clock, m, calls } = monitor([false]);
    m.configure(60);
    await clock.advance(0);
    await clock.advance(180_000);
    assert.deepEqual(calls, [0, 60_000, 120_000, 180_000]);
  });

  test('a down transition notifies exactly once; recovery re-arms the notification', async () => {
    const { clock, m, downs, results } = monitor([false, true, true, true, false, true]);
    m.configure(30);
    await clock.advance(0); // up
    await clock.advance(90_000); // down, down, down
    assert.equal(downs.length, 1, 'one notification for one outage');
    assert.equal(downs[0].recommendation?.recommended, 'https://backup.example.com,https://mirror.example.com|direct');
    await clock.advance(30_000); // recovered
    assert.equal(downs.length, 1);
    assert.equal(results.at(-1)?.down, false);
    await clock.advance(30_000); // down again
    assert.equal(downs.length, 2, 'a new outage after a recovery notifies again');
  });

  test('turning it off stops the timer and clears the status; on again starts afresh', async () => {
    const { clock, m, calls, results, downs } = monitor([true]);
    m.configure(30);
    await clock.advance(0);
    assert.equal(downs.length, 1);
    m.configure(0);
    assert.equal(results.at(-1), undefined);
    assert.equal(clock.pending, 0);
    await clock.advance(600_000);
    assert.equal(calls.length, 1);
    m.configure(30);
    await clock.advance(0);
    assert.equal(downs.length, 2);
  });

  test('a failing check is reported and the schedule goes on', async () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    let n = 0;
    const m = new HealthMonitor(
      {
        check: async () => {
          n++;
          throw new Error('server not running');
        },
        onResult: () => assert.fail('no result'),
        onDown: () => assert.fail('no notification'),
        onError: (e) => errors.push(e),
      },
      clock,
    );
    m.configure(10);
    await clock.advance(20_000);
    assert.equal(n, 3);
    assert.equal(errors.length, 3);
  });

  test('status bar words: latency when up, down with the failover in the tooltip', () => {
    assert.deepEqual(healthStatus(response(false))?.text, 'GOPROXY mirror.example.com · 42 ms');
    const down = healthStatus(response(true, 10_000));
    assert.equal(down?.text, '$(warning) GOPROXY mirror.example.com down');
    assert.equal(down?.warning, true);
    assert.match(down?.tooltip ?? '', /timeout after 10000 ms/);
    assert.ok(down?.tooltip.includes('GOPROXY=https://backup\\.example\\.com,https://mirror\\.example\\.com\\|direct'), down?.tooltip);
    assert.match(downMessage(response(true)), /mirror\.example\.com \(timeout\) is down\. Failover: GOPROXY=https:\/\/backup/);
    // A proxy's error text cannot add a command link to the trusted tooltip.
    const hostile = response(true);
    hostile.entries[0].error = '[Reload](command:goProxy.reloadWindow)';
    assert.ok(!healthStatus(hostile)?.tooltip.includes('[Reload](command:'), healthStatus(hostile)?.tooltip);
    const direct = { ...response(false), entries: [] };
    assert.equal(healthStatus(direct), undefined);
  });
});
