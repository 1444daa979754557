// The "Go Proxy" view in the Explorer: what the server pushes (goproxy-doctor/status, per folder, when it changes) as
// folders → consumers → variables. It never asks the server: a status arriving refreshes it, and nothing polls.
import * as vscode from 'vscode';
import { ServerSession } from './client';
import { Views } from './contract';
import { differsMark, FolderStatus, FolderStatuses } from './render';
import { buildTree, divergentCount, TreeNode } from './treeModel';

export class GoProxyTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly statuses = new FolderStatuses();
  private roots: TreeNode[] = [];
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<TreeNode>;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly session: ServerSession) {
    this.view = vscode.window.createTreeView(Views.tree, { treeDataProvider: this, showCollapseAll: true });
    this.subscriptions.push(
      this.view,
      session.onDidChangeState((s) => {
        // A new server sends every folder's status afresh; a stopped one's no longer holds.
        if (s.kind !== 'running') this.statuses.clear();
        this.rebuild();
      }),
      session.onDidReceiveStatus((status) => {
        this.statuses.update(status);
        this.rebuild();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.rebuild()),
    );
    this.rebuild();
  }

  private rebuild(): void {
    // Workspace order; a status for a folder no longer open is dropped.
    const folders = (vscode.workspace.workspaceFolders ?? [])
      .map((f) => ({ status: this.statuses.get(f.uri.toString()), name: f.name }))
      .filter((f): f is { status: FolderStatus; name: string } => f.status !== undefined);
    this.roots = buildTree(folders);
    const state = this.session.state;
    this.view.message =
      state.kind === 'failed' ? state.message : this.roots.length === 0 ? (state.kind === 'running' ? 'Waiting for the first diagnosis…' : 'The Go Proxy Doctor server is not running.') : undefined;
    const n = divergentCount(folders.map((f) => f.status));
    this.view.badge = n > 0 ? { value: n, tooltip: `${differsMark} ${n} variable(s) differ between consumers` } : undefined;
    this.changed.fire(undefined);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const collapsible =
      node.children.length === 0
        ? vscode.TreeItemCollapsibleState.None
        : node.kind === 'folder'
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(node.label, collapsible);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = new vscode.MarkdownString(node.tooltip);
    item.iconPath = new vscode.ThemeIcon(node.icon, node.iconColor ? new vscode.ThemeColor(node.iconColor) : undefined);
    item.contextValue = `goProxy.${node.kind}`;
    if (node.open) {
      const line = Math.max(0, node.open.line - 1);
      item.command = {
        command: 'vscode.open',
        title: 'Open the winning line',
        arguments: [vscode.Uri.file(node.open.file), { selection: new vscode.Range(line, 0, line, 0), preview: true }],
      };
    }
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return node ? node.children : this.roots;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
