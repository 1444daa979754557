// The status bar's words, from the server's goproxy-doctor/status notification: the gopls consumer's GOPROXY host,
// a warning while consumers diverge or the editor's environment is stale, and a Markdown tooltip. Everything else
// a person reads (the effective environment, the Verify report) the server renders. Pure functions.
import { HealthResponse, healthStatus } from './health';
import { staleEditorTooltip } from './staleEnv';

/** A value and where it was set, as the server sends it. */
export interface Provenance {
  value: string;
  source: string;
  file?: string;
  line?: number;
  key?: string;
  uncertain?: boolean;
  note?: string;
}

/** The params of goproxy-doctor/status (shared/contract.json): one folder's status, sent when it changes. */
export interface FolderStatus {
  uri: string;
  folder: string;
  /** gopls' GOPROXY (the first consumer's when there is no gopls). */
  goproxy: Provenance;
  /** Every consumer's GOPROXY and (servers since the tree view) every variable with its source. */
  consumers: { name: string; value: Provenance; vars?: Record<string, Provenance> }[];
  /** The variables the consumers disagree on, each distinct (value, source) with the consumers holding it. */
  divergent: { name: string; values: { value: string; source: string; consumers: string[] }[] }[];
  /** editor-env-stale messages: values vscode-go pinned into the editor that are out of date. */
  staleEditor: string[];
  errors: number;
  /** The last Verify run's counts per module and per consumer; null or absent before a run. */
  verify?: VerifySummary | null;
}

/** Modules a Verify run found served, failing and skipped. */
export interface VerifyCounts {
  ok: number;
  failing: number;
  skipped: number;
}

export interface VerifySummary extends VerifyCounts {
  modules: number;
  consumers: Record<string, VerifyCounts>;
}

/** SPEC §4's variables in the order people look for them; anything else follows alphabetically. */
const variableOrder = [
  'GOPROXY', 'GOSUMDB', 'GOPRIVATE', 'GONOPROXY', 'GONOSUMDB', 'GOINSECURE', 'GOFLAGS', 'GOAUTH', 'GOTOOLCHAIN',
  'GOVCS', 'GOENV', 'GOROOT', 'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy',
  'ALL_PROXY', 'SSL_CERT_FILE', 'SSL_CERT_DIR',
];

export function sortVariables(names: Iterable<string>): string[] {
  const rank = (n: string) => {
    const i = variableOrder.indexOf(n);
    return i < 0 ? variableOrder.length : i;
  };
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Display width: one column per code point (the values here are ASCII; markers are single-width symbols). */
function width(s: string): number {
  return [...s].length;
}

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - width(s)));
}

