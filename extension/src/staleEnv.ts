// The stale-editor warning for the status bar: the messages of editor-env-stale findings (a GOPROXY vscode-go
// pinned into the extension host at activation that the GOENV file or the login shell no longer give) that the
// server sends per folder in goproxy-doctor/status, with a "Reload Window" link. Pure.
import { ClientCommands } from './contract';

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
