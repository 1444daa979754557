// The language client: finds the binary, starts `goproxy-doctor serve` over stdio, keeps the server told
// about client state, and calls the server's commands (goproxy-doctor.*) on behalf of the palette commands.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  WorkDoneProgress,
  WorkDoneProgressBegin,
  WorkDoneProgressEnd,
  WorkDoneProgressReport,
} from 'vscode-languageclient/node';
import { ClientState, describeClientState } from './clientState';
import { clientId, displayName, Notifications, ServerCommands, ServerNotifications, Settings, WorkspaceGlobs } from './contract';
import { ExplainErrorResponse } from './explainError';
import { HealthResponse } from './health';
import { clientLensCommand } from './lenses';
import { FolderStatus } from './render';
import { fallbackWarning, findServer, notFoundMessage, serverCandidates } from './serverPath';
import { schemeFromServer, schemeToServer } from './uris';
import { VerifyResponse } from './withheld';

/**
 * The files the server diagnoses. The GOENV file's location is known only to the server: match its usual name.
 * Dockerfiles, compose files, dev containers and CI files (languages dockerfile, yaml, jsonc) by their names.
 */
export const documentSelector = [
  { scheme: 'file', pattern: '**/settings.json' },
  { scheme: 'vscode-userdata', pattern: '**/settings.json' },
  { scheme: 'file', pattern: '**/*.code-workspace' },
  { scheme: 'file', pattern: '**/.vscode/launch.json' },
  { scheme: 'file', pattern: '**/.vscode/tasks.json' },
  { scheme: 'file', pattern: '**/go.mod' },
  { scheme: 'file', pattern: '**/go.work' },
  { scheme: 'file', pattern: '**/go/env' },
  ...WorkspaceGlobs.buildFiles.map((pattern) => ({ scheme: 'file', pattern })),
];

const watchedGlobs = [...WorkspaceGlobs.inputs, ...WorkspaceGlobs.buildFiles];

export type SessionState = { kind: 'stopped' } | { kind: 'starting' } | { kind: 'running'; version: string } | { kind: 'failed'; message: string };

export interface VerifyOptions {
  timeout: string;
  concurrency: number;
  /** Probe the URLs an untrusted workspace chose too: set only after the user confirmed. */
  allowWorkspaceURLs?: boolean;
  /** Proxy URLs to probe next to the configured ones (goProxy.verify.candidates, a user setting). */
  candidates?: string[];
}

/** goproxy-doctor.environment's answer: SPEC §8's env object per folder, and the server's Markdown of them. */
export interface EnvironmentResult {
  folders: unknown[];
  markdown: string;
}

export interface ProgressUpdate {
  message?: string;
  percentage?: number;
}

