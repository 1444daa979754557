// The "Go Proxy" tree view's nodes, from the server's goproxy-doctor/status notifications: folders → consumers →
// variables with their values and sources. Pure functions: the view (tree.ts) only turns nodes into TreeItems.
import { describeLocation, differsMark, displayValue, FolderStatus, goproxyHost, Provenance, sortVariables, VerifyCounts } from './render';

/** Where a click on a variable goes: the winning line (1-based, as the server sends it). */
export interface OpenTarget {
  file: string;
  line: number;
}

export interface TreeNode {
  /** Stable across refreshes, so the view keeps what the user expanded. */
  id: string;
  kind: 'folder' | 'consumer' | 'variable';
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  /** A codicon id. */
  icon: string;
  /** A theme colour id for the icon, when its state has one. */
  iconColor?: string;
  open?: OpenTarget;
  children: TreeNode[];
}

/** The Verify state of a folder or consumer: its icon, colour and words. */
export function verifyState(counts: VerifyCounts | undefined, notRun: string): { icon: string; color?: string; text: string } {
  if (!counts) return { icon: 'circle-large-outline', text: notRun };
  const text = verifyCountsText(counts);
  if (counts.failing > 0) return { icon: 'error', color: 'testing.iconFailed', text };
  if (counts.ok > 0) return { icon: 'pass', color: 'testing.iconPassed', text };
  return { icon: 'circle-slash', color: 'testing.iconSkipped', text };
}

/** "3 ok · 1 failing", with the skipped modules when there are any (the code lens's words). */
export function verifyCountsText(c: VerifyCounts): string {
  const parts = [`${c.ok} ok`, `${c.failing} failing`];
  if (c.skipped > 0) parts.push(`${c.skipped} skipped`);
  return parts.join(' · ');
}

/** The variables a consumer's node lists: every one that is set, and every divergent one (even when unset here). */
function shownVariables(vars: Record<string, Provenance>, divergent: Set<string>): string[] {
  return sortVariables(Object.keys(vars).filter((name) => vars[name].value !== '' || divergent.has(name)));
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/).filter((x) => x !== '');
  return parts.length > 0 ? parts[parts.length - 1] : p;
}

function sourceText(p: Provenance, folder: string): string {
  const where = describeLocation(p, folder);
  return where ? `${p.source}, ${where}` : p.source;
}

function variableNode(folderId: string, consumer: string, name: string, p: Provenance, status: FolderStatus, divergent: boolean): TreeNode {
  const value = displayValue(p.value);
  const lines = [`**${name}** for **${consumer}**: \`${value}\``, '', `Set by ${sourceText(p, status.folder)}.`];
  if (p.uncertain) lines.push('', 'Not observed directly: modelled from the settings.');
  if (p.note) lines.push('', p.note);
  if (divergent) {
    const d = status.divergent.find((x) => x.name === name);
    lines.push('', `${differsMark} The consumers disagree on ${name}:`, '');
    for (const v of d?.values ?? []) lines.push(`- \`${displayValue(v.value)}\` (${v.source}): ${v.consumers.join(', ')}`);
  }
  return {
    id: `${folderId}/${consumer}/${name}`,
    kind: 'variable',
    label: name,
    description: `${divergent ? `${differsMark} ` : ''}${value} · ${p.source}`,
    tooltip: lines.join('\n'),
    icon: divergent ? 'warning' : 'symbol-variable',
    iconColor: divergent ? 'list.warningForeground' : undefined,
    open: p.file ? { file: p.file, line: p.line && p.line > 0 ? p.line : 1 } : undefined,
    children: [],
  };
}

/** One folder's node, with its consumers and their variables. */
export function folderNode(status: FolderStatus, name?: string): TreeNode {
  const id = status.uri;
  const divergent = new Set(status.divergent.map((d) => d.name));
  const summary = status.verify ?? undefined;
  const state = verifyState(summary ?? undefined, 'not verified');
  const consumers = status.consumers.map((c): TreeNode => {
    const vars = c.vars ?? { GOPROXY: c.value };
    const names = shownVariables(vars, divergent);
    const differs = names.filter((n) => divergent.has(n));
    const cs = verifyState(summary ? (summary.consumers[c.name] ?? { ok: 0, failing: 0, skipped: 0 }) : undefined, '');
    const description = [`GOPROXY ${goproxyHost(c.value?.value)}`];
    if (differs.length > 0) description.push(`${differsMark} ${differs.length}`);
    if (summary) description.push(cs.text);
    return {
      id: `${id}/${c.name}`,
      kind: 'consumer',
      label: c.name,
      description: description.join(' · '),
      tooltip: [
        `**${c.name}** uses GOPROXY \`${displayValue(c.value?.value)}\` (${c.value ? sourceText(c.value, status.folder) : 'unset'}).`,
        '',
        differs.length > 0 ? `${differsMark} Differs from other consumers on: ${differs.join(', ')}.` : 'Agrees with the other consumers.',
        '',
        summary ? `Last Verify: ${cs.text}.` : 'Not verified yet: run Go Proxy: Verify.',
      ].join('\n'),
      icon: summary ? cs.icon : 'symbol-event',
      iconColor: summary ? cs.color : undefined,
      children: names.map((n) => variableNode(id, c.name, n, vars[n], status, divergent.has(n))),
    };
  });
  const description = [`GOPROXY ${goproxyHost(status.goproxy?.value)}`];
  if (divergent.size > 0) description.push(`${differsMark} ${divergent.size}`);
  description.push(state.text);
  return {
    id,
    kind: 'folder',
    label: name ?? baseName(status.folder),
    description: description.join(' · '),
    tooltip: [
      `**${status.folder}**`,
      '',
      divergent.size > 0 ? `${differsMark} Consumers disagree on: ${sortVariables(divergent).join(', ')}.` : 'All consumers agree.',
      '',
      summary ? `Last Verify: ${summary.modules} module(s), ${state.text}.` : 'Not verified yet: run Go Proxy: Verify.',
    ].join('\n'),
    icon: summary ? state.icon : 'root-folder',
    iconColor: state.color,
    children: consumers,
  };
}

/** The tree's roots: one node per folder with a status, in the order given (the workspace's). */
export function buildTree(folders: { status: FolderStatus; name?: string }[]): TreeNode[] {
  return folders.map((f) => folderNode(f.status, f.name));
}

/** How many variables diverge over all folders: the view's badge. */
export function divergentCount(statuses: FolderStatus[]): number {
  return statuses.reduce((n, s) => n + s.divergent.length, 0);
}
