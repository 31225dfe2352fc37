#!/usr/bin/env bash
# Builds compare-tokio offline against Debian's tokio sources and prints the path of the binary.
# Installs librust-tokio-dev if missing. Target dir: $COMPARE_TOKIO_TARGET (default /tmp/asyncgen-compare/tokio-target).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export PATH="$HOME/.cargo/bin:$PATH"
if ! ls /usr/share/cargo/registry 2>/dev/null | grep -q '^tokio-1\.24\.2$'; then
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends librust-tokio-dev) >&2
fi
export CARGO_TARGET_DIR=${COMPARE_TOKIO_TARGET:-/tmp/asyncgen-compare/tokio-target}
(cd "$here" && cargo build --release --offline -q) >&2
echo "$CARGO_TARGET_DIR/release/compare-tokio"
