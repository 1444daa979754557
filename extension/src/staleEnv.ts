// The stale-editor warning for the status bar: editor-env-stale diagnostics (a GOPROXY vscode-go pinned into
// the extension host at activation that the GOENV file or the login shell no longer give) for the active folder,
// with a "Reload Window" link. Pure: statusBar.ts feeds it vscode.languages.getDiagnostics().
import { ClientCommands, diagnosticSource, staleEditorCode } from './contract';

export interface DiagnosticLike {
  source?: string;
  code?: string | number | { value: string | number };
  message: string;
}

/** A file's diagnostics, by URI string (file:///…). */
export type DiagnosticsByUri = ReadonlyArray<readonly [string, readonly DiagnosticLike[]]>;

function codeOf(d: DiagnosticLike): string | undefined {
  const c = typeof d.code === 'object' ? d.code.value : d.code;
  return c === undefined ? undefined : String(c);
}

function inFolder(uri: string, folder: string): boolean {
  const f = folder.endsWith('/') ? folder : `${folder}/`;
  return uri.startsWith(f);
}

/**
 * The stale-editor messages that concern a folder: those in its files, and those in files outside every
 * workspace folder (the GOENV file, user settings), which every folder shares. Duplicates are dropped.
 */
export function staleEditorMessages(all: DiagnosticsByUri, folder: string, folders: readonly string[]): string[] {
  const out: string[] = [];
  for (const [uri, diags] of all) {
    const mine = inFolder(uri, folder);
    if (!mine && folders.some((f) => inFolder(uri, f))) continue;
    for (const d of diags) {
      if (d.source === diagnosticSource && codeOf(d) === staleEditorCode && !out.includes(d.message)) out.push(d.message);
    }
  }
  return out;
}

/** The command link the status bar tooltip (a trusted MarkdownString for this command only) shows. */
export const reloadWindowLink = `[Reload Window](command:${ClientCommands.reloadWindow})`;

/** The tooltip section for stale-editor messages, or '' when there are none. */
export function staleEditorTooltip(messages: readonly string[]): string {
  if (messages.length === 0) return '';
  return [
    '$(warning) **The editor\'s environment is stale.**',
    '',
    ...messages.map((m) => `- ${escapeMarkdown(m)}`),
    '',
    `${reloadWindowLink} to give gopls, the tools and this server what your sources say now.`,
  ].join('\n');
}

/** Escapes Markdown so that a value shown in a trusted tooltip cannot add links or formatting. */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
