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
  /** How the proxy answered: ok, not-found, timeout, refused, tls-error, … (older servers: an HTTP status). */
  status?: string | number;
  latencyMs?: number;
  /** Whether <url>/sumdb/<name>/supported answered 200; null when unknown. */
  sumdb?: boolean | string | null;
  error?: string;
  consumers?: string[];
  via?: string;
}

export interface ModuleAttempt {
  proxy: string;
  /** The HTTP status of the last request; 0 when there was no answer. */
  status?: string | number;
  outcome: string;
  class?: string;
  error?: string;
  /** The go command's second lookup of the same origin (a private module it does not know): listed once. */
  repeat?: boolean;
}

export interface ModuleProbe {
  path: string;
  version: string;
  consumer?: string;
  consumers?: string[];
  attempts?: ModuleAttempt[];
  servedBy?: string;
  outcome: string;
  error?: string;
}

export interface SumDBProbe {
  name: string;
  consumers?: string[];
  off?: boolean;
  via?: string;
  status?: string;
  latencyMs?: number;
  error?: string;
}

export interface Advice {
  consumers?: string[];
  message: string;
}

/** A GOPROXY value ranked by health and latency, for one consumer environment (only when it differs). */
export interface Recommendation {
  consumer?: string;
  consumers?: string[];
  current: string;
  recommended: string;
  why?: string;
}

/** A proxy the user is considering (goProxy.verify.candidates), probed as a configured entry would be. */
export interface CandidateProbe extends ProxyProbe {
  /** How many of the folder's public modules it was asked for, and served. */
  modules?: number;
  served?: number;
}

/** A URL the workspace chose that the server did not contact: the workspace is not trusted. */
export interface WithheldURL {
  url: string;
  kind?: string;
  source?: string;
  consumers?: string[];
}

/** SPEC §8's `verify --json`, plus the checksum databases, failover advice and the withheld URLs. */
export interface VerifyResult {
  proxies?: ProxyProbe[];
  modules?: ModuleProbe[];
  sumdbs?: SumDBProbe[];
  advice?: Advice[];
  withheld?: WithheldURL[];
  recommendations?: Recommendation[];
  candidates?: CandidateProbe[];
}

export interface FolderVerify extends VerifyResult {
  folder: string;
  uri?: string;
}

/** goproxy-doctor.verify's answer: one result per folder (or, from a single-folder server, the result itself). */
export type VerifyResponse = { folders: FolderVerify[]; text?: string } | VerifyResult;

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

function latency(ms: number | undefined): string {
  return ms === undefined ? '' : `${Math.round(ms)} ms`;
}

function consumersOf(x: { consumers?: string[]; consumer?: string }): string {
  return x.consumers && x.consumers.length > 0 ? x.consumers.join(', ') : cell(x.consumer);
}

/** One attempt of a module's route: `<proxy> → 404 not-found`, or the failure class when nothing answered. */
function attemptText(a: ModuleAttempt): string {
  const answered = a.status !== undefined && a.status !== '' && a.status !== 0;
  const what = answered ? `${a.status} ${a.outcome}` : a.class && a.class !== a.outcome ? `${a.outcome} (${a.class})` : a.outcome;
  return `${a.proxy} → ${what}`;
}

/** Counts by value, most frequent first: `2 ok, 1 timeout`. */
function tally(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([v, n]) => `${n} ${v}`).join(', ');
}

