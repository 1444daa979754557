// Ids and names from shared/contract.json, the single source shared with the Go server. Each lookup throws
// at load time when the contract lacks the name, so a rename there cannot leave a stale id here.
import contract from '../../shared/contract.json';

function paletteCommand(id: string): string {
  if (!contract.paletteCommands.some((c) => c.id === id)) throw new Error(`shared/contract.json has no palette command ${id}`);
  return id;
}

function serverCommand(id: string): string {
  if (!contract.serverCommands.some((c) => c.id === id)) throw new Error(`shared/contract.json has no server command ${id}`);
  return id;
}

function clientCommand(id: string): string {
  if (!contract.clientCommands.some((c) => c.id === id)) throw new Error(`shared/contract.json has no client command ${id}`);
  return id;
}

function setting(name: string): string {
  if (!contract.settings.some((s) => s.name === name)) throw new Error(`shared/contract.json has no setting ${name}`);
  return name;
}

function notification(method: string): string {
  if (!contract.clientNotifications.some((n) => n.method === method)) throw new Error(`shared/contract.json has no notification ${method}`);
  return method;
}

export const Commands = {
  verify: paletteCommand('goProxy.verify'),
  showEnvironment: paletteCommand('goProxy.showEnvironment'),
  restartServer: paletteCommand('goProxy.restartServer'),
  showVerifyResult: paletteCommand('goProxy.showVerifyResult'),
  explainError: paletteCommand('goProxy.explainError'),
} as const;

function view(id: string): string {
  if (!(contract.views ?? []).some((v) => v.id === id)) throw new Error(`shared/contract.json has no view ${id}`);
  return id;
}

/** The views the extension contributes (package.json's contributes.views comes from the contract). */
export const Views = {
  tree: view('goProxy.tree'),
} as const;

export const ServerCommands = {
  environment: serverCommand('goproxy-doctor.environment'),
  verify: serverCommand('goproxy-doctor.verify'),
  verifyResult: serverCommand('goproxy-doctor.verifyResult'),
  health: serverCommand('goproxy-doctor.health'),
  explainError: serverCommand('goproxy-doctor.explainError'),
} as const;

/** Commands the extension registers for the server's code actions; not contributed to the palette. */
export const ClientCommands = {
  reloadWindow: clientCommand('goProxy.reloadWindow'),
} as const;

/** The diagnostic code of a value vscode-go pinned at activation that is out of date. */
export const staleEditorCode: string = diagnosticCode('editor-env-stale');

function diagnosticCode(code: string): string {
  if (!contract.diagnostics.some((d) => d.code === code)) throw new Error(`shared/contract.json has no diagnostic ${code}`);
  return code;
}

export const Settings = {
  serverPath: setting('goProxy.server.path'),
  verifyTimeout: setting('goProxy.verify.timeout'),
  verifyConcurrency: setting('goProxy.verify.concurrency'),
  verifyCandidates: setting('goProxy.verify.candidates'),
  healthInterval: setting('goProxy.health.interval'),
  healthModule: setting('goProxy.health.module'),
  traceServer: setting('goProxy.trace.server'),
  /** Read by the server from the settings files (it asks for inlay hints again when it changes). */
  inlayHints: setting('goProxy.inlayHints.enabled'),
} as const;

/** A setting's default as the contract (and so package.json) declares it. */
export function settingDefault<T>(name: string): T {
  const s = contract.settings.find((x) => x.name === name);
  if (!s) throw new Error(`shared/contract.json has no setting ${name}`);
  return s.default as T;
}

function serverNotification(method: string): string {
  if (!contract.serverNotifications.some((n) => n.method === method)) throw new Error(`shared/contract.json has no server notification ${method}`);
  return method;
}

export const Notifications = {
  clientState: notification('goproxy-doctor/clientState'),
} as const;

/** What the server sends unasked: goproxy-doctor/status, to a client whose initializationOptions ask for it. */
export const ServerNotifications = {
  status: serverNotification('goproxy-doctor/status'),
} as const;

export const diagnosticSource: string = contract.diagnosticSource;
export const extensionId = `${contract.extension.publisher}.${contract.extension.name}`;
export const displayName: string = contract.extension.displayName;
/** The LanguageClient id: vscode-languageclient reads `<id>.trace.server`, so it must prefix that setting. */
export const clientId = Settings.traceServer.slice(0, -'.trace.server'.length);

/** The globs of the files inside workspace folders that are watched; buildFiles are also diagnosed when opened. */
export const WorkspaceGlobs: { readonly inputs: readonly string[]; readonly buildFiles: readonly string[] } = {
  inputs: contract.workspaceGlobs.inputs,
  buildFiles: contract.workspaceGlobs.buildFiles,
};
