#!/usr/bin/env bash
# Prints the folder of a `node` binary of exactly the version in .node-version: the one on
# PATH when it is that version, else the registry package node-linux-<arch>@<version>,
# installed once into a cache folder (${XDG_CACHE_HOME:-~/.cache}/nest-kinesis-uploads/node,
# the folder tools/node/pinned-node.ts uses too). CI puts the folder first on PATH so that
# every suite, and npm itself, runs on the Node the project ships on, whatever Node the
# machine has. A shell script because it runs before any dependency is installed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
version="$(tr -d '[:space:]' < "$root/.node-version")"

if [ "$(node --version 2>/dev/null || true)" = "v$version" ]; then
  dirname "$(command -v node)"
  exit 0
fi
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "pinned-node: no node-linux package for $(uname -m); install Node $version yourself" >&2; exit 1 ;;
esac
cache="${XDG_CACHE_HOME:-$HOME/.cache}/nest-kinesis-uploads/node/$version"
bin="$cache/node_modules/node-linux-$arch/bin"
if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version)" != "v$version" ]; then
  mkdir -p "$cache"
  # Its own folder and no lock file: nothing of the project's install is touched.
  npm install --prefix "$cache" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-$arch@$version" >&2
fi
"$bin/node" --version >/dev/null
echo "$bin"
