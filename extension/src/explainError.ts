// Go Proxy: Explain Error, the part without VS Code: where the error text comes from (the selection, else the
// clipboard, else the output of the last failed `go` command in the integrated terminal) and the tracking of that
// command through the shell-integration events. The explanation itself is the server's (goproxy-doctor.explainError).

/** What goproxy-doctor.explainError answers; the Markdown is rendered by the server. */
export interface ExplainErrorResponse {
  explanation?: { parsed?: { case?: string; module?: string; hop?: string }; title?: string };
  markdown?: string;
  fixes?: { title: string; edit: unknown }[];
}

/** The largest text sent to the server: the end of a long output, where the go command prints its error. */
export const maxErrorText = 256 * 1024;

/** Keeps the end of text when it is longer than maxErrorText. */
export function bounded(text: string): string {
  return text.length > maxErrorText ? text.slice(text.length - maxErrorText) : text;
}

/** Whether text looks like the go command's output about fetching modules (a clipboard holds anything). */
export function looksLikeGoError(text: string): boolean {
  return /(^|\n)\s*go: |verifying |unrecognized import path|GOPROXY|@v\/|proxyconnect|checksum mismatch/.test(text);
}

/** Escape sequences a terminal's raw output holds: CSI (colours, cursor), OSC (shell integration marks, titles). */
// eslint-disable-next-line no-control-regex
const escapes = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]/g;

/** The terminal output as text: escape sequences removed, CR LF as LF. */
export function plainOutput(raw: string): string {
  return raw.replace(escapes, '').replace(/\r\n/g, '\n').replace(/\r/g, '\n');
}

/** Whether a command line runs the go command (go, possibly after env assignments, sudo or a path). */
export function isGoCommand(commandLine: string): boolean {
  const words = commandLine.trim().split(/\s+/);
  let i = 0;
  while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]) || words[i] === 'env' || words[i] === 'sudo')) i++;
  const cmd = words[i] ?? '';
  return cmd === 'go' || cmd.endsWith('/go') || cmd.endsWith('\\go.exe') || cmd === 'go.exe';
}

/** A shell execution as the shell-integration API reports it (the fields used here). */
export interface ShellExecution {
  commandLine: { value: string };
  read(): AsyncIterable<string>;
}

/** A go command that failed, with its output. */
export interface FailedGoCommand {
  commandLine: string;
  exitCode: number;
  output: string;
}

/**
 * Remembers the output of the last `go` command that exited with a non-zero status in any integrated terminal.
 * Feed it the shell-integration events: started() when an execution starts (output must be read from the
 * start), ended() when it ends.
 */
export class LastFailedGoCommand {
  private readonly reading = new Map<ShellExecution, { text: string; done: Promise<void> }>();
  private last: FailedGoCommand | undefined;

  started(execution: ShellExecution): void {
    if (!isGoCommand(execution.commandLine.value)) return;
    const entry = { text: '', done: Promise.resolve() };
    entry.done = (async () => {
      try {
        for await (const chunk of execution.read()) entry.text = bounded(entry.text + chunk);
      } catch {
        // The terminal went away: what was read is kept.
      }
    })();
    this.reading.set(execution, entry);
  }

  async ended(execution: ShellExecution, exitCode: number | undefined): Promise<void> {
    const entry = this.reading.get(execution);
    if (!entry) return;
    this.reading.delete(execution);
    await entry.done;
    // An unknown exit code (a shell without the report) counts as a failure only when the output names an error.
    const output = plainOutput(entry.text);
    if (exitCode === 0 || (exitCode === undefined && !looksLikeGoError(output))) return;
    this.last = { commandLine: execution.commandLine.value, exitCode: exitCode ?? -1, output };
  }

  get(): FailedGoCommand | undefined {
    return this.last;
  }
}

/** Where the text to explain came from, for the heading and the log. */
export type ErrorSource = 'selection' | 'clipboard' | 'terminal';

export interface ErrorTextSources {
  selection(): string | undefined;
  clipboard(): Promise<string>;
  lastFailedGo(): FailedGoCommand | undefined;
}

/** The text to explain: the selection, else the clipboard when it holds go output, else the last failed go command. */
export async function pickErrorText(sources: ErrorTextSources): Promise<{ text: string; from: ErrorSource; detail?: string } | undefined> {
  const selection = sources.selection();
  if (selection && selection.trim() !== '') return { text: bounded(selection), from: 'selection' };
  let clip = '';
  try {
    clip = await sources.clipboard();
  } catch {
    clip = '';
  }
  if (clip.trim() !== '' && looksLikeGoError(clip)) return { text: bounded(clip), from: 'clipboard' };
  const failed = sources.lastFailedGo();
  if (failed) return { text: failed.output, from: 'terminal', detail: `${failed.commandLine} (exit status ${failed.exitCode})` };
  return undefined;
}

/** A command line with the passwords of its URLs masked as the server masks them (user:xxxxx@, or xxxxx@ for a token). */
export function withoutPasswords(text: string): string {
  return text.replace(/(\/\/)([^/@\s:]+):[^/@\s]+@/g, '$1$2:xxxxx@').replace(/(\/\/)[^/@\s:]+@/g, '$1xxxxx@');
}

/** The heading above the server's Markdown: what was explained. */
export function explainHeading(from: ErrorSource, detail?: string): string {
  switch (from) {
    case 'selection':
      return 'Explained: the selected text.';
    case 'clipboard':
      return 'Explained: the text on the clipboard.';
    case 'terminal':
      return `Explained: the output of the last failed go command in the terminal${detail ? `, \`${withoutPasswords(detail).replace(/`/g, "'")}\`` : ''}.`;
  }
}