export class ServerSession implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private watchers: vscode.Disposable[] = [];
  private current: SessionState = { kind: 'stopped' };
  private lastSent = '';
  private readonly changed = new vscode.EventEmitter<SessionState>();
  readonly onDidChangeState = this.changed.event;
  private readonly status = new vscode.EventEmitter<FolderStatus>();
  /** goproxy-doctor/status from the running server: a folder's status changed. */
  readonly onDidReceiveStatus = this.status.event;
  readonly log: vscode.LogOutputChannel;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly clientState: () => ClientState,
  ) {
    this.log = vscode.window.createOutputChannel(`${displayName} Server`, { log: true });
  }

  get state(): SessionState {
    return this.current;
  }

  private setState(s: SessionState): void {
    this.current = s;
    this.changed.fire(s);
  }

  async start(): Promise<void> {
    this.setState({ kind: 'starting' });
    const configured = vscode.workspace.getConfiguration().get<string>(Settings.serverPath, '');
    const lookup = await findServer(
      serverCandidates({
        configuredPath: configured,
        extensionPath: this.context.extensionPath,
        platform: process.platform,
        arch: process.arch,
        envPath: process.env.PATH,
        homeDir: os.homedir(),
      }),
      { exists: isFile, runVersion },
    );
    if (!lookup.ok) {
      const message = notFoundMessage(lookup.rejected, process.platform, process.arch);
      this.log.error(message);
      this.setState({ kind: 'failed', message });
      void vscode.window.showErrorMessage(message, 'Open Settings').then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', Settings.serverPath);
      });
      return;
    }
    const warning = fallbackWarning(lookup);
    if (warning) {
      this.log.warn(warning);
      void vscode.window.showWarningMessage(warning);
    }
    this.log.info(`Starting ${lookup.path} serve (goproxy-doctor ${lookup.version}, from ${lookup.origin}).`);

    const settingsPath = this.clientState().userSettingsPath;
    this.watchers = [
      ...watchedGlobs.map((g) => vscode.workspace.createFileSystemWatcher(g)),
      // The user settings file is outside the workspace: watch its folder explicitly.
      vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(settingsPath)), path.basename(settingsPath))),
    ];
    const caseInsensitive = process.platform === 'win32' || process.platform === 'darwin';
    // No transport: vscode-languageclient then talks stdio without appending --stdio to the arguments.
    const serverOptions: ServerOptions = { command: lookup.path, args: ['serve'] };
    const clientOptions: LanguageClientOptions = {
      documentSelector,
      synchronize: { fileEvents: this.watchers as vscode.FileSystemWatcher[] },
      initializationOptions: () => {
        const state = this.clientState();
        this.lastSent = JSON.stringify(state);
        this.log.info(`initializationOptions: ${describeClientState(state)}`);
        return state;
      },
      outputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      uriConverters: {
        code2Protocol: (uri) => uri.with({ scheme: schemeToServer(uri) }).toString(),
        protocol2Code: (value) => {
          const uri = vscode.Uri.parse(value);
          return uri.with({ scheme: schemeFromServer(uri, this.clientState().userSettingsPath, caseInsensitive) });
        },
      },
      initializationFailedHandler: (error) => {
        const message = `${displayName}: the server failed to initialize: ${error instanceof Error ? error.message : String(error)}`;
        this.log.error(message);
        void vscode.window.showErrorMessage(message);
        return false;
      },
      errorHandler: boundedRestarts(this.log),
      middleware: {
        // The go.mod lenses run the palette commands here (progress, report, the untrusted-workspace prompt).
        provideCodeLenses: async (document, token, next) => {
          const lenses = await next(document, token);
          for (const lens of lenses ?? []) {
            const mapped = lens.command && clientLensCommand(lens.command.command, lens.command.arguments);
            if (lens.command && mapped) lens.command = { ...lens.command, command: mapped.command, arguments: mapped.arguments };
          }
          return lenses;
        },
      },
    };
    const client = new LanguageClient(clientId, `${displayName} Server`, serverOptions, clientOptions);
    // The error handler restarts a crashed server: follow the client through Stopped and back to Running.
    client.onDidChangeState((e) => {
      if (this.client !== client) return;
      if (e.newState === State.Running) this.setState({ kind: 'running', version: lookup.version });
      else if (e.newState === State.Stopped && this.current.kind === 'running') this.setState({ kind: 'stopped' });
    });
    client.onNotification(ServerNotifications.status, (params: FolderStatus) => {
      if (this.client === client) this.status.fire(params);
    });
    this.client = client;
    try {
      await client.start();
    } catch (err) {
      const message = `${displayName}: could not start ${lookup.path}: ${err instanceof Error ? err.message : String(err)}`;
      this.log.error(message);
      this.setState({ kind: 'failed', message });
      return;
    }
    this.setState({ kind: 'running', version: lookup.version });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(5000);
      } catch (err) {
        this.log.warn(`Stopping the server: ${err instanceof Error ? err.message : String(err)}`);
      }
      await client.dispose().catch(() => undefined);
    }
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    this.setState({ kind: 'stopped' });
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Re-sends the initializationOptions shape after trust, folders or the captured environment changed. */
  async sendClientState(): Promise<void> {
    if (!this.client || this.current.kind !== 'running') return;
    const state = this.clientState();
    // Granting trust also fires the extensions and folders events: tell the server once per change.
    const text = JSON.stringify(state);
    if (text === this.lastSent) return;
    this.lastSent = text;
    this.log.info(`${Notifications.clientState}: ${describeClientState(state)}`);
    await this.client.sendNotification(Notifications.clientState, state);
  }

  private running(): LanguageClient {
    if (!this.client || this.current.kind !== 'running') {
      throw new Error(this.current.kind === 'failed' ? this.current.message : `${displayName}: the server is not running`);
    }
    return this.client;
  }

  async environment(folderUri?: string, token?: vscode.CancellationToken): Promise<EnvironmentResult> {
    this.log.info(`${ServerCommands.environment}: ${folderUri ?? 'every folder'}`);
    const result = await this.running().sendRequest(
      ExecuteCommandRequest.type,
      { command: ServerCommands.environment, arguments: [folderUri ? { folder: folderUri } : {}] },
      token,
    );
    return result as EnvironmentResult;
  }

  /** Runs goproxy-doctor.verify with a work-done token of our own, forwarding its reports to onProgress. */
  async verify(folderUri: string, options: VerifyOptions, onProgress: (p: ProgressUpdate) => void, token: vscode.CancellationToken): Promise<VerifyResponse> {
    const client = this.running();
    const workDoneToken = `goProxy.verify/${Date.now()}/${Math.random().toString(36).slice(2)}`;
    const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd) => {
      if (value.kind === 'end') onProgress({ message: value.message });
      else onProgress({ message: value.message, percentage: value.percentage });
    });
    const request = client.sendRequest(
      ExecuteCommandRequest.type,
      {
        command: ServerCommands.verify,
        arguments: [{ folder: folderUri, timeout: options.timeout, concurrency: options.concurrency, allowWorkspaceURLs: options.allowWorkspaceURLs === true, candidates: options.candidates ?? [] }],
        workDoneToken,
      },
      token,
    );
    // Cancelling sends $/cancelRequest (through the token); the notification closes at once rather than when
    // the server gets round to answering.
    let onCancel: vscode.Disposable | undefined;
    const cancelled = new Promise<never>((_, reject) => {
      onCancel = token.onCancellationRequested(() => reject(new vscode.CancellationError()));
    });
    request.catch(() => undefined);
    try {
      return (await Promise.race([request, cancelled])) as VerifyResponse;
    } finally {
      onCancel?.dispose();
      sub.dispose();
    }
  }

  /** goproxy-doctor.verifyResult: a folder's last Verify run from the server's cache (no network). */
  async verifyResult(folderUri: string): Promise<VerifyResponse> {
    const result = await this.running().sendRequest(ExecuteCommandRequest.type, { command: ServerCommands.verifyResult, arguments: [{ folder: folderUri }] });
    return result as VerifyResponse;
  }

  /**
   * Runs goproxy-doctor.health for the gopls consumer of a folder: the server asks each GOPROXY entry only
   * /sumdb/<name>/supported and the named public module's @v/list, and withholds the URLs an untrusted
   * workspace chose (this background check never allows them).
   */
  async health(folderUri: string, module: string, timeout: string): Promise<HealthResponse> {
    const result = await this.running().sendRequest(ExecuteCommandRequest.type, {
      command: ServerCommands.health,
      arguments: [{ folder: folderUri, module, timeout }],
    });
    return result as HealthResponse;
  }

  /** Runs goproxy-doctor.explainError: the server parses the go command's message and explains it for the folder. */
  async explainError(text: string, folderUri: string | undefined, token?: vscode.CancellationToken): Promise<ExplainErrorResponse> {
    const result = await this.running().sendRequest(
      ExecuteCommandRequest.type,
      { command: ServerCommands.explainError, arguments: [folderUri ? { text, folder: folderUri } : { text }] },
      token,
    );
    return result as ExplainErrorResponse;
  }

  /** Applies a WorkspaceEdit the server made (protocol shape) through the editor, so undo works. */
  async applyServerEdit(edit: unknown): Promise<boolean> {
    const client = this.running();
    const converted = await client.protocol2CodeConverter.asWorkspaceEdit(edit as Parameters<typeof client.protocol2CodeConverter.asWorkspaceEdit>[0]);
    return converted ? vscode.workspace.applyEdit(converted) : false;
  }

  /** Stops the server (awaited by deactivate), then releases the channel and the event. */
  async dispose(): Promise<void> {
    await this.stop();
    this.changed.dispose();
    this.status.dispose();
    this.log.dispose();
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

function runVersion(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, ['version'], { timeout: 10_000, windowsHide: true }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}${stderr ? `: ${stderr.trim()}` : ''}`));
      else resolve(stdout);
    });
  });
}

/** Restart a crashed server up to 4 times in 3 minutes, then stay down with a message. */
function boundedRestarts(log: vscode.LogOutputChannel) {
  const crashes: number[] = [];
  return {
    error: () => ({ action: ErrorAction.Continue }),
    closed: () => {
      const now = Date.now();
      crashes.push(now);
      while (crashes.length > 0 && now - crashes[0] > 3 * 60_000) crashes.shift();
      if (crashes.length <= 4) return { action: CloseAction.Restart };
      const message = `${displayName}: the server stopped 5 times in 3 minutes; run Go Proxy: Restart Server after fixing it (details in this channel).`;
      log.error(message);
      return { action: CloseAction.DoNotRestart, message };
    },
  };
}
