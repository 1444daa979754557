// The palette commands (goProxy.*). They call the server's goproxy-doctor.* commands through the session;
// the server's own ids are registered by vscode-languageclient and never here.
import * as vscode from 'vscode';
import { ServerSession } from './client';
import { ClientCommands, Commands, settingDefault, Settings } from './contract';
import { progressConverter } from './progress';
import { VerifyResponse, withheldHosts, withheldURLs } from './withheld';

/** Read-only documents with the rendered environment, under the go-proxy-doctor: scheme. */
export class EnvironmentDocuments implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'go-proxy-doctor';
  static readonly uri = vscode.Uri.from({ scheme: EnvironmentDocuments.scheme, path: '/Effective Go Environment.md' });
  private text = '';
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(text: string): void {
    this.text = text;
    this.changed.fire(EnvironmentDocuments.uri);
  }

  provideTextDocumentContent(): string {
    return this.text;
  }
}

/** The folder a command is about: the active editor's, else the only or first one. */
export function activeFolder(): vscode.WorkspaceFolder | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  const fromEditor = doc ? vscode.workspace.getWorkspaceFolder(doc.uri) : undefined;
  return fromEditor ?? vscode.workspace.workspaceFolders?.[0];
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function registerCommands(session: ServerSession, output: vscode.OutputChannel, docs: EnvironmentDocuments): vscode.Disposable[] {
  return [
    vscode.workspace.registerTextDocumentContentProvider(EnvironmentDocuments.scheme, docs),
    // The go.mod code lens passes its folder's URI; the palette passes nothing (the active folder).
    vscode.commands.registerCommand(Commands.verify, (folderUri?: unknown) => verify(session, output, false, folderArg(folderUri))),
    vscode.commands.registerCommand(Commands.showVerifyResult, (folderUri?: unknown) => showVerifyResult(session, output, folderArg(folderUri))),
    vscode.commands.registerCommand(Commands.showEnvironment, () => showEnvironment(session, docs)),
    // The command of the server's "Reload Window" code action (editor-env-stale) and of the status bar link:
    // only a new extension host drops the environment vscode-go pinned at activation.
    vscode.commands.registerCommand(ClientCommands.reloadWindow, () => vscode.commands.executeCommand('workbench.action.reloadWindow')),
    vscode.commands.registerCommand(Commands.restartServer, async () => {
      await session.restart();
      if (session.state.kind === 'running') void vscode.window.showInformationMessage(`Go Proxy Doctor server restarted (goproxy-doctor ${session.state.version}).`);
    }),
  ];
}

/**
 * In an untrusted workspace the server does not contact the URLs the workspace chose (its GOPROXY, checksum
 * database, forward proxy, go.mod hosts) and lists them as withheld: a repository must not be able to point the
 * doctor at internal addresses. Ask the user, in a modal naming the hosts, before probing them.
 */
async function confirmWorkspaceURLs(response: VerifyResponse): Promise<boolean> {
  if (vscode.workspace.isTrusted) return false;
  const hosts = withheldHosts(withheldURLs(response));
  if (hosts.length === 0) return false;
  const probe = 'Probe them';
  const answer = await vscode.window.showWarningMessage(
    'Go Proxy: Verify did not contact addresses this untrusted workspace chose.',
    {
      modal: true,
      detail: `The workspace's settings or go.mod name these hosts:\n\n${hosts.map((h) => `  ${h}`).join('\n')}\n\nProbe them only if you expect this repository to use them.`,
    },
    probe,
  );
  return answer === probe;
}

/** The workspace folder a command argument names (a URI string), else the active one. */
function folderArg(arg: unknown): vscode.WorkspaceFolder | undefined {
  if (typeof arg === 'string' && arg !== '') {
    const named = vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(arg));
    if (named) return named;
  }
  return activeFolder();
}

