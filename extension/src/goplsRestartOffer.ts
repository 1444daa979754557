// Whether and how to offer a gopls restart after a settings change: gopls reads go.toolsEnvVars and
// gopls.build.env only when it starts. Pure (no vscode import) so it is unit-tested; goplsRestart.ts wires it.

export const goplsRestartCommand = 'go.languageserver.restart';
/** The settings gopls takes its environment from. */
export const goplsEnvSettings = ['go.toolsEnvVars', 'gopls'];

export interface RestartOfferDeps {
  vscodeGoInstalled(): boolean;
  restartCommandExists(): Promise<boolean>;
  /** Shows the offer; true when the person chose to restart. */
  ask(): Promise<boolean>;
  restart(): Promise<unknown>;
  log(message: string): void;
}

export type RestartOutcome = 'unrelated' | 'busy' | 'no-vscode-go' | 'declined' | 'restarted' | 'failed';

/** Returns the handler for one configuration change; at most one offer is open at a time. */
export function goplsRestartOffer(deps: RestartOfferDeps): (affects: (section: string) => boolean) => Promise<RestartOutcome> {
  let open = false;
  return async (affects) => {
    if (!goplsEnvSettings.some((s) => affects(s))) return 'unrelated';
    if (open) return 'busy';
    open = true;
    try {
      if (!deps.vscodeGoInstalled() || !(await deps.restartCommandExists())) return 'no-vscode-go';
      if (!(await deps.ask())) return 'declined';
      await deps.restart();
      return 'restarted';
    } catch (err) {
      deps.log(`Restarting gopls through ${goplsRestartCommand} failed: ${err instanceof Error ? err.message : String(err)}`);
      return 'failed';
    } finally {
      open = false;
    }
  };
}
