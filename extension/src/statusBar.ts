// The status bar item: the gopls consumer's GOPROXY host for the active folder, a warning while consumers
// diverge or the editor's environment is stale. It shows what the server pushes (goproxy-doctor/status, per folder,
// when it changes) and never asks the server: switching editors only picks another folder's status.
import * as vscode from 'vscode';
import { ServerSession } from './client';
import { activeFolder } from './commands';
import { ClientCommands, Commands } from './contract';
import { HealthResponse } from './health';
import { FolderStatuses, statusView } from './render';

export class EnvironmentStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('goProxy.status', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly statuses = new FolderStatuses();
  private health: HealthResponse | undefined;

  constructor(private readonly session: ServerSession) {
    this.item.name = 'Go Proxy';
    this.item.command = Commands.showEnvironment;
    this.subscriptions.push(
      session.onDidChangeState((s) => {
        // A new server sends every folder's status afresh; a stopped one's no longer holds.
        if (s.kind !== 'running') this.statuses.clear();
        this.refresh();
      }),
      session.onDidReceiveStatus((status) => {
        this.statuses.update(status);
        this.refresh();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh()),
    );
  }

  /** The background health check's last result for the active folder (undefined: off or none yet). */
  setHealth(res: HealthResponse | undefined): void {
    this.health = res;
    this.refresh();
  }

  private refresh(): void {
    const state = this.session.state;
    if (state.kind === 'failed') {
      this.show('$(error) Go Proxy', state.message, true);
      return;
    }
    const folder = activeFolder();
    const view = state.kind === 'running' && folder ? statusView(this.statuses.get(folder.uri.toString()), this.health) : undefined;
    if (!view) {
      this.item.hide();
      return;
    }
    this.show(view.text, view.tooltip, view.warning);
  }

  private show(text: string, tooltip: string, warning: boolean): void {
    this.item.text = text;
    const md = new vscode.MarkdownString(tooltip);
    md.supportThemeIcons = true;
    // Command links run only this command: the stale-editor warning's Reload Window.
    md.isTrusted = { enabledCommands: [ClientCommands.reloadWindow] };
    this.item.tooltip = md;
    this.item.backgroundColor = warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