/** The body of one Verify result: proxies, modules, checksum databases, advice, a summary line. */
export function renderVerifyResult(result: VerifyResult): string {
  const out: string[] = [];
  const proxies = result.proxies ?? [];
  const modules = result.modules ?? [];
  const sumdbs = result.sumdbs ?? [];
  const advice = result.advice ?? [];
  const withheld = result.withheld ?? [];
  if (withheld.length > 0) {
    out.push('Not contacted: the workspace is not trusted, and it chose these URLs:');
    for (const w of withheld) out.push(`  withheld ${w.kind ?? ''} ${w.url} ← ${w.source ?? '?'}${w.consumers && w.consumers.length > 0 ? ` (${w.consumers.join(', ')})` : ''}`);
    out.push('');
  }
  out.push(`Proxies (${proxies.length})`);
  out.push(
    proxies.length > 0
      ? formatTable(
          ['PROXY', 'STATUS', 'LATENCY', 'SUMDB', 'CONSUMERS', 'ERROR'],
          proxies.map((p) => [p.via ? `${p.url} (via ${p.via})` : p.url, cell(p.status), latency(p.latencyMs), cell(p.sumdb), consumersOf(p), cell(p.error)]),
        )
      : '(no proxy is configured for any consumer)',
  );
  const candidates = result.candidates ?? [];
  if (candidates.length > 0) {
    out.push('', `Candidates (${candidates.length}; probed as a GOPROXY entry would be, nothing was changed)`);
    out.push(
      formatTable(
        ['CANDIDATE', 'STATUS', 'LATENCY', 'SUMDB', 'SERVED', 'CONSUMERS', 'ERROR'],
        candidates.map((c) => [c.via ? `${c.url} (via ${c.via})` : c.url, cell(c.status), latency(c.latencyMs), cell(c.sumdb), `${c.served ?? 0}/${c.modules ?? 0}`, consumersOf(c), cell(c.error)]),
      ),
    );
  }
  out.push('', `Modules (${modules.length})`);
  out.push(
    modules.length > 0
      ? formatTable(
          ['MODULE', 'VERSION', 'CONSUMERS', 'OUTCOME', 'SERVED BY', 'ATTEMPTS'],
          modules.map((m) => [m.path, m.version, consumersOf(m), m.outcome, cell(m.servedBy), (m.attempts ?? []).filter((a) => !a.repeat).map(attemptText).join('; ')]),
        )
      : '(go.mod and go.work require no module)',
  );
  const failures = modules.filter((m) => m.error);
  if (failures.length > 0) {
    out.push('', 'What the go command would report:');
    for (const m of failures) out.push(`  ${m.path}@${m.version} (${consumersOf(m)}): ${m.error}`);
  }
  if (sumdbs.length > 0) {
    out.push('', `Checksum databases (${sumdbs.length})`);
    out.push(
      formatTable(
        ['NAME', 'CONSUMERS', 'VIA', 'STATUS', 'LATENCY', 'ERROR'],
        sumdbs.map((d) => [d.name, consumersOf(d), d.off ? 'off' : cell(d.via), cell(d.status), latency(d.latencyMs), cell(d.error)]),
      ),
    );
  }
  for (const r of result.recommendations ?? []) {
    const who = r.consumers && r.consumers.length > 0 ? r.consumers.join(', ') : (r.consumer ?? '?');
    out.push('', `recommended GOPROXY for ${who}: ${r.recommended}`, `  (now ${r.current}${r.why ? `; ${r.why}` : ''})`);
  }
  if (advice.length > 0) {
    out.push('', 'Advice:');
    for (const a of advice) out.push(`  - ${a.message}${a.consumers && a.consumers.length > 0 ? ` (${a.consumers.join(', ')})` : ''}`);
  }
  const ok = modules.filter((m) => m.outcome === 'ok' || m.outcome === 'skipped').length;
  const proxyStates = proxies.map((p) => cell(p.status) || (p.error ? 'error' : 'unknown'));
  out.push('', `${ok}/${modules.length} modules ok${proxies.length > 0 ? `; proxies: ${tally(proxyStates)}` : ''}`);
  return out.join('\n');
}

/** Every URL a Verify response says it withheld, across folders. */
export function withheldURLs(response: VerifyResponse): WithheldURL[] {
  const folders: VerifyResult[] = 'folders' in response && Array.isArray(response.folders) ? response.folders : [response as VerifyResult];
  return folders.flatMap((f) => f.withheld ?? []);
}

/** The distinct hosts (host:port; the path for file:// URLs) of withheld URLs, for a person to judge. */
export function withheldHosts(list: WithheldURL[]): string[] {
  const hosts = new Set<string>();
  for (const w of list) {
    try {
      const u = new URL(w.url);
      hosts.add(u.protocol === 'file:' ? w.url : u.host);
    } catch {
      hosts.add(w.url);
    }
  }
  return [...hosts].sort();
}

/** The Output channel text for a Verify run: a heading and a result per folder. */
export function renderVerify(response: VerifyResponse, heading: (folder?: string) => string): string {
  const folders: FolderVerify[] = 'folders' in response && Array.isArray(response.folders) ? response.folders : [{ ...(response as VerifyResult), folder: '' }];
  if (folders.length === 0) return `${heading()}\n\n(no workspace folder to verify)\n`;
  return folders.map((f) => `${heading(f.folder || undefined)}\n\n${renderVerifyResult(f)}\n`).join('\n');
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
