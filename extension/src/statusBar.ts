// The status bar item: the gopls consumer's GOPROXY host for the active folder, a warning while consumers
// diverge. Refreshed (debounced) when the server starts, our diagnostics change, or the active editor moves.
import * as vscode from 'vscode';
import { ServerSession } from './client';
import { activeFolder } from './commands';
import { ClientCommands, Commands, diagnosticSource } from './contract';
import { HealthResponse, healthStatus } from './health';
import { pickFolder, StatusSummary, statusSummary } from './render';
import { staleEditorMessages, staleEditorTooltip } from './staleEnv';

export class EnvironmentStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('goProxy.status', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  private readonly withDiagnostics = new Set<string>();
  private health: HealthResponse | undefined;

  constructor(private readonly session: ServerSession) {
    this.item.name = 'Go Proxy';
    this.item.command = Commands.showEnvironment;
    this.subscriptions.push(
      session.onDidChangeState(() => this.schedule()),
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule()),
      vscode.languages.onDidChangeDiagnostics((e) => {
        // Only our diagnostics matter: a file that has them now, or had them before this change.
        let ours = false;
        for (const uri of e.uris) {
          const key = uri.toString();
          const has = vscode.languages.getDiagnostics(uri).some((d) => d.source === diagnosticSource);
          if (has || this.withDiagnostics.has(key)) ours = true;
          if (has) this.withDiagnostics.add(key);
          else this.withDiagnostics.delete(key);
        }
        if (ours) this.schedule();
      }),
    );
  }

  /** The background health check's last result for the active folder (undefined: off or none yet). */
  setHealth(res: HealthResponse | undefined): void {
    this.health = res;
    this.schedule();
  }

  /** Coalesces bursts of events (a save publishes diagnostics for several files) into one request. */
  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), 300);
  }

  private async refresh(): Promise<void> {
    const generation = ++this.generation;
    const state = this.session.state;
    if (state.kind === 'failed') {
      this.show('$(error) Go Proxy', state.message, true);
      return;
    }
    if (state.kind !== 'running') {
      this.item.hide();
      return;
    }
    const folder = activeFolder();
    if (!folder) {
      this.item.hide();
      return;
    }
    try {
      const result = await this.session.environment(folder.uri.toString());
      if (generation !== this.generation) return;
      const env = pickFolder(result, folder.uri.toString());
      if (!env) {
        this.item.hide();
        return;
      }
      const summary = withHealth(statusSummary(env), this.health, folder.uri.toString());
      // A stale editor environment (editor-env-stale) comes first, with its Reload Window link.
      const all = vscode.languages.getDiagnostics().map(([uri, diags]) => [uri.toString(), diags] as const);
      const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString());
      const stale = staleEditorTooltip(staleEditorMessages(all, folder.uri.toString(), folders));
      if (stale) {
        this.show(summary.text.replace('$(cloud)', '$(warning)'), `${stale}\n\n---\n\n${summary.tooltip}`, true);
        return;
      }
      this.show(summary.text, summary.tooltip, summary.warning);
    } catch (err) {
      if (generation !== this.generation) return;
      this.show('$(error) Go Proxy', `Could not read the effective environment: ${err instanceof Error ? err.message : String(err)}`, true);
    }
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
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}

/** Puts the health check's state and latency of the gopls proxy into the summary, when it is for this folder. */
function withHealth(summary: StatusSummary, res: HealthResponse | undefined, folderUri: string): StatusSummary {
  if (!res || !sameFolder(res.uri, folderUri)) return summary;
  const h = healthStatus(res);
  if (!h) return summary;
  const icon = summary.warning || h.warning ? '$(warning)' : '$(cloud)';
  return { text: `${icon} ${h.text.replace('$(warning) ', '')}`, tooltip: `${h.tooltip}\n\n---\n\n${summary.tooltip}`, warning: summary.warning || h.warning };
}

function sameFolder(a: string, b: string): boolean {
  return vscode.Uri.parse(a).toString() === vscode.Uri.parse(b).toString();
}
