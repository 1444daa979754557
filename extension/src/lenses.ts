// The server's code lenses on go.mod run its own commands (goproxy-doctor.verify, goproxy-doctor.verifyResult),
// which any LSP client can execute. In VS Code they run the palette commands instead, for the folder the lens names:
// Verify then shows its progress notification and report, and the result lens opens the report. Pure.
import { Commands, ServerCommands } from './contract';

export interface LensCommand {
  command: string;
  arguments: unknown[];
}

/** The folder URI a lens's argument names ({ folder: uri }), if any. */
export function lensFolder(args: readonly unknown[] | undefined): string | undefined {
  const a = args?.[0];
  if (a && typeof a === 'object' && typeof (a as { folder?: unknown }).folder === 'string') return (a as { folder: string }).folder;
  return undefined;
}

/** The palette command a server lens command maps to (undefined: keep the server's). */
export function clientLensCommand(command: string, args: readonly unknown[] | undefined): LensCommand | undefined {
  const folder = lensFolder(args);
  const rest = folder ? [folder] : [];
  if (command === ServerCommands.verify) return { command: Commands.verify, arguments: rest };
  if (command === ServerCommands.verifyResult) return { command: Commands.showVerifyResult, arguments: rest };
  return undefined;
}
