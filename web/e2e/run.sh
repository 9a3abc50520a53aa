#!/usr/bin/env bash
# End-to-end tests of the web client: real Chromium (Debian's), real Parley nodes started by the tests themselves.
# Needs the node built (node/target/classes and node/target/classpath.txt, which the Maven build writes).
#   web/e2e/run.sh                  every scenario
#   web/e2e/run.sh chat.test.mjs    one of them
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd ../.. && pwd)"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/bin/chromium ]; then
  echo "run.sh: installing Debian's chromium"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi
# Emoji in the screenshots (docs/images/web-*.png) need a font that has them; the tests pass without it.
if command -v fc-list >/dev/null && ! fc-list | grep -qi 'Noto Color Emoji'; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-color-emoji || echo "run.sh: no emoji font; screenshots will show boxes for emoji"
fi

if [ ! -f "$root/node/target/classpath.txt" ] || [ ! -d "$root/node/target/classes/parley" ]; then
  echo "run.sh: the node is not built (node/target/classes, node/target/classpath.txt): build it first" >&2
  exit 2
fi

npm ci --no-audit --no-fund --loglevel=error
# Failed scenarios are listed again when the run ends, one line each (web/failures-reporter.mjs), and kept in
# target/test-failures/e2e.txt at the top of the tree. A scenario that hangs fails at its timeout instead of holding
# the run; --test-force-exit ends the run though a test left a handle open.
mkdir -p "$root/target/test-failures"
failures="$root/target/test-failures/e2e.txt"
rm -f "$failures"
[ "$#" -gt 0 ] || set -- ./*.test.mjs
# PARLEY_E2E_RESULTS=FILE: every test's outcome too, a line each (web/results-reporter.mjs; tools/flake-hunt.sh).
results=()
[ -z "${PARLEY_E2E_RESULTS:-}" ] || results=(--test-reporter=../results-reporter.mjs --test-reporter-destination="$PARLEY_E2E_RESULTS")
rc=0
node --test --test-concurrency=1 --test-timeout=900000 --test-force-exit \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=../failures-reporter.mjs --test-reporter-destination="$failures" "${results[@]}" "$@" || rc=$?
if [ "$rc" != 0 ]; then
  echo "run.sh: failed (exit $rc):" >&2
  cat "$failures" >&2
fi
exit "$rc"
