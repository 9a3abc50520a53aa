# Sourced by .ci/run: stages and steps, each step's output kept in target/ci/, and, when a step fails, a summary
# as the run's last lines: the stage, the command and its exit code, each failed test or check with the first line
# of its message, and where the full log and reports lie. Bash; no dependency beyond the JDK and Node the run uses.

ci_dir=target/ci
rm -rf "$ci_dir"
mkdir -p "$ci_dir"
ci_stage=""
ci_step_no=0
ci_timings=()

# stage N/M TITLE. CI_STAGES="1 3" (a developer's run) runs only those stages' steps, and stage 0's; CI runs all.
stage() {
  ci_stage="$1"
  local n="${1%%/*}"
  ci_skipping=""
  if [ -n "${CI_STAGES:-}" ] && [ "$n" != 0 ] && [[ " $CI_STAGES " != *" $n "* ]]; then
    ci_skipping=1
    echo "== $1 (not in CI_STAGES: skipped)"
    return
  fi
  echo "== $1"
}

# step NAME KINDS COMMAND...: runs COMMAND, its output to the console and to target/ci/NN-NAME.log. KINDS, comma
# separated, say where a failure's details are: maven (Surefire's reports), web-unit and e2e (the failures file of
# web/failures-reporter.mjs), launcher (tools/launcher-test.sh's FAIL lines), bench (the bench's FAILED lines).
step() {
  local name="$1" kinds="$2"
  shift 2
  [ -z "${ci_skipping:-}" ] || return 0
  ci_step_no=$((ci_step_no + 1))
  local log
  log="$ci_dir/$(printf '%02d' "$ci_step_no")-$name.log"
  echo "-- $name: $*"
  # Reports older than this step (a class since deleted, an earlier stage's module) are not its failures.
  touch "$ci_dir/step.start"
  local started=$SECONDS rc
  set +e
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  ci_timings+=("$(printf '%-22s %5d s  %s' "$name" $((SECONDS - started)) "${ci_stage%%:*}")")
  if [ "$rc" != 0 ]; then
    ci_failed "$name" "$kinds" "$log" "$rc" "$((SECONDS - started))" "$*"
    exit "$rc"
  fi
}

# The summary of a failed step. Every part is bounded, so the whole fits in the last 30 lines.
ci_failed() {
  # The run ends here whatever happens: nothing below may stop it before the summary is out.
  set +e +o pipefail
  local name="$1" kinds="$2" log="$3" rc="$4" took="$5" command="$6"
  local details count
  details="$(ci_details "$kinds" "$log")"
  count="$(printf '%s\n' "$details" | awk '/^FAIL/ { n++ } END { print n + 0 }')"
  echo
  echo "==================== CI FAILED ===================="
  echo "stage:     $ci_stage"
  echo "step:      $name"
  echo "command:   ${command:0:200}"
  echo "exit code: $rc, after $took s (the run: $SECONDS s)"
  if [ -n "$details" ]; then
    echo "failed:    $count"
    printf '%s\n' "$details" | head -n 16 | cut -c1-400 | sed 's/^/  /'
    [ "$(printf '%s\n' "$details" | wc -l)" -le 16 ] || echo "  ... and more: see the log"
  else
    echo "failed:    no test or check named itself; the step's last lines:"
    grep -v '^\s*$' "$log" | tail -n 8 | cut -c1-300 | sed 's/^/  | /'
  fi
  echo "log:       $log (the whole step, as printed above)"
  ci_where "$kinds"
}

# FAIL lines for the kinds of a step, from their reports; nothing when none named a failure. Plumbing, not a check:
# it always succeeds (an empty report is no error here).
ci_details() {
  local kinds="$1" log="$2" kind
  for kind in ${kinds//,/ }; do
    case "$kind" in
      maven)
        local fails
        fails="$(find . -path '*/target/surefire-reports*' -name 'TEST-*.xml' -newer "$ci_dir/step.start" -print0 \
          | xargs -0 -r java .ci/TestReports.java 2>&1)"
        if [ -n "$fails" ]; then
          printf '%s\n' "$fails"
        else
          # No test failed: a compile error, a dependency, an enforcer rule. Maven's own first errors say which.
          grep -E '^\[ERROR\] ' "$log" | grep -vE 'To see the full|Re-run Maven|For more information|Help 1|^\[ERROR\] *$|-> \[Help' \
            | head -n 6 | sed 's/^/FAIL maven: /'
        fi
        ;;
      web-unit) if [ -s target/test-failures/web-unit.txt ]; then cat target/test-failures/web-unit.txt; fi ;;
      e2e) if [ -s target/test-failures/e2e.txt ]; then cat target/test-failures/e2e.txt; fi ;;
      launcher) grep -E '^launcher-test: FAIL ' "$log" | sed 's/^launcher-test: FAIL /FAIL launcher-test /' ;;
      # A bench run says its failed checks again as its last lines (Bench.sayFailures): those.
      bench) grep -E '^bench: FAILED ' "$log" | sed 's/^bench: FAILED /FAIL bench /' | tail -n 10 ;;
    esac
  done
  return 0
}

ci_where() {
  local kind
  for kind in ${1//,/ }; do
    case "$kind" in
      maven) echo "reports:   */target/surefire-reports (a test's output: its *-output.txt there); node processes' logs: node/target/run-logs" ;;
      web-unit) echo "reports:   target/test-failures/web-unit.txt" ;;
      e2e) echo "reports:   target/test-failures/e2e.txt; the nodes' logs: ${TMPDIR:-/tmp}/parley-web-e2e-*.log" ;;
      bench) echo "results:   bench/results (the run's .md); its processes' logs: bench/target/runs" ;;
    esac
  done
}

# The steps' times, after a green run.
ci_passed() {
  echo
  echo "== CI passed${CI_STAGES:+ (stages 0 $CI_STAGES only)} in $SECONDS s ($((SECONDS / 60)) min $((SECONDS % 60)) s):"
  printf '  %s\n' "${ci_timings[@]}"
}
