// What only the client knows, sent as initializationOptions and as goproxy-doctor/clientState.
// Pure functions: the vscode-facing glue in extension.ts feeds them.
import * as path from 'node:path';

export type OsFlavour = 'linux' | 'osx' | 'windows';

/** The shape of initializationOptions and of the goproxy-doctor/clientState params (shared/contract.json). */
export interface ClientState {
  processEnv: Record<string, string>;
  vscodeGoActive: boolean;
  userSettingsPath: string;
  workspaceFile?: string;
  osFlavour: OsFlavour;
  remoteName?: string;
  trusted: boolean;
  /** VS Code runs goProxy.reloadWindow, so the server may offer it as a code action. */
  supportsReloadWindow: boolean;
  /** The status bar wants goproxy-doctor/status pushed per folder instead of asking for the environment. */
  statusNotifications: boolean;
}

/** The extension host's environment at one moment, and whether vscode-go had already changed it. */
export interface EnvironmentCapture {
  processEnv: Record<string, string>;
  vscodeGoActive: boolean;
}

/** A plain copy of an environment: only defined string values, detached from process.env. */
export function captureEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (typeof v === 'string') copy[k] = v;
  }
  return copy;
}

export function sameEnv(a: Record<string, string>, b: Record<string, string>): boolean {
  const ak = Object.keys(a);
  if (ak.length !== Object.keys(b).length) return false;
  return ak.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}

/** terminal.integrated.env.<os> uses these names. */
export function osFlavour(platform: NodeJS.Platform): OsFlavour {
  if (platform === 'win32') return 'windows';
  if (platform === 'darwin') return 'osx';
  return 'linux';
}

/**
 * The active profile's user settings.json, derived from the extension's global storage folder.
 * VS Code keeps both side by side: <User>/globalStorage/<extension id> next to <User>/settings.json for the
 * default profile, and <User>/profiles/<profile id>/globalStorage/<extension id> next to
 * <User>/profiles/<profile id>/settings.json for another profile. Not derivable from here: a profile set to
 * use the default profile's settings (its own settings.json then does not exist, and the server should fall
 * back to <User>/settings.json), and, in a remote window, the local machine's user settings (the storage
 * folder is then on the remote side, next to the remote's own settings).
 */
export function userSettingsPath(globalStorageFsPath: string, flavour: OsFlavour): string {
  const p = flavour === 'windows' ? path.win32 : path.posix;
  return p.join(p.dirname(p.dirname(globalStorageFsPath)), 'settings.json');
}

export interface ClientStateInput {
  capture: EnvironmentCapture;
  globalStorageFsPath: string;
  platform: NodeJS.Platform;
  workspaceFile?: { scheme: string; fsPath: string };
  remoteName?: string;
  trusted: boolean;
}

export function buildClientState(input: ClientStateInput): ClientState {
  const flavour = osFlavour(input.platform);
  const state: ClientState = {
    processEnv: input.capture.processEnv,
    vscodeGoActive: input.capture.vscodeGoActive,
    userSettingsPath: userSettingsPath(input.globalStorageFsPath, flavour),
    osFlavour: flavour,
    trusted: input.trusted,
    supportsReloadWindow: true,
    statusNotifications: true,
  };
  // An untitled multi-root workspace has a workspaceFile with the untitled: scheme and nothing on disk.
  if (input.workspaceFile && input.workspaceFile.scheme === 'file') state.workspaceFile = input.workspaceFile.fsPath;
  if (input.remoteName) state.remoteName = input.remoteName;
  return state;
}

/** One log line about what the server is told; never the environment's values, which may hold credentials. */
export function describeClientState(state: ClientState): string {
  const parts = [
    `trusted=${state.trusted}`,
    `vscodeGoActive=${state.vscodeGoActive}`,
    `osFlavour=${state.osFlavour}`,
    `userSettingsPath=${state.userSettingsPath}`,
    `processEnv=${Object.keys(state.processEnv).length} variables`,
  ];
  if (state.workspaceFile) parts.push(`workspaceFile=${state.workspaceFile}`);
  if (state.remoteName) parts.push(`remoteName=${state.remoteName}`);
  return parts.join(' ');
}
