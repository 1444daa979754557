-- Neovim 0.7 (Debian) as a second LSP client of goproxy-doctor: open the fixture's .vscode/settings.json,
-- attach the server, wait for its diagnostics, ask for code actions on the env-divergence one and apply the
-- one named by $E2E_APPLY. It opts in to goproxy-doctor/status (initializationOptions.statusNotifications) and
-- records every status, and reads the environment report the server renders (goproxy-doctor.environment's
-- markdown), the hover on the GOPROXY key, and asks for completion inside go.toolsEnvVars (a GO variable name
-- after `"GOP`). On go.mod it asks for the code lenses, runs the "Verify N modules" lens's command as it came
-- and asks again for the "N ok · M failing" one. Everything observed is written as JSON to $E2E_RESULT for neovim.test.mjs.
local bin = assert(os.getenv('E2E_SERVER_BIN'), 'E2E_SERVER_BIN')
local ws = assert(os.getenv('E2E_WORKSPACE'), 'E2E_WORKSPACE')
local out = assert(os.getenv('E2E_RESULT'), 'E2E_RESULT')
-- The code action to apply: the first whose title starts with this.
local apply_title = assert(os.getenv('E2E_APPLY'), 'E2E_APPLY')
local result = { diagnostics = {}, actions = {}, applied = false, statuses = {}, completion = {} }
local started = vim.loop.hrtime()
local function elapsed_ms() return math.floor((vim.loop.hrtime() - started) / 1e6) end

local function text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
end

local function code_of(d)
  if d.code ~= nil then return d.code end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code or nil
end

