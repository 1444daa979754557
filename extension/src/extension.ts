// Wiring only: capture the environment, start the server, register commands, status bar and watchers.
import * as vscode from 'vscode';
import { buildClientState, captureEnv, EnvironmentCapture, sameEnv } from './clientState';
import { ServerSession } from './client';
import { EnvironmentDocuments, registerCommands } from './commands';
import { displayName, Settings } from './contract';
import { vscodeGoId, watchGoplsSettings } from './goplsRestart';
import { EnvironmentStatus } from './statusBar';

let session: ServerSession | undefined;

function capture(): EnvironmentCapture {
  return { processEnv: captureEnv(process.env), vscodeGoActive: vscode.extensions.getExtension(vscodeGoId)?.isActive ?? false };
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // First, before anything else runs: vscode-go pins GOPROXY and friends into process.env when it activates.
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
  // The environment can change under us when vscode-go activates later; resend it when it differs.
  const resend = () => {
    const now = capture();
    if (!sameEnv(now.processEnv, env.processEnv) || now.vscodeGoActive !== env.vscodeGoActive) env = now;
    void session?.sendClientState();
  };
  context.subscriptions.push(
    output,
    status,
    ...registerCommands(session, output, docs),
    watchGoplsSettings(session.log),
    vscode.workspace.onDidGrantWorkspaceTrust(resend),
    vscode.workspace.onDidChangeWorkspaceFolders(resend),
    vscode.extensions.onDidChange(resend),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(Settings.serverPath)) void session?.restart();
    }),
  );
  await session.start();
}

/** VS Code waits for the returned promise: the server gets its shutdown and exit. */
export function deactivate(): Promise<void> | undefined {
  const s = session;
  session = undefined;
  return s?.dispose();
}
