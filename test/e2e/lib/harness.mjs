// Shared set-up for the end-to-end suites: a run folder with the fixture workspace, a controlled environment,
// the loopback module proxy, and process-group handling for what the suites start.
// Paths come from the Makefile (test-e2e) through E2E_* variables.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startModuleProxy } from './moduleProxy.mjs';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const fixturesDir = join(repoRoot, 'test', 'fixtures');

export function requireEnv(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suites through \`make test-e2e\``);
  return v;
}

/** The test-results folder for one suite. */
export function outputDir(suite) {
  const dir = join(requireEnv('E2E_OUT'), suite);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function substitute(dir, vars) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) substitute(p, vars);
    else {
      let text = readFileSync(p, 'utf8');
      for (const [k, v] of Object.entries(vars)) text = text.split(k).join(v);
      writeFileSync(p, text);
    }
  }
}

function goRootBin() {
  const r = spawnSync(process.env.GO ?? 'go', ['env', 'GOROOT'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`go env GOROOT failed: ${r.stderr}`);
  return join(r.stdout.trim(), 'bin');
}

/**
 * A fresh run folder: the divergence workspace and its XDG config (with the GOENV file), both pointing at a
 * new loopback module proxy, and the environment every process of the suite runs with: no GOPROXY or other
 * Go variable from the machine, HOME and XDG folders inside the run folder.
 */
export async function prepareRun(suite, { holdRequests = false } = {}) {
  const run = mkdtempSync(join(tmpdir(), `gpd-e2e-${suite}-`));
  const proxy = await startModuleProxy({ modules: { 'example.org/lib': ['v1.0.0'] }, holdRequests });
  const workspace = join(run, 'divergence');
  const config = join(run, 'config');
  cpSync(join(fixturesDir, 'divergence'), workspace, { recursive: true });
  cpSync(join(fixturesDir, 'divergence-config'), config, { recursive: true });
  const vars = { __PROXY_PORT__: String(proxy.port) };
  substitute(workspace, vars);
  substitute(config, vars);
  for (const d of ['home', 'data', 'cache', 'tmp']) mkdirSync(join(run, d), { recursive: true });
  const env = {
    PATH: [requireEnv('E2E_NODE24_BIN'), goRootBin(), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    HOME: join(run, 'home'),
    XDG_CONFIG_HOME: config,
    XDG_DATA_HOME: join(run, 'data'),
    XDG_CACHE_HOME: join(run, 'cache'),
    TMPDIR: join(run, 'tmp'),
    GOENV: join(config, 'go', 'env'),
    LANG: 'C.UTF-8',
    // The server's log, kept with the suite's screenshots (the Output channel is not a file).
    GOPROXY_DOCTOR_LOG: 'debug',
    GOPROXY_DOCTOR_LOGFILE: join(requireEnv('E2E_OUT'), suite, 'server.log'),
  };
  return { run, workspace, config, env, proxy };
}

/** Starts a process in its own process group (setsid), so stopping it also stops everything it started. */
export function startGroup(command, args, { env, cwd, logFile }) {
  const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const onData = (b) => {
    log += b.toString();
    if (logFile) writeFileSync(logFile, log);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    log: () => log,
    /** Resolves with the first match of re in the output; rejects if the process exits first or after timeoutMs. */
    waitForOutput(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(log);
          if (m) {
            cleanup();
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${re} in the output of ${command}:\n${log.slice(-3000)}`));
        }, timeoutMs);
        const onExit = ({ code, signal }) => {
          cleanup();
          reject(new Error(`${command} exited (${code ?? signal}) before printing ${re}:\n${log.slice(-3000)}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          child.stdout.off('data', check);
          child.stderr.off('data', check);
        };
        child.stdout.on('data', check);
        child.stderr.on('data', check);
        exited.then(onExit);
        check();
      });
    },
    /** SIGTERM to the whole group, SIGKILL if it has not exited within graceMs. */
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, graceMs);
      await exited;
      clearTimeout(timer);
      try {
        process.kill(-child.pid, 'SIGKILL'); // children that outlived the leader
      } catch {
        // none left
      }
    },
  };
}

/** Runs a command to completion and throws with its output when it fails. */
export function run(command, args, options) {
  const r = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Polls a condition (a file another process writes) until it holds; fails with what it waited for. */
export async function waitUntil(condition, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** promise, or a rejection naming what was awaited after timeoutMs; the timer never outlives the promise. */
export async function withTimeout(promise, timeoutMs, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
