-- End-to-end test of `gantry lsp` with Neovim as the client (run by scripts/test-neovim.sh).
-- Opens a spec with a misspelt SLO reference, and checks what a person editing it would see:
-- the diagnostic, a hover with the SLO's burn-rate thresholds, completion, go to definition,
-- and the diagnostic gone once the reference is fixed. Works with Neovim 0.7 and later.

local gantry = assert(os.getenv("GANTRY_BIN"), "GANTRY_BIN is not set")
local root = assert(os.getenv("GANTRY_WORKSPACE"), "GANTRY_WORKSPACE is not set")
local spec = root .. "/checkout.kdl"

local failures = 0
local function check(ok, what)
  if ok then
    io.stdout:write("ok: " .. what .. "\n")
  else
    failures = failures + 1
    io.stdout:write("FAILED: " .. what .. "\n")
  end
end

local function finish()
  io.stdout:write(string.format("%d passed, %d failed\n", 6 - failures, failures))
  io.stdout:flush()
  vim.cmd(failures == 0 and "qall!" or "cquit 1")
end

vim.cmd("edit " .. vim.fn.fnameescape(spec))
local buf = vim.api.nvim_get_current_buf()
local uri = vim.uri_from_bufnr(buf)

-- The raw diagnostics the server publishes for this file, newest last.
local published = {}
local client_id = vim.lsp.start_client({
  name = "gantry",
  cmd = { gantry, "lsp" },
  root_dir = root,
  handlers = {
    ["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
      if result.uri == uri then
        table.insert(published, result.diagnostics)
      end
      return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
  },
})
if not client_id then
  check(false, "the server starts")
  return finish()
end
vim.lsp.buf_attach_client(buf, client_id)
local client = vim.lsp.get_client_by_id(client_id)

local function wait_for(predicate)
  return vim.wait(20000, predicate, 20)
end

-- 1. The diagnostic, with its rule id and did-you-mean.
local got = wait_for(function()
  local last = published[#published]
  return last ~= nil and #last > 0
end)
local first = got and published[#published][1] or {}
check(got and first.code == "unresolved-reference"
  and (first.message or ""):find("did you mean `availability`", 1, true) ~= nil,
  "diagnostic unresolved-reference with a did-you-mean: " .. vim.inspect(first.message))
check(#vim.diagnostic.get(buf) > 0, "Neovim shows the diagnostic")

-- The position `shift` characters into the first occurrence of `literal` (no regex).
local function position_of(literal, shift)
  local line = vim.fn.search("\\V" .. vim.fn.escape(literal, "\\"), "nw")
  local text = vim.api.nvim_buf_get_lines(buf, line - 1, line, false)[1] or ""
  local col = (text:find(literal, 1, true) or 1) - 1 + shift
  return { line = line - 1, character = col }
end
local function params(literal, shift)
  return { textDocument = { uri = uri }, position = position_of(literal, shift) }
end

-- 2. Hover on the SLO: its error budget and burn-rate thresholds.
local hover = client.request_sync("textDocument/hover", params('slo "availability"', 6), 10000, buf)
local hover_text = hover and hover.result and hover.result.contents.value or ""
check(hover_text:find("43.2 min", 1, true) and hover_text:find("| page | 1h / 5m | 14.4× | 0.0144 |", 1, true),
  "hover shows the error budget and the page threshold")

-- 3. Go to definition from a runbook reference.
local def = client.request_sync("textDocument/definition", params('runbook="checkout-latency"', 10), 10000, buf)
local target = def and def.result and def.result[1]
check(target ~= nil and target.range.start.line == position_of('runbook "checkout-latency"', 0).line,
  "definition jumps to the runbook")

-- 4. Completion of the misspelt SLO's value offers the feature's SLOs.
local completion = client.request_sync("textDocument/completion", params('slo="availabilty', 5), 10000, buf)
local labels = {}
for _, item in ipairs(completion and completion.result or {}) do
  table.insert(labels, item.label)
end
check(vim.tbl_contains(labels, "availability") and vim.tbl_contains(labels, "latency"),
  "completion offers the SLOs: " .. table.concat(labels, ", "))

-- 5. Fixing the reference clears the diagnostic.
local line = vim.fn.search('slo="availabilty"', "nw")
local fixed = vim.api.nvim_buf_get_lines(buf, line - 1, line, false)[1]:gsub("availabilty", "availability")
local count = #published
vim.api.nvim_buf_set_lines(buf, line - 1, line, false, { fixed })
local cleared = wait_for(function()
  return #published > count and #published[#published] == 0
end)
check(cleared, "the diagnostic is cleared once fixed")

client.stop()
finish()
