#!/usr/bin/env bash
# A flake hunt: runs tests again and again while CPU hogs keep cores busy, and prints a table of every test: how often
# it ran, how often it failed, and the first line of each failure. A test that fails here under load is a test that
# fails some day in CI; docs/testing.md lists what earlier hunts found and how each was fixed.
#
#   tools/flake-hunt.sh [--runs N] [--hogs K] TARGET...
#     --runs N     each target N times (default 3)
#     --hogs K     K busy loops for the whole hunt (default 1: one of this machine's two cores taken); 0 for none.
#                  stress-ng's cpu stressor when it is installed, else a shell loop
#   TARGET         stage1     the README's test command, as .ci/run's stage 1 runs it (./parley test)
#                  stage2     the web client's scenarios in Chromium (web/e2e/run.sh)
#                  stage3     the node's suite on PostgreSQL with the route fuzzing, as .ci/run's stage 3
#                  h2:CLASSES        node classes on H2 (Surefire's -Dtest: SearchTest,RateLimitsTest or 'Search*')
#                  postgres:CLASSES  node classes on PostgreSQL, in a throwaway database
#                  e2e:FILES         web/e2e scenario files, comma-separated (search.test.mjs,chat.test.mjs)
# The table is printed at the end and written to target/flake-hunt/table.md; every run's output is kept beside it.
# Exits 1 if any test failed, 2 on bad usage.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

runs=3
hogs=1
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --hogs) hogs="${2:?--hogs needs a number}"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "flake-hunt: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ "${#targets[@]}" -gt 0 ] || { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

out="$root/target/flake-hunt"
rm -rf "$out"
mkdir -p "$out"
results="$out/results.tsv"
: > "$results"

hog_pids=()
stop_hogs() {
  local p
  for p in "${hog_pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${hog_pids[@]}"; do wait "$p" 2>/dev/null; done
  hog_pids=()
}
cleanup() {
  stop_hogs
  drop_db
}
# The run's database and the ones its second to fourth test JVMs made beside it (parley.node.testkit.TestDatabase).
drop_db() {
  [ -n "${db:-}" ] || return 0
  for d in "$db" "${db}_f2" "${db}_f3" "${db}_f4"; do
    psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
  done
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ "$hogs" -gt 0 ]; then
  if command -v stress-ng >/dev/null; then
    stress-ng --cpu "$hogs" --quiet & hog_pids+=($!)
  else
    for _ in $(seq 1 "$hogs"); do bash -c 'while :; do :; done' & hog_pids+=($!); done
  fi
fi

# Surefire's reports of the last Maven run, every test case a line, into the results.
java_results() {
  java .ci/TestReports.java --all */target/surefire-reports* >> "$results"
}

# A step that is not made of tests (a build, a launcher check) gets a line of its own.
step_result() {
  local name="$1" rc="$2" log="$3"
  if [ "$rc" = 0 ]; then
    printf 'PASS\t%s\t\n' "$name" >> "$results"
  else
    printf 'FAIL\t%s\texit %s: %s\n' "$name" "$rc" "$(grep -v '^\s*$' "$log" | tail -n 1 | cut -c1-200 | tr '\t' ' ')" >> "$results"
  fi
}

new_db() {
  drop_db
  db="parley_hunt_$(date +%s)_$$"
  psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE $db"
}

e2e() {
  local log="$1"; shift
  rm -f "$out/e2e-results.tsv"
  PARLEY_E2E_RESULTS="$out/e2e-results.tsv" web/e2e/run.sh "$@" > "$log" 2>&1
  local rc=$?
  [ -f "$out/e2e-results.tsv" ] && cat "$out/e2e-results.tsv" >> "$results"
  # A run that ended without a test failing (Chromium missing, a crash of the runner) still counts.
  [ "$rc" = 0 ] || grep -qs '^FAIL' "$out/e2e-results.tsv" || step_result "web/e2e run" "$rc" "$log"
}

run_target() {
  local target="$1" n="$2" log rc
  log="$out/$(echo "$target" | tr '/:,*' '____')-$n.log"
  rm -rf ./*/target/surefire-reports*
  case "$target" in
    stage1)
      ./parley test > "$log" 2>&1; rc=$?
      java_results
      grep -E '^launcher-test: (pass|FAIL) ' "$log" | sed -E 's/^launcher-test: pass (\S+).*/PASS\tlauncher-test \1\t/; s/^launcher-test: FAIL (\S+): (.*)/FAIL\tlauncher-test \1\t\2/' >> "$results"
      [ -s target/test-failures/web-unit.txt ] && sed 's/^FAIL /FAIL\tweb\/test\t/' target/test-failures/web-unit.txt >> "$results"
      step_result "stage1 (./parley test)" "$rc" "$log"
      ;;
    stage2)
      e2e "$log"
      ;;
    stage3)
      new_db
      PARLEY_TEST_DB_URL="jdbc:postgresql://127.0.0.1:5432/$db" PARLEY_TEST_DB_USER=postgres \
        mvn -B verify -pl node -Pfuzz-routes -Dparley.test.db=postgres -DexcludedGroups=in-memory > "$log" 2>&1; rc=$?
      java_results
      step_result "stage3 (Maven)" "$rc" "$log"
      ;;
    h2:*)
      mvn -B verify -pl node -Dtest="${target#h2:}" -Dsurefire.failIfNoSpecifiedTests=false > "$log" 2>&1; rc=$?
      java_results
      step_result "$target (Maven)" "$rc" "$log"
      ;;
    postgres:*)
      new_db
      PARLEY_TEST_DB_URL="jdbc:postgresql://127.0.0.1:5432/$db" PARLEY_TEST_DB_USER=postgres \
        mvn -B verify -pl node -Dparley.test.db=postgres -Dtest="${target#postgres:}" \
        -Dsurefire.failIfNoSpecifiedTests=false > "$log" 2>&1; rc=$?
      java_results
      step_result "$target (Maven)" "$rc" "$log"
      ;;
    e2e:*)
      local files
      IFS=, read -r -a files <<< "${target#e2e:}"
      e2e "$log" "${files[@]}"
      ;;
    *) echo "flake-hunt: unknown target $target" >&2; exit 2 ;;
  esac
  echo "flake-hunt: $target run $n of $runs: $(grep -c '^PASS' "$results") passes, $(grep -c '^FAIL' "$results") failures so far ($log)" >&2
}

