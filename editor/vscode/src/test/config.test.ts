import { strict as assert } from "assert";
import { test } from "node:test";

import { resolveServerCommand, SERVER_ARGS } from "../config";

test("a bare name is looked up on PATH", () => {
  assert.equal(resolveServerCommand("gantry", "/ws", "/home/u"), "gantry");
  assert.equal(resolveServerCommand(undefined, "/ws", "/home/u"), "gantry");
  assert.equal(resolveServerCommand("   ", "/ws", "/home/u"), "gantry");
});

test("paths are absolute, under home, or under the workspace folder", () => {
  assert.equal(resolveServerCommand("/opt/gantry/bin/gantry", "/ws", "/home/u"), "/opt/gantry/bin/gantry");
  assert.equal(resolveServerCommand("~/bin/gantry", "/ws", "/home/u"), "/home/u/bin/gantry");
  assert.equal(resolveServerCommand("./target/debug/gantry", "/ws", "/home/u"), "/ws/target/debug/gantry");
});

test("the server is started with `lsp`", () => {
  assert.deepEqual(SERVER_ARGS, ["lsp"]);
});
