// The opt-in background health check (goProxy.health.interval): when to ask the server, what the status bar
// says about the gopls proxy, and when to warn. No vscode import: the scheduling is unit-tested with a fake
// clock. The server does the probing (goproxy-doctor.health); nothing here touches the network.
import { escapeMarkdown as md } from './staleEnv';

/** One GOPROXY entry as goproxy-doctor.health reports it. */
export interface HealthEntry {
  url: string; // redacted
  status: string; // a Verify class: ok, not-found, timeout, refused, server-error, withheld, …
  latencyMs: number;
  error: string;
  index: number;
}

/** The result of goproxy-doctor.health. */
export interface HealthResponse {
  consumer: string;
  goproxy: string;
  module: string;
  entries: HealthEntry[];
  down: boolean;
  recommendation: { current: string; recommended: string; why: string } | null;
  folder: string;
  uri: string;
  /** Verify's failover fix as a WorkspaceEdit (protocol shape), when one can be made. */
  fix: { title: string; edit: unknown } | null;
}

/** The timer functions the monitor uses; tests pass a fake. */
export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface HealthHooks {
  /** Runs goproxy-doctor.health; rejects when the server cannot answer. */
  check(): Promise<HealthResponse>;
  /** Every result, for the status bar. */
  onResult(res: HealthResponse | undefined): void;
  /** The first entry went down (it was up, or not yet known): once per outage. */
  onDown(res: HealthResponse): void;
  onError?(err: unknown): void;
}

/** The shortest interval honoured, so a typo (1 for 1 minute) cannot hammer a proxy. */
export const minIntervalSeconds = 10;

/** The interval in milliseconds for a setting value; 0 (off) for 0, negatives and non-numbers. */
export function intervalMs(setting: unknown): number {
  const n = typeof setting === 'number' ? setting : typeof setting === 'string' && setting.trim() !== '' ? Number(setting) : NaN;
  if (!Number.isFinite(n) || n <= 0) return 0;
  return Math.max(n, minIntervalSeconds) * 1000;
}

/**
 * Runs the check once at once and then every interval after the previous one finished (never two at once),
 * and tracks the first entry's state so that an outage notifies once and a recovery re-arms it.
 */
export class HealthMonitor {
  private handle: unknown;
  private interval = 0;
  private generation = 0;
  private down = false;
  private running = false;

  constructor(
    private readonly hooks: HealthHooks,
    private readonly clock: Clock,
  ) {}

  /** Applies the interval setting: 0 stops the checks and clears the status. */
  configure(setting: unknown): void {
    const ms = intervalMs(setting);
    if (ms === this.interval) return;
    this.stop();
    this.interval = ms;
    if (ms === 0) {
      this.hooks.onResult(undefined);
      return;
    }
    this.arm(0);
  }

  /** Checks again now (the folder or the server changed), keeping the schedule. */
  poke(): void {
    if (this.interval === 0) return;
    this.clear();
    this.arm(0);
  }

  get enabled(): boolean {
    return this.interval > 0;
  }

  private arm(ms: number): void {
    const generation = this.generation;
    this.handle = this.clock.setTimeout(() => void this.tick(generation), ms);
  }

  private async tick(generation: number): Promise<void> {
    this.handle = undefined;
    if (generation !== this.generation || this.running) return;
    this.running = true;
    try {
      const res = await this.hooks.check();
      if (generation !== this.generation) return;
      this.hooks.onResult(res);
      if (res.down && !this.down) this.hooks.onDown(res);
      this.down = res.down;
    } catch (err) {
      if (generation === this.generation) this.hooks.onError?.(err);
    } finally {
      this.running = false;
      if (generation === this.generation && this.interval > 0 && this.handle === undefined) this.arm(this.interval);
    }
  }

  private clear(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }

  /** Stops checking; a later configure starts afresh (a new outage notifies again). */
  stop(): void {
    this.generation++;
    this.clear();
    this.interval = 0;
    this.down = false;
    this.running = false;
  }
}

function host(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** The status bar's words for the gopls proxy: `GOPROXY host · 42 ms` or `GOPROXY host down`. */
export function healthStatus(res: HealthResponse): { text: string; tooltip: string; warning: boolean } | undefined {
  const first = res.entries.find((e) => e.index === 1);
  if (!first) return undefined; // GOPROXY starts with direct or off: no proxy to watch
  const name = host(first.url);
  if (first.status === 'withheld') {
    return { text: `GOPROXY ${name} · not checked`, tooltip: `Health check: ${md(first.url)} was not contacted: ${md(first.error)}`, warning: false };
  }
  const ms = `${Math.round(first.latencyMs)} ms`;
  if (res.down) {
    const fix = res.recommendation ? ` Verify recommends GOPROXY=${md(res.recommendation.recommended)}: ${md(res.recommendation.why)}.` : '';
    return { text: `$(warning) GOPROXY ${name} down`, tooltip: `Health check: ${md(first.url)} is down for gopls (${md(first.status)} after ${ms}): ${md(first.error)}.${fix}`, warning: true };
  }
  const rows = res.entries.map((e) => `${e.index}\\. ${md(e.url)}: ${md(e.status)}, ${Math.round(e.latencyMs)} ms`);
  return { text: `GOPROXY ${name} · ${ms}`, tooltip: ['Health check (gopls):', ...rows].join('\n\n'), warning: false };
}

/** The warning shown when the first entry goes down. */
export function downMessage(res: HealthResponse): string {
  const first = res.entries.find((e) => e.index === 1);
  const what = first ? `${first.url} (${first.status})` : 'the first GOPROXY entry';
  const fix = res.recommendation ? ` Failover: GOPROXY=${res.recommendation.recommended}.` : '';
  return `Go Proxy: gopls's module proxy ${what} is down.${fix}`;
}
