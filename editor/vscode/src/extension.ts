// The VS Code client of `gantry lsp`: a thin shell that starts the server for the workspace's
// `.kdl` files and restarts it when `gantry.path` changes.

import * as os from "os";
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";

import { resolveServerCommand, SERVER_ARGS } from "./config";

let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const setting = vscode.workspace.getConfiguration("gantry").get<string>("path");
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const command = resolveServerCommand(setting, folder, os.homedir());
  return { command, args: [...SERVER_ARGS] };
}

async function start(): Promise<void> {
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "kdl" }],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.kdl"),
    },
  };
  client = new LanguageClient("gantry", "gantry", serverOptions(), clientOptions);
  await client.start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("gantry.path")) {
        await client?.stop();
        await start();
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
