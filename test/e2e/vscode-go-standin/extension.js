// A stand-in for vscode-go (id golang.go) in the code-server suites, which cannot install vscode-go itself.
// At activation vscode-go pins GOPROXY into the extension host's process.env, only when it is not already set
// (vscode-go-env-flow §0.3: the value `go env` gave then). Here the pinned value is the suite's
// GPD_E2E_VSCODE_GO_GOPROXY: what `go env` said before the GOENV file changed. Each activation appends a line to
// GPD_E2E_VSCODE_GO_LOG, so a suite can count the extension host's starts.
const { appendFileSync } = require('node:fs');

exports.activate = function activate() {
  const pin = process.env.GPD_E2E_VSCODE_GO_GOPROXY;
  if (pin && !process.env.GOPROXY) process.env.GOPROXY = pin;
  if (process.env.GPD_E2E_VSCODE_GO_LOG) appendFileSync(process.env.GPD_E2E_VSCODE_GO_LOG, `activated GOPROXY=${process.env.GOPROXY}\n`);
};

exports.deactivate = function deactivate() {};
