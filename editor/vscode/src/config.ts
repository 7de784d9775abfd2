// How the extension finds the `gantry` binary: the pure part of the client, unit-tested.

import * as path from "path";

/**
 * The command that starts the language server, from the `gantry.path` setting.
 * A bare name (`gantry`) is looked up on PATH; `~/…` is under the home folder; a relative path
 * with a folder (`./target/debug/gantry`) is under the workspace folder.
 */
export function resolveServerCommand(
  setting: string | undefined,
  workspaceFolder: string | undefined,
  home: string,
): string {
  const value = (setting ?? "").trim();
  if (value === "") {
    return "gantry";
  }
  if (value === "~" || value.startsWith("~/")) {
    return path.join(home, value.slice(1));
  }
  if (path.isAbsolute(value)) {
    return value;
  }
  if (value.includes("/") || value.includes("\\")) {
    return path.resolve(workspaceFolder ?? process.cwd(), value);
  }
  return value;
}

/** The arguments that make `gantry` a language server. */
export const SERVER_ARGS: readonly string[] = ["lsp"];
