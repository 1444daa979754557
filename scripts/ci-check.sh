#!/usr/bin/env bash
# ci-check.sh is the logic of the composite action (action.yml at the
# repository root): it builds goproxy-doctor from the action's own source
# with the runner's go command, runs `goproxy-doctor check` on the folder,
# and reports to GitHub Actions: annotations or a SARIF file, step outputs
# ($GITHUB_OUTPUT) and a job summary ($GITHUB_STEP_SUMMARY). Its exit
# status is check's: 0 nothing at the --fail-on level, 1 something is,
# 2 a usage error or a failed build.
#
# Inputs come as the action passes them (INPUT_FOLDER, INPUT_FORMAT,
# INPUT_FAIL_ON, INPUT_SARIF_FILE, INPUT_TRUST_WORKSPACE), so the script
# also runs outside GitHub Actions, e.g. in a GitLab CI job (docs/ci.md).
# GOPROXY_DOCTOR_BIN names a goproxy-doctor binary to use instead of
# building one.
set -uo pipefail

action_path=${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
folder=${INPUT_FOLDER:-.}
format=${INPUT_FORMAT:-github}
fail_on=${INPUT_FAIL_ON:-error}
sarif_file=${INPUT_SARIF_FILE:-}
trust=${INPUT_TRUST_WORKSPACE:-false}
tmp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}

# fail reports a problem of the action itself (not a finding) and exits 2.
# The message may quote an input: escaped, it cannot start another command.
fail() {
	if [ -n "${GITHUB_ACTIONS:-}" ]; then
		local msg=${1//%/%25}
		msg=${msg//$'\r'/%0D}
		msg=${msg//$'\n'/%0A}
		echo "::error title=goproxy-doctor::$msg"
	else
		echo "goproxy-doctor action: $1" >&2
	fi
	exit 2
}

case $format in github | sarif | text | json) ;; *) fail "format must be github, sarif, text or json, not '$format'" ;; esac
case $fail_on in error | warning | never) ;; *) fail "fail-on must be error, warning or never, not '$fail_on'" ;; esac
case $trust in true | false) ;; *) fail "trust-workspace must be true or false, not '$trust'" ;; esac

doctor=${GOPROXY_DOCTOR_BIN:-}
if [ -z "$doctor" ]; then
	command -v go >/dev/null 2>&1 || fail "no go command on PATH: run actions/setup-go before this action"
	doctor=$tmp/goproxy-doctor-action/goproxy-doctor
	# The ref the workflow named (uses: …@v1); a checkout's own description
	# when run from a clone.
	version=${GITHUB_ACTION_REF:-$(git -C "$action_path" describe --tags --always --dirty 2>/dev/null || echo action)}
	# The project's GOFLAGS (-mod=vendor, build tags) and go.work are not
	# the doctor's: build it with neither.
	if ! (cd "$action_path" && env -u GOFLAGS GOWORK=off CGO_ENABLED=0 \
		go build -trimpath -ldflags "-X main.version=$version" -o "$doctor" ./server/cmd/goproxy-doctor); then
		fail "could not build goproxy-doctor from $action_path with $(go version 2>/dev/null || echo 'the go command')"
	fi
fi

args=(check --folder "$folder" --fail-on "$fail_on" --format "$format")
if [ "$trust" = true ]; then
	args+=(--trust-workspace)
fi

if [ "$format" = sarif ]; then
	sarif_file=${sarif_file:-$tmp/goproxy-doctor.sarif}
	"$doctor" "${args[@]}" >"$sarif_file"
	status=$?
else
	"$doctor" "${args[@]}"
	status=$?
fi
if [ "$status" -ge 2 ]; then
	fail "goproxy-doctor check failed (exit $status)"
fi

# The summary: the same findings for people, and their counts. --fail-on
# never, so that only a failure of the doctor itself can make it fail.
summary_args=(check --folder "$folder" --fail-on never --format text)
if [ "$trust" = true ]; then
	summary_args+=(--trust-workspace)
fi
text=$("$doctor" "${summary_args[@]}" 2>/dev/null) || fail "goproxy-doctor check --format text failed"
last=$(printf '%s\n' "$text" | tail -n 1)
# "1 error, 2 warnings, 3 information." (or "No problems found.")
count() { printf '%s\n' "$last" | tr ',' '\n' | sed -n "s/^ *\\([0-9][0-9]*\\) $1s\\{0,1\\}\\.\\{0,1\\}\$/\\1/p"; }
errors=$(count error)
warnings=$(count warning)
information=$(count information)
errors=${errors:-0} warnings=${warnings:-0} information=${information:-0}

if [ -n "${GITHUB_OUTPUT:-}" ]; then
	{
		echo "exit-code=$status"
		echo "errors=$errors"
		echo "warnings=$warnings"
		echo "information=$information"
		if [ "$format" = sarif ]; then
			echo "sarif-file=$sarif_file"
		fi
	} >>"$GITHUB_OUTPUT"
fi

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
	verdict="passed"
	if [ "$status" -ne 0 ]; then
		verdict="failed (fail-on: $fail_on)"
	fi
	{
		echo "### Go Proxy Doctor: $verdict"
		echo
		echo "$errors error(s), $warnings warning(s), $information information. Each code is explained in the rule pages (docs/rules/) linked from the annotations."
		echo
		echo "<pre>"
		# The findings quote values from the repository: escape them for HTML.
		printf '%s\n' "$text" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'
		echo "</pre>"
	} >>"$GITHUB_STEP_SUMMARY"
fi

exit "$status"