# The Maven targets run on what is installed: build it once, first (not timed, not counted).
if printf '%s\n' "${targets[@]}" | grep -qE '^(stage2|stage3|h2:|postgres:|e2e:)'; then
  echo "flake-hunt: building (mvn install, tests skipped) ..." >&2
  mvn -B -q -DskipTests install > "$out/build.log" 2>&1 || { echo "flake-hunt: the build failed: $out/build.log" >&2; exit 1; }
fi

started=$SECONDS
for n in $(seq 1 "$runs"); do
  for target in "${targets[@]}"; do
    run_target "$target" "$n"
  done
done
stop_hogs

{
  echo "Flake hunt: ${targets[*]}, $runs runs each, $hogs CPU hog(s) busy the whole time, $((SECONDS - started)) s;"
  echo "$(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet 2>/dev/null || echo '+changes')."
  echo
  echo "| test | runs | failures | first line of each failure |"
  echo "|---|---:|---:|---|"
  awk -F'\t' '
    { runs[$2]++; if ($1 == "FAIL") { fails[$2]++; why[$2] = why[$2] (why[$2] == "" ? "" : "<br>") $3 } }
    END {
      for (t in runs) printf "%s\t%d\t%d\t%s\n", t, runs[t], fails[t] + 0, why[t]
    }' "$results" | sort -t$'\t' -k3,3nr -k1,1 | awk -F'\t' '{ gsub(/\|/, "\\|", $4); printf "| %s | %d | %d | %s |\n", $1, $2, $3, $4 }'
  echo
  echo "$(cut -f2 "$results" | sort -u | wc -l) tests, $(grep -c '^PASS' "$results") passed runs, $(grep -c '^FAIL' "$results") failed runs."
} > "$out/table.md"
# The console gets the tests that failed and the totals; the whole table is in the file.
grep -E '^Flake|^[0-9]+ cores|^\| test|^\|---' "$out/table.md"
grep -E '^\| .* \| [0-9]+ \| [1-9][0-9]* \|' "$out/table.md" || echo "| (none failed) | | | |"
tail -n 1 "$out/table.md"
echo "the whole table: $out/table.md" >&2
! grep -q '^FAIL' "$results"
