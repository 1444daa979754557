#!/bin/sh
# The Debian packages the end-to-end suites need (extension/extension.mk).
#
#   e2e-apt.sh install PKG...   installs the missing ones with apt-get: as root, else through sudo. Without
#                               either (or without apt-get) it says what to install and succeeds, so that
#                               `make test` still runs every suite that can run.
#   e2e-apt.sh suites SUITE...  prints the suites whose packages are installed, and on stderr each one it
#                               skips and what to install for it. The Neovim suite needs $NEOVIM_APT, the
#                               others (code-server) $CODE_SERVER_APT.
#
# E2E_DIR (default .e2e) holds apt.log.
set -eu

# missing prints " PKG" for every PKG dpkg does not list as installed.
missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || printf ' %s' "$p"
	done
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
install)
	m=$(missing "$@")
	[ -z "$m" ] && exit 0
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "e2e: no apt-get here; install the equivalents of:$m"
		echo "e2e: until then the end-to-end suites that need them are skipped"
		exit 0
	fi
	if [ "$(id -u)" = 0 ]; then
		as=""
	elif command -v sudo >/dev/null 2>&1; then
		as="sudo"
	else
		echo "e2e: not root and no sudo; to run every end-to-end suite, install as root:"
		echo "  apt-get install$m"
		echo "e2e: until then the end-to-end suites that need them are skipped"
		exit 0
	fi
	echo "${as:+$as }apt-get install$m"
	log=${E2E_DIR:-.e2e}/apt.log
	mkdir -p "$(dirname "$log")"
	# sudo asks for a password on the terminal, not on the redirected output.
	{ $as apt-get update -q && $as env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $m; } \
		>"$log" 2>&1 || { cat "$log"; exit 1; }
	;;
suites)
	cs=$(missing ${CODE_SERVER_APT:-})
	nv=$(missing ${NEOVIM_APT:-})
	for s in "$@"; do
		case "$s" in
		*neovim*) lack=$nv ;;
		*) lack=$cs ;;
		esac
		if [ -n "$lack" ]; then
			echo "e2e: SKIPPED $s: it needs$lack (apt-get install$lack)" >&2
		else
			echo "$s"
		fi
	done
	;;
*)
	echo "usage: e2e-apt.sh install PKG... | suites SUITE..." >&2
	exit 2
	;;
esac
