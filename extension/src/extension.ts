// Wiring only: capture the environment, start the server, register commands, status bar and watchers.
import * as vscode from 'vscode';
import { buildClientState, captureEnv, EnvironmentCapture, sameEnv } from './clientState';
import { ServerSession } from './client';
import { EnvironmentDocuments, registerCommands } from './commands';
import { Commands, displayName, settingDefault, Settings } from './contract';
import { registerExplainError } from './explainErrorCommand';
import { vscodeGoId, watchGoplsSettings } from './goplsRestart';
import { activeFolder } from './commands';
import { downMessage, HealthMonitor, HealthResponse } from './health';
import { EnvironmentStatus } from './statusBar';
import { GoProxyTree } from './tree';

let session: ServerSession | undefined;

/** How long activation waits for vscode-go's own activation before it captures the environment. */
const vscodeGoWait = 10_000;

function capture(): EnvironmentCapture {
  return { processEnv: captureEnv(process.env), vscodeGoActive: vscode.extensions.getExtension(vscodeGoId)?.isActive ?? false };
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // First, before anything else runs: vscode-go pins GOPROXY and friends into process.env when it activates.
  // It activates on the same Go workspaces as this extension, in no set order: when it is installed but not
  // active yet, capture after its activation (bounded, so a stuck vscode-go does not hold the doctor back;
  // a later activation is still picked up below).
  const goExt = vscode.extensions.getExtension(vscodeGoId);
  const goActivated = goExt && !goExt.isActive ? Promise.resolve(goExt.activate()).then(() => true, () => false) : undefined;
  if (goActivated) await Promise.race([goActivated, new Promise((resolve) => setTimeout(resolve, vscodeGoWait))]);
  let env = capture();
  const clientState = () =>
    buildClientState({
      capture: env,
      globalStorageFsPath: context.globalStorageUri.fsPath,
      platform: process.platform,
      workspaceFile: vscode.workspace.workspaceFile,
      remoteName: vscode.env.remoteName,
      trusted: vscode.workspace.isTrusted,
    });
  session = new ServerSession(context, clientState);
  const output = vscode.window.createOutputChannel(displayName);
  const docs = new EnvironmentDocuments();
  const status = new EnvironmentStatus(session);
  const tree = new GoProxyTree(session);
  const health = backgroundHealth(session, status);
  let healthFolder = activeFolder()?.uri.toString();
  // The environment can change under us when vscode-go activates later; resend it when it differs.
  const resend = () => {
    const now = capture();
    if (!sameEnv(now.processEnv, env.processEnv) || now.vscodeGoActive !== env.vscodeGoActive) env = now;
    void session?.sendClientState();
  };
  context.subscriptions.push(
    output,
    status,
    tree,
    ...registerCommands(session, output, docs),
    ...registerExplainError(session),
    watchGoplsSettings(session.log),
    vscode.workspace.onDidGrantWorkspaceTrust(resend),
    vscode.workspace.onDidChangeWorkspaceFolders(resend),
    vscode.extensions.onDidChange(resend),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(Settings.serverPath)) void session?.restart();
      if (e.affectsConfiguration(Settings.healthInterval)) health.configure(healthInterval());
      else if (e.affectsConfiguration(Settings.healthModule)) health.poke();
    }),
    session.onDidChangeState((s) => {
      if (s.kind === 'running') health.poke();
    }),
    // A check per folder switch, not per editor switch: the result is the active folder's gopls proxy.
    vscode.window.onDidChangeActiveTextEditor(() => {
      const now = activeFolder()?.uri.toString();
      if (now !== healthFolder) {
        healthFolder = now;
        health.poke();
      }
    }),
    { dispose: () => health.stop() },
  );
  await session.start();
  // vscode-go activated only after the wait: its pins reach the server now (not when the capture saw it).
  if (goActivated && !env.vscodeGoActive) void goActivated.then(() => resend());
  health.configure(healthInterval());
}

// Application-scoped settings: only the user's own settings turn the background check on or name its module.
function healthInterval(): unknown {
  return vscode.workspace.getConfiguration().get<number>(Settings.healthInterval, settingDefault<number>(Settings.healthInterval));
}

/**
 * The opt-in background health check: goproxy-doctor.health for the active folder on the interval, its result in
 * the status bar, and one warning per outage of the gopls proxy with the server's failover fix (a WorkspaceEdit
 * of the file that sets GOPROXY, applied through the editor so undo works).
 */
function backgroundHealth(s: ServerSession, status: EnvironmentStatus): HealthMonitor {
  return new HealthMonitor(
    {
      check: async (): Promise<HealthResponse> => {
        const folder = activeFolder();
        if (!folder) throw new Error('no workspace folder');
        const config = vscode.workspace.getConfiguration(undefined, folder.uri);
        const module = vscode.workspace.getConfiguration().get<string>(Settings.healthModule, '').trim();
        const timeout = config.get<string>(Settings.verifyTimeout, settingDefault<string>(Settings.verifyTimeout));
        const res = await s.health(folder.uri.toString(), module, timeout);
        return { ...res, uri: folder.uri.toString() };
      },
      onResult: (res) => status.setHealth(res),
      onDown: (res) => void offerFailover(s, res),
      onError: (err) => {
        s.log.warn(`health check: ${err instanceof Error ? err.message : String(err)}`);
        status.setHealth(undefined);
      },
    },
    { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
  );
}

async function offerFailover(s: ServerSession, res: HealthResponse): Promise<void> {
  const apply = res.fix ? 'Apply Failover Fix' : undefined;
  const verify = 'Run Verify';
  const answer = await vscode.window.showWarningMessage(downMessage(res), ...(apply ? [apply, verify] : [verify]));
  if (answer === verify) {
    await vscode.commands.executeCommand(Commands.verify);
  } else if (apply && answer === apply && res.fix) {
    try {
      if (!(await s.applyServerEdit(res.fix.edit))) void vscode.window.showErrorMessage('Go Proxy: the failover fix could not be applied (the file changed?); run Go Proxy: Verify for the quick fix.');
    } catch (err) {
      void vscode.window.showErrorMessage(`Go Proxy: the failover fix failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** VS Code waits for the returned promise: the server gets its shutdown and exit. */
export function deactivate(): Promise<void> | undefined {
  const s = session;
  session = undefined;
  return s?.dispose();
}
