// Go Proxy: Explain Error, the VS Code side: the text from the selection, the clipboard or the last failed go
// command in the integrated terminal (shell integration, where the editor has it), the server's explanation in
// a Markdown preview as the environment view is shown, and its fixes offered as buttons.
import * as vscode from 'vscode';
import { ServerSession } from './client';
import { activeFolder } from './commands';
import { Commands } from './contract';
import { explainHeading, LastFailedGoCommand, pickErrorText, ShellExecution } from './explainError';

/** The read-only document with the last explanation. */
class ExplanationDocuments implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'go-proxy-doctor-explain';
  static readonly uri = vscode.Uri.from({ scheme: ExplanationDocuments.scheme, path: '/Explain Go Error.md' });
  private text = '';
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(text: string): void {
    this.text = text;
    this.changed.fire(ExplanationDocuments.uri);
  }

  provideTextDocumentContent(): string {
    return this.text;
  }
}

/** The shell-integration events (VS Code 1.93 and later); absent from older editors and their typings. */
interface ShellIntegrationWindow {
  onDidStartTerminalShellExecution?: vscode.Event<{ execution: ShellExecution }>;
  onDidEndTerminalShellExecution?: vscode.Event<{ execution: ShellExecution; exitCode: number | undefined }>;
}

export function registerExplainError(session: ServerSession): vscode.Disposable[] {
  const tracker = new LastFailedGoCommand();
  const docs = new ExplanationDocuments();
  const out: vscode.Disposable[] = [
    vscode.workspace.registerTextDocumentContentProvider(ExplanationDocuments.scheme, docs),
    vscode.commands.registerCommand(Commands.explainError, () => explainError(session, tracker, docs)),
  ];
  const w = vscode.window as unknown as ShellIntegrationWindow;
  if (w.onDidStartTerminalShellExecution && w.onDidEndTerminalShellExecution) {
    out.push(
      w.onDidStartTerminalShellExecution((e) => tracker.started(e.execution)),
      w.onDidEndTerminalShellExecution((e) => void tracker.ended(e.execution, e.exitCode)),
    );
  }
  return out;
}

async function explainError(session: ServerSession, tracker: LastFailedGoCommand, docs: ExplanationDocuments): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const picked = await pickErrorText({
    selection: () => (editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : undefined),
    clipboard: async () => vscode.env.clipboard.readText(),
    lastFailedGo: () => tracker.get(),
  });
  if (!picked) {
    void vscode.window.showWarningMessage(
      "Go Proxy: Explain Error: select the go command's error or copy it to the clipboard (or run the failing go command in the integrated terminal), then run the command again.",
    );
    return;
  }
  try {
    const folder = activeFolder();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Go Proxy: explaining the error' },
      (_progress, token) => session.explainError(picked.text, folder?.uri.toString(), token),
    );
    docs.set(`> ${explainHeading(picked.from, picked.detail)}\n\n${result.markdown ?? '(the server sent no explanation)'}`);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', ExplanationDocuments.uri);
    } catch {
      const doc = await vscode.workspace.openTextDocument(ExplanationDocuments.uri);
      await vscode.window.showTextDocument(doc, { preview: false });
    }
    const fixes = result.fixes ?? [];
    if (fixes.length === 0) return;
    const choice = await vscode.window.showInformationMessage(
      `Go Proxy: ${result.explanation?.title ?? 'explained'}. Apply a fix?`,
      ...fixes.slice(0, 3).map((f) => f.title),
    );
    const fix = fixes.find((f) => f.title === choice);
    if (fix && !(await session.applyServerEdit(fix.edit))) {
      void vscode.window.showErrorMessage(`Go Proxy: the fix could not be applied: ${fix.title}`);
    }
  } catch (err) {
    void vscode.window.showErrorMessage(`Go Proxy: Explain Error failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
