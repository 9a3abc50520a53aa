#!/usr/bin/env bash
# Tests of the launcher, ./parley, run as a user runs it (issue 65). `./parley test` runs them after the Maven suite
# and the web client's unit tests; alone: tools/launcher-test.sh [web-modules] [one-build] [cluster-ports].
#   web-modules    the web client's tests pass in a checkout under a folder whose package.json says "commonjs"
#                  (Node applies the nearest package.json to web/src: web/package.json must say "module")
#   one-build      two commands that need a build, started together, run one Maven build; a line-mode command's
#                  stdout carries no build message; `./parley node` leaves the terminal client built. Maven and java
#                  are stand-ins here (a copy of the launcher in a scratch tree): this is about the launcher
#   cluster-ports  `./parley cluster 2 --http-port .. --metrics-port .. --cluster-port .. --db NAME` beside a
#                  listener on 9464 (a single node's metrics port): each node on the ports given, the launcher says
#                  which and that it created the database, both nodes get ready, their logs have no ERROR. Real
#                  nodes, on a throwaway database of the PostgreSQL at 127.0.0.1:5432 (PARLEY_TEST_PG_USER, default postgres);
#                  skipped, saying so, when there is none. Builds the tree first if it is not built
# Exits 1 if any test fails. Waits are on conditions, each with a deadline.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/parley-launcher-test.XXXXXX")"
failed=()
cleanups=()
cleanup() {
  local c
  for c in "${cleanups[@]}"; do eval "$c" || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT

say() { echo "launcher-test: $*" >&2; }
fail() { say "FAIL $1: $2"; failed+=("$1"); }
pass() { say "pass $1"; }
# Under CI (CI set) a test that cannot run is a failure: a green run must have run everything.
skip() { if [ -n "${CI:-}" ]; then fail "$1" "skipped under CI: $2"; else say "SKIPPED $1: $2"; fi; }

# Waits until the command succeeds, at most $1 seconds; returns 1 when the deadline passes.
wait_for() {
  local seconds="$1"; shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# --- web-modules -------------------------------------------------------------------------------------------------
test_web_modules() {
  local name=web-modules
  if ! command -v node >/dev/null; then skip "$name" "no node on the PATH"; return; fi
  local parent="$scratch/web-modules"
  mkdir -p "$parent/checkout"
  # A folder above the checkout with a package.json of its own, as a home directory or a monorepo has.
  echo '{"name": "somebody-elses", "type": "commonjs"}' > "$parent/package.json"
  tar -C "$root" --exclude=web/e2e/node_modules -cf - web | tar -C "$parent/checkout" -xf -
  local here there
  here="$(cd "$root" && node --test web/test/ 2>&1 | grep -E '^# (pass|fail) ' | tr '\n' ' ' || true)"
  there="$(cd "$parent/checkout" && node --test web/test/ 2>&1 | tee "$parent/out.txt" | grep -E '^# (pass|fail) ' \
    | tr '\n' ' ' || true)"
  if [ -n "$here" ] && [ "$here" = "$there" ]; then
    pass "$name"
  else
    fail "$name" "node --test web/test/ gives '$there' under a commonjs package.json, '$here' in place: $(grep -m1 -E \
      'CommonJS|Named export|Cannot use import' "$parent/out.txt" || true)"
  fi
}

# --- one-build ---------------------------------------------------------------------------------------------------
test_one_build() {
  local name=one-build
  local t="$scratch/one-build" tree="$scratch/one-build/tree"
  mkdir -p "$t/bin" "$t/jdk/bin" "$tree"
  cp "$root/parley" "$tree/"
  echo '<project/>' > "$tree/pom.xml"
  touch "$tree/cluster.conf"
  local m
  for m in protocol node terminal-client bench; do
    mkdir -p "$tree/$m/src/main/java"
    echo '<project/>' > "$tree/$m/pom.xml"
    echo 'class A {}' > "$tree/$m/src/main/java/A.java"
  done
  # Maven's stand-in: records each build, holds it until the test lets builds finish, writes what a build writes.
  cat > "$t/bin/mvn" <<'EOF'
#!/usr/bin/env bash
echo "build $$ $*" >> "$LT_RUNS"
deadline=$((SECONDS + 60))
until [ -f "$LT_RELEASE" ]; do [ "$SECONDS" -lt "$deadline" ] || exit 1; sleep 0.1; done
for m in protocol node terminal-client bench; do mkdir -p "$m/target/classes"; : > "$m/target/classpath.txt"; done
EOF
  # java's: says what it was asked to run (the main class and its arguments) on stdout, where the client writes.
  cat > "$t/jdk/bin/java" <<'EOF'
#!/usr/bin/env bash
while [ $# -gt 0 ] && [ "$1" != -cp ]; do shift; done
shift 2
echo "java ran: $*"
EOF
  chmod +x "$t/bin/mvn" "$t/jdk/bin/java"
  export LT_RUNS="$t/runs" LT_RELEASE="$t/release"
  : > "$LT_RUNS"
  run() { (cd "$tree" && PATH="$t/bin:$PATH" JAVA_HOME="$t/jdk" ./parley "$@"); }
  builds() { grep -c '^build' "$LT_RUNS" || true; }
  local problems=()

  # Built once, then a source changes; a tail in the background and a send, together, as in the issue.
  touch "$LT_RELEASE"
  run build > /dev/null 2>&1 || problems+=("./parley build failed")
  rm -f "$LT_RELEASE"
  echo 'class B {}' > "$tree/protocol/src/main/java/B.java"
  local before; before="$(builds)"
  run client --tail general > "$t/tail.out" 2> "$t/tail.err" & local tail_pid=$!
  run client --send general hi > "$t/send.out" 2> "$t/send.err" & local send_pid=$!
  # Either both start a build (the bug), or one waits for the other's.
  started_two_or_one_waits() {
    [ $(($(builds) - before)) -ge 2 ] || grep -qs 'waiting for it' "$t/tail.err" "$t/send.err"
  }
  local waited=yes
  wait_for 30 started_two_or_one_waits || waited=no
  touch "$LT_RELEASE"
  local tail_rc=0 send_rc=0
  wait "$tail_pid" || tail_rc=$?
  wait "$send_pid" || send_rc=$?
  local ran=$(($(builds) - before))
  [ "$waited" = yes ] || problems+=("neither command built nor waited within 30 s")
  [ "$ran" = 1 ] || problems+=("$ran Maven builds ran for two commands started together, not 1")
  [ "$tail_rc" = 0 ] && [ "$send_rc" = 0 ] || problems+=("exit statuses $tail_rc and $send_rc")
  [ "$(cat "$t/tail.out")" = "java ran: parley.client.Main --tail general" ] \
    || problems+=("--tail's stdout is not the client's alone: $(head -c 300 "$t/tail.out")")
  [ "$(cat "$t/send.out")" = "java ran: parley.client.Main --send general hi" ] \
    || problems+=("--send's stdout is not the client's alone: $(head -c 300 "$t/send.out")")
  grep -qs 'parley: building' "$t/tail.err" "$t/send.err" || problems+=("no build message on either stderr")

  # ./parley node builds what ./parley client needs too: the client then starts without a build of its own.
  echo 'class C {}' > "$tree/protocol/src/main/java/C.java"
  before="$(builds)"
  run node > /dev/null 2>&1 || problems+=("./parley node failed")
  run client --help > /dev/null 2>&1 || problems+=("./parley client --help failed")
  ran=$(($(builds) - before))
  [ "$ran" = 1 ] || problems+=("./parley node then ./parley client ran $ran builds, not 1")
  unset -f run builds started_two_or_one_waits

  if [ ${#problems[@]} -eq 0 ]; then pass "$name"; else fail "$name" "$(printf '%s; ' "${problems[@]}")"; fi
}

# --- cluster-ports -----------------------------------------------------------------------------------------------
listening() { [ -n "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]; }

# A process that has ended (a child of ours that ended and is not reaped yet counts too).
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = Z ]; }

# The launcher, if it still runs, and whatever still listens on the given ports (nodes it left behind).
stop_leftovers() {
  local launcher="$1" port q; shift
  kill -TERM "$launcher" 2>/dev/null || true
  for port in "$@"; do
    for q in $(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
      kill -TERM "$q" 2>/dev/null || true
    done
  done
}

test_cluster_ports() {
  local name=cluster-ports
  local pg_user="${PARLEY_TEST_PG_USER:-postgres}"
  for tool in psql curl ss python3; do
    command -v "$tool" >/dev/null || { skip "$name" "no $tool on the PATH"; return; }
  done
  if ! psql -h 127.0.0.1 -U "$pg_user" -d postgres -tAc 'SELECT 1' > /dev/null 2>&1; then
    skip "$name" "no PostgreSQL at 127.0.0.1:5432 for user $pg_user (start one, or set PARLEY_TEST_PG_USER;" \
      ".ci/run starts it)"
    return
  fi
  local t="$scratch/cluster-ports"
  mkdir -p "$t"
  # A single node's metrics port, taken (by a listener of ours, or by whoever holds it already).
  if ! listening 9464; then
    python3 -c 'import signal, socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 9464))
s.listen()
print("listening", flush=True)
signal.pause()' > "$t/holder.out" 2>&1 &
    local holder=$!
    cleanups+=("kill $holder")
    wait_for 10 grep -qs listening "$t/holder.out" || { fail "$name" "could not hold port 9464"; return; }
  fi
  # A base port whose every port is free: HTTP P+1.., metrics P+1385.., Artery P+17441... All of them below the
  # kernel's ephemeral range, which only an explicit bind takes: a port in it may be handed to any outgoing
  # connection (the first node's database pool, say) between this check and the second node's bind.
  local p="" try candidate port busy ephemeral_low
  ephemeral_low="$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
  for try in $(seq 1 50); do
    candidate=$((6000 + RANDOM % (ephemeral_low - 17443 - 6000)))
    busy=""
    for port in $((candidate + 1)) $((candidate + 2)) $((candidate + 1385)) $((candidate + 1386)) \
                $((candidate + 17441)) $((candidate + 17442)); do
      if listening "$port"; then busy=1; fi
    done
    [ -n "$busy" ] || { p="$candidate"; break; }
  done
  [ -n "$p" ] || { fail "$name" "no free base port found"; return; }
  local db="parley_launcher_test_$$_$RANDOM"
  cleanups+=("psql -h 127.0.0.1 -U $pg_user -d postgres -q -c 'DROP DATABASE IF EXISTS $db WITH (FORCE)'")
  # Each port set apart (the same numbers --base-port P would give), and the database by name: the launcher creates it.
  (cd "$root" && PARLEY_DB_USER="$pg_user" \
    exec ./parley cluster 2 --http-port $((p + 1)) --metrics-port $((p + 1385)) --cluster-port $((p + 17441)) \
      --db "$db") > "$t/out" 2> "$t/err" &
  local launcher=$!
  # Whatever happens, nothing of this test keeps running: the launcher, and any node it left.
  cleanups+=("stop_leftovers $launcher $((p + 1)) $((p + 2))")
  # A build first if the tree is not built (minutes on two busy cores), then two nodes on PostgreSQL.
  ready_or_gone() { grep -qs 'cluster ready' "$t/err" || gone "$launcher"; }
  wait_for 900 ready_or_gone || true
  local problems=() logs="$root/logs/$p"
  grep -qs 'cluster ready' "$t/err" || problems+=("no 'cluster ready' within 900 s: $(tail -n 5 "$t/err")")
  local said="HTTP $((p + 1))-$((p + 2)), metrics $((p + 1385))-$((p + 1386)), Artery $((p + 17441))-$((p + 17442)), database jdbc:postgresql://127.0.0.1:5432/$db (created)"
  grep -qsF "$said" "$t/err" || problems+=("the launcher did not say '$said': $(grep -m1 started "$t/err")")
  local i code metrics
  for i in 1 2; do
    code="$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((p + i))/ready" || true)"
    [ "$code" = 200 ] || problems+=("node $i: /ready on $((p + i)) answered '$code'")
    # Read whole, then looked at: piped into grep -q, curl is cut off at the first match, and pipefail takes that
    # for a failure whenever the page is longer than the pipe's buffer.
    metrics="$(curl -fs --max-time 10 "http://127.0.0.1:$((p + 1384 + i))/metrics" 2>&1)" || metrics=""
    grep -q '^parley_' <<< "$metrics" \
      || problems+=("node $i: no metrics on $((p + 1384 + i)) (P+1384+$i): $(head -c 200 <<< "$metrics")")
    if [ ! -f "$logs/node-$i.log" ]; then
      problems+=("node $i: no log at logs/$p/node-$i.log")
      logs="$root/logs"  # where the launcher wrote them before logs moved with P: say what they hold
    fi
    if grep -qE ' ERROR |Metrics not served' "$logs/node-$i.log" 2>/dev/null; then
      problems+=("node $i logged: $(grep -m1 -E ' ERROR |Metrics not served' "$logs/node-$i.log" | cut -c1-300)")
    fi
  done
  # Ctrl-C: the launcher stops both nodes and exits.
  kill -TERM "$launcher" 2>/dev/null || true
  launcher_gone() { gone "$launcher"; }
  nodes_gone() { ! listening $((p + 1)) && ! listening $((p + 2)); }
  wait_for 60 launcher_gone || problems+=("the launcher did not exit within 60 s of SIGTERM")
  wait_for 30 nodes_gone || problems+=("nodes still listen 30 s after the launcher was stopped")
  unset -f ready_or_gone launcher_gone nodes_gone
  if [ ${#problems[@]} -eq 0 ]; then
    pass "$name"
    rm -rf "$root/logs/$p"
    rmdir "$root/logs" 2>/dev/null || true  # if this test made it
  else
    mkdir -p "$root/logs/$p"
    cp "$t/err" "$root/logs/$p/launcher.err" 2>/dev/null || true
    fail "$name" "$(printf '%s; ' "${problems[@]}") (the launcher's stderr and the nodes' logs: logs/$p/)"
  fi
}

tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(web-modules one-build cluster-ports)
for t in "${tests[@]}"; do
  case "$t" in
    web-modules) test_web_modules ;;
    one-build) test_one_build ;;
    cluster-ports) test_cluster_ports ;;
    *) say "no test called $t (web-modules, one-build, cluster-ports)"; exit 2 ;;
  esac
done
if [ ${#failed[@]} -gt 0 ]; then
  say "${#failed[@]} failed: ${failed[*]}"
  exit 1
fi
say "all passed"