/** A Markdown table padded so that it also reads as a table in plain text. */
export function formatMarkdownTable(headers: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
  const cells = rows.map((r) => headers.map((_, i) => esc(r[i] ?? '')));
  const head = headers.map(esc);
  const widths = head.map((h, i) => Math.max(width(h), 3, ...cells.map((r) => width(r[i]))));
  const line = (cs: string[]) => `| ${cs.map((c, i) => pad(c, widths[i])).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function displayValue(value: string | undefined): string {
  if (value === undefined) return '(unset)';
  if (value === '') return '(empty)';
  return value;
}

/** Where a value was set: `.vscode/settings.json:3 go.toolsEnvVars.GOPROXY`, relative to the folder when inside it. */
export function describeLocation(p: Provenance, folder?: string): string {
  if (!p.file) return p.key ?? '';
  let file = p.file;
  if (folder) {
    const root = folder.endsWith('/') || folder.endsWith('\\') ? folder : folder + (folder.includes('\\') && !folder.includes('/') ? '\\' : '/');
    if (file.startsWith(root)) file = file.slice(root.length);
  }
  const at = p.line ? `${file}:${p.line}` : file;
  return p.key ? `${at} ${p.key}` : at;
}

/** Marks a divergent variable. */
export const differsMark = '≠';

/** The host (and port) of the first GOPROXY entry, or the keyword (`direct`, `off`) when it has no URL. */
export function goproxyHost(value: string | undefined): string {
  if (value === undefined || value.trim() === '') return '(empty)';
  const first = value.split(/[,|]/)[0].trim();
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^@/]*@)?([^/?#]+)/.exec(first);
  if (m) return m[1];
  return first;
}

export interface StatusSummary {
  text: string;
  warning: boolean;
  /** Markdown for the tooltip. */
  tooltip: string;
}

/** One spelling of a folder URI for lookups: decoded, without a trailing slash, lower case. */
export function folderKey(uri: string): string {
  let u = uri;
  try {
    u = decodeURIComponent(uri);
  } catch {
    // keep it as it came
  }
  return u.replace(/\/+$/, '').toLowerCase();
}

/** The latest goproxy-doctor/status per folder. */
export class FolderStatuses {
  private readonly byFolder = new Map<string, FolderStatus>();

  update(status: FolderStatus): void {
    this.byFolder.set(folderKey(status.uri), status);
  }

  get(folderUri: string): FolderStatus | undefined {
    return this.byFolder.get(folderKey(folderUri));
  }

  /** The server stopped: what it said no longer holds. */
  clear(): void {
    this.byFolder.clear();
  }
}

/** The status bar item: the gopls consumer's GOPROXY host, a warning while consumers diverge. */
export function statusSummary(status: FolderStatus): StatusSummary {
  const goproxy = status.goproxy;
  const host = goproxyHost(goproxy?.value);
  const divergent = sortVariables(status.divergent.map((d) => d.name));
  const warning = divergent.length > 0;
  const text = `${warning ? '$(warning)' : '$(cloud)'} GOPROXY ${host}`;
  const rows = status.consumers.map((c) => [c.name, c.value ? displayValue(c.value.value) : '(unset)', c.value ? c.value.source : '']);
  const tooltip = [
    `**Go Proxy Doctor**: ${status.folder}`,
    '',
    `gopls uses GOPROXY \`${displayValue(goproxy?.value)}\`${goproxy ? ` (${goproxy.source}${goproxy.file ? `, ${describeLocation(goproxy, status.folder)}` : ''})` : ''}.`,
    '',
    warning ? `${differsMark} Consumers disagree on: ${divergent.join(', ')}.` : 'All consumers agree.',
    '',
    formatMarkdownTable(['Consumer', 'GOPROXY', 'Source'], rows),
    '',
    'Click to show the effective environment.',
  ].join('\n');
  return { text, warning, tooltip };
}

/** Puts the health check's state and latency of the gopls proxy into the summary, when it is for this folder. */
export function withHealth(summary: StatusSummary, res: HealthResponse | undefined, folderUri: string): StatusSummary {
  if (!res || folderKey(res.uri) !== folderKey(folderUri)) return summary;
  const h = healthStatus(res);
  if (!h) return summary;
  const icon = summary.warning || h.warning ? '$(warning)' : '$(cloud)';
  return { text: `${icon} ${h.text.replace('$(warning) ', '')}`, tooltip: `${h.tooltip}\n\n---\n\n${summary.tooltip}`, warning: summary.warning || h.warning };
}

/**
 * What the status bar shows for a folder: its summary with the health check's result, and a stale editor
 * environment (editor-env-stale) first, with its Reload Window link. undefined: no status for the folder yet.
 */
export function statusView(status: FolderStatus | undefined, health: HealthResponse | undefined): StatusSummary | undefined {
  if (!status) return undefined;
  const summary = withHealth(statusSummary(status), health, status.uri);
  const stale = staleEditorTooltip(status.staleEditor ?? []);
  if (stale) return { text: summary.text.replace('$(cloud)', '$(warning)'), tooltip: `${stale}\n\n---\n\n${summary.tooltip}`, warning: true };
  return summary;
}
