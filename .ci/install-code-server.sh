#!/usr/bin/env bash
# Installs code-server (VS Code 1.100.3 server + web workbench) into a cache folder outside
# node_modules: its postinstall builds native modules as root. See
# shared/reference/offline-vscode-tests.md for why each variable is needed. The integration
# runner (test/integration/run.mjs) calls this when code-server is missing.
set -euo pipefail
CS_VERSION=4.100.3
CACHE_DIR="${DEEP_REVIEW_CODE_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/deep-review/code-server-$CS_VERSION}"
if [ -f "$CACHE_DIR/node_modules/code-server/out/node/entry.js" ]; then
  echo "code-server $CS_VERSION already in $CACHE_DIR"
  exit 0
fi
# Its native modules build from source; say what is missing instead of failing deep in npm.
missing=()
command -v rg >/dev/null || missing+=(ripgrep)
command -v g++ >/dev/null || missing+=(build-essential)
command -v make >/dev/null || missing+=(build-essential)
command -v python3 >/dev/null || missing+=(python3)
command -v pkg-config >/dev/null || missing+=(pkg-config)
{ pkg-config --exists krb5-gssapi 2>/dev/null || [ -f /usr/include/gssapi/gssapi.h ]; } || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "code-server needs these system packages first: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
mkdir -p "$CACHE_DIR"
TMP_SEED="$CACHE_DIR/tmp"
mkdir -p "$TMP_SEED/vscode-ripgrep-cache-1.15.11"
# @vscode/ripgrep would download from GitHub; seed its cache with the system's rg.
tar czf "$TMP_SEED/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
cd "$CACHE_DIR"
# Its native modules build against the running Node's own headers when they are installed, so
# nothing has to be downloaded for them (an offline machine, or a HOME without npm settings).
node_prefix="$(dirname "$(dirname "$(command -v node)")")"
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/node.h" ]; then export npm_config_nodedir="$node_prefix"; fi
[ -f package.json ] || echo '{"name":"deep-review-code-server-host","private":true}' > package.json
echo "installing code-server $CS_VERSION into $CACHE_DIR (about a minute)…"
TMPDIR="$TMP_SEED" npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION"
test -f "$CACHE_DIR/node_modules/code-server/out/node/entry.js"
echo "code-server $CS_VERSION installed in $CACHE_DIR"