-- The document versions the server's diagnostics were computed for, per URI: a diagnosis of the file as
-- read from disk (no version) can arrive before the one of the opened buffer.
local published = {}
local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
  if params and params.version ~= nil then published[params.uri] = params.version end
  return publish(err, params, ctx, config)
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(ws .. '/.vscode/settings.json'))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'jsonc'
  local client_id = vim.lsp.start_client({
    name = 'goproxy-doctor',
    cmd = { bin, 'serve' },
    root_dir = ws,
    workspace_folders = { { uri = vim.uri_from_fname(ws), name = 'divergence' } },
    init_options = { statusNotifications = true },
    handlers = {
      ['goproxy-doctor/status'] = function(_, params)
        table.insert(result.statuses, { uri = params.uri, goproxy = params.goproxy.value, source = params.goproxy.source,
          divergent = vim.tbl_map(function(d) return d.name end, params.divergent) })
      end,
    },
  })
  assert(client_id, 'vim.lsp.start_client failed')
  vim.lsp.buf_attach_client(buf, client_id)
  local uri = vim.uri_from_bufnr(buf)
  result.got_diagnostic = vim.wait(20000, function()
    if published[uri] ~= vim.lsp.util.buf_versions[buf] then return false end
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if code_of(d) == 'env-divergence' then return true end
    end
    return false
  end, 20)
  result.diagnostics_ms = elapsed_ms()
  result.before = text(buf)
  local target
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local entry = { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, source = d.source, code = code_of(d), message = d.message }
    table.insert(result.diagnostics, entry)
    if entry.code == 'env-divergence' and not target then target = entry end
  end
  local client = vim.lsp.get_client_by_id(client_id)
  -- Completion inside go.toolsEnvVars, before the code action edits the buffer: the cursor after `"GOP`.
  result.completion_provider = client.supports_method('textDocument/completion') and true or false
  for lnum, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local at = line:find('"GOPROXY"', 1, true)
    if at and result.completion_provider and not result.completion_position then
      result.completion_position = { line = lnum - 1, character = at - 1 + 4 }
      local responses, completion_err = vim.lsp.buf_request_sync(buf, 'textDocument/completion',
        { textDocument = { uri = uri }, position = result.completion_position }, 10000)
      result.completion_error = completion_err
      for _, resp in pairs(responses or {}) do
        if resp.error then result.completion_error = resp.error.message end
        local items = resp.result and (resp.result.items or resp.result) or {}
        result.completion_incomplete = resp.result and resp.result.isIncomplete or false
        for _, item in ipairs(items) do
          table.insert(result.completion, { label = item.label, kind = item.kind,
            documentation = type(item.documentation) == 'table' and item.documentation.value or item.documentation,
            new_text = item.textEdit and item.textEdit.newText or nil, range = item.textEdit and item.textEdit.range or nil })
        end
      end
    end
  end
  -- The code lenses on go.mod: plain LSP, the server's own commands. Before the fix is applied, so that every
  -- consumer still reads a loopback mirror (install's comes from the workspace settings).
  -- Loaded beside settings.json, not in its window: without 'hidden' that buffer would be unloaded.
  local gobuf = vim.fn.bufadd(ws .. '/go.mod')
  vim.fn.bufload(gobuf)
  vim.lsp.buf_attach_client(gobuf, client_id)
  local gouri = vim.uri_from_bufnr(gobuf)
  local function lenses()
    local resp, lens_err = client.request_sync('textDocument/codeLens', { textDocument = { uri = gouri } }, 10000, gobuf)
    if lens_err or not resp or resp.err then error('codeLens: ' .. vim.inspect(lens_err or (resp and resp.err))) end
    local out = {}
    for _, l in ipairs(resp.result or {}) do
      table.insert(out, { title = l.command.title, command = l.command.command, arguments = l.command.arguments,
        line = l.range.start.line })
    end
    return out
  end
  result.code_lens_provider = client.supports_method('textDocument/codeLens') and true or false
  result.lenses_before = lenses()
  local verify_lens = result.lenses_before[1]
  if verify_lens then
    local resp, run_err = client.request_sync('workspace/executeCommand',
      { command = verify_lens.command, arguments = verify_lens.arguments }, 60000, gobuf)
    result.lens_run_error = run_err or (resp and resp.err and vim.inspect(resp.err)) or nil
    result.lens_run_text = resp and resp.result and resp.result.text or nil
    result.lenses_after = lenses()
  end
  -- No arguments: every folder (an empty Lua table would go out as [], not {}).
  local env, env_err = client.request_sync('workspace/executeCommand', { command = 'goproxy-doctor.environment' }, 10000, buf)
  result.environment_error = env_err or (env and env.err and vim.inspect(env.err)) or nil
  result.environment_markdown = env and env.result and env.result.markdown or nil
  -- Neovim 0.7 sends nothing (and its request waits out the timeout) to a server without the capability.
  result.code_action_provider = client.supports_method('textDocument/codeAction') and true or false
  -- Hover on the GOPROXY key of go.toolsEnvVars (line 4, its first quote at column 4), before any fix.
  result.hover_provider = client.supports_method('textDocument/hover') and true or false
  if result.hover_provider then
    local hover, hover_err = client.request_sync('textDocument/hover',
      { textDocument = { uri = uri }, position = { line = 3, character = 6 } }, 10000, buf)
    result.hover_error = hover_err or (hover and hover.err and vim.inspect(hover.err)) or nil
    local h = hover and hover.result
    if h then
      result.hover = { kind = h.contents.kind, value = h.contents.value, range = h.range }
    end
  end
  if target and result.code_action_provider then
    local range = {
      start = { line = target.lnum, character = target.col },
      ['end'] = { line = target.end_lnum, character = target.end_col },
    }
    local params = {
      textDocument = { uri = uri },
      range = range,
      context = { diagnostics = { { range = range, severity = target.severity, code = target.code,
        source = target.source, message = target.message } } },
    }
    local responses, request_err = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000)
    result.request_error = request_err
    for _, resp in pairs(responses or {}) do
      if resp.error then result.response_error = resp.error.message end
      for _, action in ipairs(resp.result or {}) do
        table.insert(result.actions, { title = action.title, kind = action.kind, has_edit = action.edit ~= nil })
        if action.edit and not result.applied and vim.startswith(action.title, apply_title) then
          -- Every document the edit touches: its text on disk before, its buffer after.
          local uris = {}
          for uri in pairs(action.edit.changes or {}) do table.insert(uris, uri) end
          for _, change in ipairs(action.edit.documentChanges or {}) do
            if change.textDocument then table.insert(uris, change.textDocument.uri) end
          end
          local before = {}
          for _, uri in ipairs(uris) do
            before[uri] = table.concat(vim.fn.readfile(vim.uri_to_fname(uri)), '\n')
          end
          vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
          result.applied = { title = action.title, documents = {} }
          for _, uri in ipairs(uris) do
            table.insert(result.applied.documents, { file = vim.uri_to_fname(uri), before = before[uri], after = text(vim.uri_to_bufnr(uri)) })
          end
        end
      end
    end
  end
  -- The edit (if any) reaches the server as didChange: its status follows.
  result.statuses_after_edit = vim.wait(10000, function()
    local last = result.statuses[#result.statuses]
    return last ~= nil and #last.divergent == 0 or false
  end, 20)
  result.after = text(buf)

  result.total_ms = elapsed_ms()
  vim.lsp.stop_client(client_id)
end)
if not ok then result.error = tostring(err) end
vim.fn.writefile({ vim.fn.json_encode(result) }, out)
vim.cmd('qa!')
