#!/bin/sh
# The image's launcher: runs a Parley node from $PARLEY_HOME/lib (every jar there is on the classpath).
#   parley-node           start the node in the foreground (SIGTERM: hand rooms off, leave, exit)
#   parley-node --ready   exit 0 if the node on $PARLEY_HTTP_PORT is ready (for health checks)
set -eu
home="${PARLEY_HOME:-/app}"
if [ "${1:-}" = "--ready" ]; then
  exec java -cp "$home/lib/*" parley.node.Probe "http://127.0.0.1:${PARLEY_HTTP_PORT:-8080}/ready"
fi
[ -d "$home/lib" ] || { echo "parley-node: no $home/lib (set PARLEY_HOME)" >&2; exit 1; }
# exec: the JVM is PID 1's child no more, so SIGTERM reaches CoordinatedShutdown.
exec java ${JAVA_OPTS:-} -cp "$home/lib/*" parley.node.Main "$@"
