#!/usr/bin/env bash
# Installs what the end-to-end tests need, once, into a cache outside the repository:
#   - Debian packages: chromium (the browser Playwright drives), ripgrep, python3-torch (the PyTorch
#     backend's test), and the headers code-server's native modules build against (libkrb5-dev
#     libx11-dev libxkbfile-dev libsecret-1-dev build-essential);
#   - code-server 4.100.3 (VS Code 1.100.3 on Node 20) under $CACHE/code-server-4.100.3.
# Works on a machine whose only network is the npm registry and Debian's apt mirrors: code-server's own
# post-install would download ripgrep from GitHub, so scripts are skipped and the native modules are
# rebuilt explicitly, against the local Node headers.
# A second run only checks the marker and the native modules, and returns in a few seconds.
#
# Environment:
#   TENSOR_LENS_E2E_CACHE  cache folder (default ~/.cache/tensor-lens-e2e)
#   CODE_SERVER_VERSION    default 4.100.3 (later versions need Node 24)
set -euo pipefail

CS_VERSION="${CODE_SERVER_VERSION:-4.100.3}"
CACHE="${TENSOR_LENS_E2E_CACHE:-$HOME/.cache/tensor-lens-e2e}"
CS_DIR="$CACHE/code-server-$CS_VERSION"
MARKER="$CS_DIR/.tensor-lens-ready"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
start=$(date +%s)

log() { printf '[e2e-setup %4ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }
die() { printf '[e2e-setup] error: %s\n' "$*" >&2; exit 1; }

# ---- Node: code-server 4.100.x runs on Node 20 -------------------------------------------------
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = 20 ] || log "warning: Node $(node --version); code-server $CS_VERSION is built for Node 20"

# ---- Debian packages -----------------------------------------------------------------------------
# shellcheck source=lib/apt.sh
source "$REPO_ROOT/scripts/lib/apt.sh"
apt_install_missing chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev build-essential
# The PyTorch backend's end-to-end test (test/e2e/pytorch.test.ts) trains in Debian's torch.
apt_install_missing python3-torch
command -v chromium >/dev/null || die "chromium not on PATH after install"
RG="$(command -v rg)" || die "rg not on PATH after install"

# ---- playwright-core comes from the project's own devDependencies --------------------------------
if [ ! -f "$REPO_ROOT/node_modules/playwright-core/package.json" ]; then
  log "playwright-core missing from node_modules: running npm ci"
  (cd "$REPO_ROOT" && npm ci)
fi

# ---- code-server ---------------------------------------------------------------------------------
# Checks that the native modules load in this Node (fast; run on every invocation).
check_natives() {
  (cd "$CS_DIR" && node -e '
    const path = require("path");
    const vs = path.join(process.cwd(), "lib/vscode/node_modules");
    const mods = [
      ["argon2", require.resolve("argon2", { paths: [process.cwd()] })],
      ["node-pty", path.join(vs, "node-pty")],
      ["kerberos", path.join(vs, "kerberos")],
      ["@parcel/watcher", path.join(vs, "@parcel/watcher")],
      // Not in the recipe of issue 8; without them the server writes no log files
      // (spdlog) and cannot watch its parent process (native-watchdog).
      ["@vscode/spdlog", path.join(vs, "@vscode/spdlog")],
      ["native-watchdog", path.join(vs, "native-watchdog")],
      ["@vscode/deviceid", path.join(vs, "@vscode/deviceid")],
    ];
    let bad = 0;
    for (const [name, p] of mods) {
      try { require(p); console.log("  ok  " + name); }
      catch (e) { bad++; console.log("  BAD " + name + ": " + String(e.message).split("\n")[0]); }
    }
    process.exit(bad ? 1 : 0);
  ')
}

if [ -f "$MARKER" ] && check_natives >/dev/null 2>&1 && [ -x "$CS_DIR/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ]; then
  log "code-server $CS_VERSION ready in $CS_DIR (cached)"
  echo "$CS_DIR"
  exit 0
fi

log "installing code-server $CS_VERSION into $CS_DIR"
rm -rf "$CS_DIR"
mkdir -p "$CACHE/tmp"
tarball_dir="$(mktemp -d "$CACHE/tmp/pack.XXXXXX")"
(cd "$tarball_dir" && npm pack "code-server@$CS_VERSION" --silent >/dev/null)
mkdir -p "$CS_DIR"
tar -xzf "$tarball_dir"/code-server-*.tgz -C "$CS_DIR" --strip-components=1
rm -rf "$tarball_dir"

# Build native modules against the local Node headers instead of downloading them from nodejs.org.
NODE_PREFIX="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [ -f "$NODE_PREFIX/include/node/node.h" ]; then export npm_config_nodedir="$NODE_PREFIX"; fi
export npm_config_yes=true            # node-pty's build calls npx
export npm_config_jobs=max            # node-gyp: compile with every core
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
export npm_config_loglevel=warn

# code-server ships npm-shrinkwrap.json files: the installs below follow them (the versions it was tested with).
log "npm install (package root)"
(cd "$CS_DIR" && npm install --omit=dev --ignore-scripts)
log "npm install (lib/vscode)"
(cd "$CS_DIR/lib/vscode" && npm install --omit=dev --ignore-scripts)
# spdlog writes the log files (extension host, output channels) the tests read; without it VS Code
# logs to the console only. native-watchdog and deviceid are loaded by the server too.
NATIVE_VSCODE=(kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid)
log "npm rebuild ${NATIVE_VSCODE[*]} (lib/vscode)"
(cd "$CS_DIR/lib/vscode" && npm rebuild "${NATIVE_VSCODE[@]}" --foreground-scripts)
log "npm rebuild argon2 (package root)"
(cd "$CS_DIR" && npm rebuild argon2 --foreground-scripts)

log "ripgrep from Debian"
mkdir -p "$CS_DIR/lib/vscode/node_modules/@vscode/ripgrep/bin"
cp "$RG" "$CS_DIR/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
chmod +x "$CS_DIR/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"

# VS Code resolves some modules through node_modules.asar; code-server ships them unpacked.
ln -sfn node_modules "$CS_DIR/lib/vscode/node_modules.asar"

log "npm install (lib/vscode/extensions: built-in extensions' dependencies)"
(cd "$CS_DIR/lib/vscode/extensions" && npm install --omit=dev)

log "checking native modules"
check_natives || die "a native module did not build; see the log above"
"$CS_DIR/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" --version | sed -n 1p  # sed reads to the end: head would close the pipe early, and rg's broken pipe fails the script under pipefail

# A throwaway config dir: code-server writes a default config.yaml on first start.
cfg_tmp="$(mktemp -d)"
version="$(cd "$CS_DIR" && XDG_CONFIG_HOME="$cfg_tmp" XDG_DATA_HOME="$cfg_tmp" node out/node/entry.js --version 2>/dev/null | tail -1)" \
  || die "code-server does not start: node out/node/entry.js --version failed"
rm -rf "$cfg_tmp"
log "code-server reports: $version"

date -u +%FT%TZ > "$MARKER"
log "code-server $CS_VERSION ready in $CS_DIR"
echo "$CS_DIR"
