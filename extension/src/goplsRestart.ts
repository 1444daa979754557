// Offers to restart gopls through vscode-go's own command when go.toolsEnvVars or gopls settings change
// (VS Code reports the change once the settings file is saved). Without vscode-go nothing is shown.
import * as vscode from 'vscode';
import { goplsRestartCommand, goplsRestartOffer } from './goplsRestartOffer';

export const vscodeGoId = 'golang.go';

export function watchGoplsSettings(log: vscode.LogOutputChannel): vscode.Disposable {
  const offer = goplsRestartOffer({
    vscodeGoInstalled: () => vscode.extensions.getExtension(vscodeGoId) !== undefined,
    restartCommandExists: async () => (await vscode.commands.getCommands(true)).includes(goplsRestartCommand),
    ask: async () =>
      (await vscode.window.showInformationMessage(
        'go.toolsEnvVars or gopls settings changed. gopls reads its environment only when it starts: restart gopls now?',
        'Restart gopls',
      )) !== undefined,
    restart: () => Promise.resolve(vscode.commands.executeCommand(goplsRestartCommand)),
    log: (message) => log.warn(message),
  });
  return vscode.workspace.onDidChangeConfiguration((e) => void offer((s) => e.affectsConfiguration(s)));
}
