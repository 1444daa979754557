// Turns the server's JSON (goproxy-doctor.environment, goproxy-doctor.verify) into what a person reads:
// fixed-width tables for the Output channel, a Markdown document, the status bar text. Pure functions.

export interface Provenance {
  value: string;
  source: string;
  file?: string;
  line?: number;
  key?: string;
}

export interface ConsumerEnv {
  name: string;
  vars: Record<string, Provenance>;
}

export interface FolderEnv {
  folder: string;
  uri: string;
  consumers: ConsumerEnv[];
  divergent?: string[];
}

export interface EnvironmentResult {
  folders: FolderEnv[];
  markdown?: string;
}

export interface ProxyProbe {
  url: string;
  status?: string | number;
  latencyMs?: number;
  sumdb?: boolean | string;
  error?: string;
}

export interface ModuleAttempt {
  proxy: string;
  status?: string | number;
  outcome: string;
}

export interface ModuleProbe {
  path: string;
  version: string;
  consumer?: string;
  attempts?: ModuleAttempt[];
  servedBy?: string;
  outcome: string;
}

export interface VerifyResult {
  proxies?: ProxyProbe[];
  modules?: ModuleProbe[];
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

/** A fixed-width table: a header row, a dashed rule, then the rows; columns separated by two spaces. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(headers.map((_, i) => r[i] ?? '')))].join('\n');
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

/** Marks a divergent variable in tables. */
export const differsMark = '≠';

export function renderEnvironment(result: EnvironmentResult): string {
  const out: string[] = ['# Go Proxy Doctor: effective Go environment', ''];
  out.push(
    'Each consumer is a process the editor or you start: `terminal` (go in the integrated terminal), `gopls`, ' +
      '`tools` (tools vscode-go runs), `install` (tool installation), `debug:<name>`, `task:<label>`. ' +
      `${differsMark} marks a variable whose value differs between consumers.`,
    '',
  );
  if (result.folders.length === 0) {
    out.push('No workspace folder is open.');
    return out.join('\n') + '\n';
  }
  for (const f of result.folders) {
    const divergent = new Set(f.divergent ?? []);
    out.push(`## ${f.folder}`, '');
    if (divergent.size > 0) {
      const names = sortVariables(divergent);
      out.push(`**${differsMark} Differs between consumers: ${names.join(', ')}**`, '');
      // One row per distinct (value, source) of each divergent variable, naming the consumers that share it.
      const rows: string[][] = [];
      for (const v of names) {
        const groups = new Map<string, { consumers: string[]; value: string; source: string }>();
        for (const c of f.consumers) {
          const p = c.vars[v];
          const value = p ? displayValue(p.value) : '(unset)';
          const source = p ? p.source : '';
          const key = `${value}\u0000${source}`;
          const g = groups.get(key) ?? { consumers: [], value, source };
          g.consumers.push(c.name);
          groups.set(key, g);
        }
        let first = true;
        for (const g of groups.values()) {
          rows.push([first ? `${differsMark} ${v}` : '', g.consumers.join(', '), g.value, g.source]);
          first = false;
        }
      }
      const headers = ['Variable', 'Consumers', 'Value', 'Source'];
      out.push(formatMarkdownTable(headers, rows), '');
    } else {
      out.push('All consumers agree.', '');
    }
    for (const c of f.consumers) {
      out.push(`### ${c.name}`, '');
      const rows = sortVariables(Object.keys(c.vars)).map((v) => {
        const p = c.vars[v];
        // A GOENV file line is keyed by the variable itself: the name is already in the row.
        const at = describeLocation(p.key === v ? { ...p, key: undefined } : p, f.folder);
        return [divergent.has(v) ? differsMark : '', v, displayValue(p.value), p.source, at];
      });
      out.push(rows.length > 0 ? formatMarkdownTable(['', 'Variable', 'Value', 'Source', 'Set at'], rows) : 'No variables reported.', '');
    }
  }
  return out.join('\n');
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

export function renderVerify(result: VerifyResult, heading: string): string {
  const out: string[] = [heading, ''];
  const proxies = result.proxies ?? [];
  const modules = result.modules ?? [];
  out.push(`Proxies (${proxies.length})`);
  out.push(
    proxies.length > 0
      ? formatTable(
          ['PROXY', 'STATUS', 'LATENCY', 'SUMDB', 'ERROR'],
          proxies.map((p) => [p.url, cell(p.status), p.latencyMs === undefined ? '' : `${Math.round(p.latencyMs)} ms`, cell(p.sumdb), cell(p.error)]),
        )
      : '(no proxy is configured for any consumer)',
  );
  out.push('', `Modules (${modules.length})`);
  out.push(
    modules.length > 0
      ? formatTable(
          ['MODULE', 'VERSION', 'CONSUMER', 'OUTCOME', 'SERVED BY', 'ATTEMPTS'],
          modules.map((m) => [
            m.path,
            m.version,
            cell(m.consumer),
            m.outcome,
            cell(m.servedBy),
            (m.attempts ?? []).map((a) => `${a.proxy} → ${a.status === undefined || a.status === '' ? a.outcome : `${a.status} ${a.outcome}`}`).join('; '),
          ]),
        )
      : '(go.mod and go.work require no module)',
  );
  const failed = modules.filter((m) => m.outcome !== 'ok' && m.outcome !== 'skipped').length;
  const badProxies = proxies.filter((p) => p.error).length;
  out.push('', `${modules.length - failed}/${modules.length} modules ok, ${proxies.length - badProxies}/${proxies.length} proxies reachable`);
  return out.join('\n') + '\n';
}

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

export function pickFolder(result: EnvironmentResult, folderUri?: string): FolderEnv | undefined {
  if (folderUri) {
    const norm = (u: string) => decodeURIComponent(u).replace(/\/+$/, '').toLowerCase();
    const hit = result.folders.find((f) => norm(f.uri) === norm(folderUri));
    if (hit) return hit;
  }
  return result.folders[0];
}

/** The status bar item: the gopls consumer's GOPROXY host, a warning while consumers diverge. */
export function statusSummary(folder: FolderEnv): StatusSummary {
  const gopls = folder.consumers.find((c) => c.name === 'gopls') ?? folder.consumers[0];
  const goproxy = gopls?.vars['GOPROXY'];
  const host = goproxyHost(goproxy?.value);
  const divergent = sortVariables(folder.divergent ?? []);
  const warning = divergent.length > 0;
  const text = `${warning ? '$(warning)' : '$(cloud)'} GOPROXY ${host}`;
  const rows = folder.consumers.map((c) => {
    const p = c.vars['GOPROXY'];
    return [c.name, p ? displayValue(p.value) : '(unset)', p ? p.source : ''];
  });
  const tooltip = [
    `**Go Proxy Doctor**: ${folder.folder}`,
    '',
    `gopls uses GOPROXY \`${displayValue(goproxy?.value)}\`${goproxy ? ` (${goproxy.source}${goproxy.file ? `, ${describeLocation(goproxy, folder.folder)}` : ''})` : ''}.`,
    '',
    warning ? `${differsMark} Consumers disagree on: ${divergent.join(', ')}.` : 'All consumers agree.',
    '',
    formatMarkdownTable(['Consumer', 'GOPROXY', 'Source'], rows),
    '',
    'Click to show the effective environment.',
  ].join('\n');
  return { text, warning, tooltip };
}