async function verify(session: ServerSession, output: vscode.OutputChannel, allowWorkspaceURLs = false, target?: vscode.WorkspaceFolder): Promise<void> {
  const folder = target ?? activeFolder();
  if (!folder) {
    void vscode.window.showWarningMessage('Go Proxy: Verify needs an open workspace folder.');
    return;
  }
  const config = vscode.workspace.getConfiguration(undefined, folder.uri);
  const options = {
    timeout: config.get<string>(Settings.verifyTimeout, settingDefault<string>(Settings.verifyTimeout)),
    concurrency: config.get<number>(Settings.verifyConcurrency, settingDefault<number>(Settings.verifyConcurrency)),
    allowWorkspaceURLs,
    // An application-scoped setting: only the user's own settings can name candidates.
    candidates: config.get<string[]>(Settings.verifyCandidates, settingDefault<string[]>(Settings.verifyCandidates)),
  };
  let again = false;
  const started = new Date();
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Go Proxy: Verify', cancellable: true },
    async (progress, token) => {
      progress.report({ message: `probing the proxies and modules of ${folder.name}…` });
      const convert = progressConverter();
      try {
        const result = await session.verify(
          folder.uri.toString(),
          options,
          (p) => {
            const update = convert(p);
            if (update) progress.report(update);
          },
          token,
        );
        // The report is the server's (the same text any client gets); the heading says when and how it ran.
        const heading = `Go Proxy: Verify: ${folder.uri.fsPath} (${started.toISOString()}, timeout ${options.timeout}, concurrency ${options.concurrency})`;
        output.appendLine(`${heading}\n\n${result.text ?? '(the server sent no report)'}`);
        output.show(true);
        again = !allowWorkspaceURLs && (await confirmWorkspaceURLs(result));
      } catch (err) {
        if (token.isCancellationRequested) {
          output.appendLine(`Go Proxy: Verify: ${folder.uri.fsPath}: cancelled.\n`);
          output.show(true);
          return;
        }
        output.appendLine(`Go Proxy: Verify: ${folder.uri.fsPath}: failed: ${errorText(err)}\n`);
        output.show(true);
        void vscode.window.showErrorMessage(`Go Proxy: Verify failed: ${errorText(err)}`);
      }
    },
  );
  if (again) await verify(session, output, true, folder);
}

/** The folder's last Verify report (the server keeps it): the go.mod lens "N ok · M failing" opens it. */
async function showVerifyResult(session: ServerSession, output: vscode.OutputChannel, folder: vscode.WorkspaceFolder | undefined): Promise<void> {
  if (!folder) {
    void vscode.window.showWarningMessage('Go Proxy: Show Last Verify Result needs an open workspace folder.');
    return;
  }
  try {
    const result = await session.verifyResult(folder.uri.toString());
    if (!result.folders || result.folders.length === 0 || !result.text) {
      const run = 'Run Verify';
      if ((await vscode.window.showInformationMessage(`Go Proxy: ${folder.name} has not been verified yet.`, run)) === run) {
        await vscode.commands.executeCommand(Commands.verify, folder.uri.toString());
      }
      return;
    }
    output.appendLine(`Go Proxy: last Verify result: ${folder.uri.fsPath}\n\n${result.text}`);
    output.show(true);
  } catch (err) {
    void vscode.window.showErrorMessage(`Go Proxy: Show Last Verify Result failed: ${errorText(err)}`);
  }
}

async function showEnvironment(session: ServerSession, docs: EnvironmentDocuments): Promise<void> {
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Go Proxy: reading the effective environment' },
      (_progress, token) => session.environment(undefined, token),
    );
    docs.set(result.markdown);
    // The Markdown preview renders the tables; without the built-in Markdown extension, show the text.
    try {
      await vscode.commands.executeCommand('markdown.showPreview', EnvironmentDocuments.uri);
    } catch {
      const doc = await vscode.workspace.openTextDocument(EnvironmentDocuments.uri);
      await vscode.window.showTextDocument(doc, { preview: false });
    }
  } catch (err) {
    void vscode.window.showErrorMessage(`Go Proxy: Show Effective Environment failed: ${errorText(err)}`);
  }
}
