// Finds the goproxy-doctor binary: the goProxy.server.path setting, then the binary bundled in the .vsix at
// bin/<platform>-<arch>/, then PATH. Each candidate is validated by running `goproxy-doctor version`.
// The file system and process calls are injected so the order and the messages are unit-tested.
import * as path from 'node:path';

export type CandidateOrigin = 'setting' | 'bundled' | 'PATH';

export interface Candidate {
  path: string;
  origin: CandidateOrigin;
}

export interface LookupInput {
  /** goProxy.server.path; empty or undefined when not set. */
  configuredPath?: string;
  extensionPath: string;
  platform: NodeJS.Platform;
  arch: string;
  /** The PATH variable of the extension host. */
  envPath?: string;
  homeDir?: string;
}

export const serverBinaryName = 'goproxy-doctor';

export function binaryFileName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? `${serverBinaryName}.exe` : serverBinaryName;
}

/** The candidates in lookup order. Duplicates are kept once, at their first (highest-priority) place. */
export function serverCandidates(input: LookupInput): Candidate[] {
  const p = input.platform === 'win32' ? path.win32 : path.posix;
  const name = binaryFileName(input.platform);
  const out: Candidate[] = [];
  const configured = input.configuredPath?.trim();
  if (configured) {
    let resolved = configured;
    if (input.homeDir && (configured === '~' || configured.startsWith('~/') || configured.startsWith('~\\'))) {
      resolved = p.join(input.homeDir, configured.slice(1));
    }
    out.push({ path: resolved, origin: 'setting' });
  }
  // The .vsix for target <platform>-<arch> (vsce's names match Node's process.platform and process.arch).
  out.push({ path: p.join(input.extensionPath, 'bin', `${input.platform}-${input.arch}`, name), origin: 'bundled' });
  const delimiter = input.platform === 'win32' ? ';' : ':';
  for (const dir of (input.envPath ?? '').split(delimiter)) {
    if (dir.trim() === '') continue;
    out.push({ path: p.join(dir, name), origin: 'PATH' });
  }
  const seen = new Set<string>();
  return out.filter((c) => (seen.has(c.path) ? false : (seen.add(c.path), true)));
}

/** `goproxy-doctor version` prints `goproxy-doctor <version>`. */
export function parseVersionOutput(stdout: string): string | undefined {
  const m = /^goproxy-doctor\s+(\S+)\s*$/m.exec(stdout);
  return m ? m[1] : undefined;
}

export interface LookupDeps {
  exists(file: string): Promise<boolean>;
  /** Runs `<file> version` and returns its stdout; rejects when it cannot run or exits non-zero. */
  runVersion(file: string): Promise<string>;
}

export interface Attempt {
  candidate: Candidate;
  problem: string;
}

export type LookupResult =
  | { ok: true; path: string; origin: CandidateOrigin; version: string; rejected: Attempt[] }
  | { ok: false; rejected: Attempt[] };

export async function findServer(candidates: Candidate[], deps: LookupDeps): Promise<LookupResult> {
  const rejected: Attempt[] = [];
  let onPath = false;
  for (const candidate of candidates) {
    if (!(await deps.exists(candidate.path))) {
      // Every PATH folder is a candidate; only a missing setting or bundled binary is worth reporting.
      if (candidate.origin !== 'PATH') rejected.push({ candidate, problem: 'does not exist' });
      continue;
    }
    if (candidate.origin === 'PATH') onPath = true;
    let stdout: string;
    try {
      stdout = await deps.runVersion(candidate.path);
    } catch (err) {
      rejected.push({ candidate, problem: `\`version\` failed: ${err instanceof Error ? err.message : String(err)}` });
      continue;
    }
    const version = parseVersionOutput(stdout);
    if (!version) {
      rejected.push({ candidate, problem: `\`version\` printed ${JSON.stringify(stdout.trim().slice(0, 80))}, not "goproxy-doctor <version>"` });
      continue;
    }
    return { ok: true, path: candidate.path, origin: candidate.origin, version, rejected };
  }
  if (!onPath) rejected.push({ candidate: { path: serverBinaryName, origin: 'PATH' }, problem: 'not found' });
  return { ok: false, rejected };
}

const originLabel: Record<CandidateOrigin, string> = {
  setting: 'goProxy.server.path',
  bundled: 'bundled binary',
  PATH: 'PATH',
};

/** The notification shown when no candidate works: what was tried and how to fix it. */
export function notFoundMessage(rejected: Attempt[], platform: NodeJS.Platform, arch: string): string {
  const tried = rejected.map((a) => `${originLabel[a.candidate.origin]} ${a.candidate.path}: ${a.problem}`).join('; ');
  return (
    `Go Proxy Doctor could not start its language server: no working goproxy-doctor binary (tried ${tried}). ` +
    `Install the .vsix built for ${platform}-${arch}, or build the server with ` +
    '`go build ./server/cmd/goproxy-doctor` and set goProxy.server.path to it (or put it on PATH), then run Go Proxy: Restart Server.'
  );
}

/** A warning when the configured binary was passed over for another one. */
export function fallbackWarning(result: LookupResult): string | undefined {
  if (!result.ok) return undefined;
  const setting = result.rejected.find((a) => a.candidate.origin === 'setting');
  if (!setting) return undefined;
  return `goProxy.server.path ${setting.candidate.path} ${setting.problem}; using the ${originLabel[result.origin]} ${result.path} instead.`;
}
