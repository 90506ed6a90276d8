#!/usr/bin/env bash
# Everything `make test` runs, on every supported ansible-core version:
# - each older version (tests/requirements-2.*.txt) in its own virtual environment (.venv-2.N, built
#   here, with the Python its file names: override with PYTHON_2_N=/path/to/python): ansible-test
#   sanity of the collection's content ($SHIPPED: all but tests/, bench/ and demo/, the repository's own
#   tooling, which the newest lints) and the smoke tests (the tests marked `smoke`, $SMOKE_TESTS);
# - the newest version in the main environment (.venv, on PATH): ansible-test sanity, antsibull-docs'
#   docs linter, ansible-lint and every pytest test.
# Two lanes, one a core: the newest's pytest run in the foreground (it waits on its fakes and subprocesses
# a good part of its time), and in the background the newest's sanity and lints, then the older versions
# one after the other (about as long); the background's output is kept in logs and printed after the
# tests'. OLDER_ALONGSIDE=0 runs everything one after the other in the foreground instead, older first.
# A version whose Python is not on this machine is skipped with one line saying so.
# One summary line per version closes the output, then the total over every version.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
# the files holding a test marked smoke (collecting other files would import what only the newest's environment has)
SMOKE_TESTS=${SMOKE_TESTS:--m smoke $(grep -l '^@pytest.mark.smoke' tests/integration/test_*.py | tr '\n' ' ')}
OLDER_ALONGSIDE=${OLDER_ALONGSIDE:-1}
# ansible-test's targets for the older versions: every top-level file and folder git tracks (a folder with
# its slash) but the repository's own tooling and dot-files
SHIPPED=${SHIPPED:-$(git ls-files | sed -E 's#^([^/]+)/.*#\1/#' | sort -u | grep -vxE 'tests/|bench/|demo/|\..*' | tr '\n' ' ')}
summary=()
status=0
passed=0
failed=0
skipped=0
started=$SECONDS
started_cpu=0

duration() {
    printf '%dm%02ds' $(($1 / 60)) $(($1 % 60))
}

# cpu_now: sets cpu to the CPU seconds (user and system) of every finished child so far (the shell's
# own `times`, read without a subshell); on a busy machine this, not the wall time, says what a step costs
times_file=$(mktemp "${TMPDIR:-/tmp}/jcops-times.XXXXXX")
cpu_now() {
    times >"$times_file"
    cpu=$(tail -n 1 "$times_file" | tr 'ms' '  ' | awk '{ printf "%d", $1 * 60 + $2 + $3 * 60 + $4 }')
}

# timing BEGAN_WALL BEGAN_CPU: sets timing to "wall 5m02s, cpu 7m10s"
timing() {
    cpu_now
    timing="wall $(duration $((SECONDS - $1))), cpu $(duration $((cpu - $2)))"
}

# step LABEL COMMAND...: run one check; sets step_result to "LABEL passed|failed" and counts it
step() {
    local label=$1
    shift
    if "$@"; then
        step_result="$label passed"
        passed=$((passed + 1))
    else
        step_result="$label failed"
        failed=$((failed + 1))
        status=1
    fi
}

# tests LABEL PYTHON PYTEST-ARGS...: run pytest; sets step_result to "LABEL N passed[, N failed]"
tests() {
    local label=$1 python=$2 log counts rc n n_passed n_failed n_skipped
    shift 2
    log=$(mktemp "${TMPDIR:-/tmp}/jcops-pytest.XXXXXX")
    "$python" -m pytest -n 2 --dist worksteal -p no:cacheprovider "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    counts=$(grep -E '[0-9]+ (passed|failed|error)' "$log" | tail -n 1)
    rm -f "$log"
    n_passed=$(grep -oE '[0-9]+ passed' <<<"$counts" | grep -oE '[0-9]+' || echo 0)
    n_failed=0
    for n in $(grep -oE '[0-9]+ (failed|errors?)' <<<"$counts" | grep -oE '[0-9]+'); do
        n_failed=$((n_failed + n))
    done
    n_skipped=$(grep -oE '[0-9]+ skipped' <<<"$counts" | grep -oE '[0-9]+' || echo 0)
    if [ "$rc" -ne 0 ] && [ "$n_failed" -eq 0 ]; then
        n_failed=1           # pytest failed without a count (collection error, no test run)
    fi
    passed=$((passed + n_passed))
    failed=$((failed + n_failed))
    skipped=$((skipped + n_skipped))
    step_result="$label $n_passed passed"
    [ "$n_failed" -eq 0 ] || step_result+=", $n_failed failed"
    [ "$n_skipped" -eq 0 ] || step_result+=", $n_skipped skipped"
    [ "$rc" -eq 0 ] || status=1
}

describe() {
    "$1" -c 'import sys, ansible.release; print("ansible-core %s on Python %d.%d" % ((ansible.release.__version__,) + sys.version_info[:2]))'
}

# older_versions: sanity and smoke tests on each older supported version, oldest first; its summary lines
# and counts go to $older_state (it may run in a background subshell, which cannot set this shell's variables)
older_state=$(mktemp "${TMPDIR:-/tmp}/jcops-older.XXXXXX")
older_log=$(mktemp "${TMPDIR:-/tmp}/jcops-older-log.XXXXXX")
older_times=$(mktemp "${TMPDIR:-/tmp}/jcops-older-times.XXXXXX")
# the same three for the newest's sanity and lints
checks_state=$(mktemp "${TMPDIR:-/tmp}/jcops-checks.XXXXXX")
checks_log=$(mktemp "${TMPDIR:-/tmp}/jcops-checks-log.XXXXXX")
checks_times=$(mktemp "${TMPDIR:-/tmp}/jcops-checks-times.XXXXXX")
trap 'rm -f "$times_file" "$older_state" "$older_log" "$older_times" "$checks_state" "$checks_log" "$checks_times"' EXIT
older_versions() {
    # local: the steps below count into these (bash scopes them dynamically), not into the newest's
    local summary=() passed=0 failed=0 skipped=0 status=0 req minor var wanted python venv began began_cpu
    local name results sanity_time own_cpu cpu_before
    local times_file=$older_times               # cpu_now's file: the newest's shell uses the other one
    cpu_now
    cpu_before=$cpu                             # what this shell spent before (the newest's checks, alongside)
    for req in $(ls tests/requirements-2.*.txt | sort -V); do
        minor=${req#tests/requirements-}
        minor=${minor%.txt}
        var=PYTHON_${minor//./_}
        wanted=$(sed -n 's/^# python: //p' "$req")
        python=${!var:-$("$here/find_python.sh" $wanted)}
        if [ -z "$python" ]; then
            line="ansible-core $minor: skipped, no Python $wanted on this machine (set $var=/path/to/python$wanted)"
            echo "== $line"
            summary+=("$line")
            continue
        fi
        venv="$root/.venv-$minor"
        if ! "$here/make_venv.sh" "$req" "$venv" "$python"; then
            summary+=("ansible-core $minor: failed, its environment could not be built with $python")
            failed=$((failed + 1))
            status=1
            continue
        fi
        began=$SECONDS
        cpu_now
        began_cpu=$cpu
        name=$(describe "$venv/bin/python")
        echo "== $name: ansible-test sanity ($SHIPPED)"
        step sanity env PATH="$venv/bin:$PATH" "$here/sanity.sh" $SHIPPED
        results=$step_result
        timing "$began" "$began_cpu"
        sanity_time=$timing
        echo "== $name: smoke tests ($SMOKE_TESTS)"
        tests smoke "$venv/bin/python" $SMOKE_TESTS
        results+=", $step_result"
        timing "$began" "$began_cpu"
        summary+=("$name: $results ($timing; sanity $sanity_time)")
    done
    # this shell's own CPU and its children's since it began: what the newest's line must not count when run
    # alongside
    times >"$times_file"
    own_cpu=$(awk '{ gsub(/[ms]/, " "); t += $1 * 60 + $2 + $3 * 60 + $4 } END { printf "%d", t }' "$times_file")
    own_cpu=$((own_cpu - cpu_before))
    {
        echo "$passed $failed $skipped $status $own_cpu"
        printf '%s\n' "${summary[@]}"
    } >"$older_state"
}

name=$(describe python)
newest_checks() {
    local passed=0 failed=0 status=0 results began began_cpu
    local times_file=$checks_times
    began=$SECONDS
    cpu_now
    began_cpu=$cpu
    echo "== $name: ansible-test sanity"
    step sanity "$here/sanity.sh"
    results=$step_result
    echo "== $name: antsibull-docs lint-collection-docs --plugin-docs"
    step "docs lint" "$here/docs_lint.sh"
    results+=", $step_result"
    echo "== $name: ansible-lint"
    step ansible-lint "$here/lint.sh"
    results+=", $step_result"
    timing "$began" "$began_cpu"
    printf '%s %s %s %s\n%s\n%s\n' "$passed" "$failed" "$status" "$SECONDS" "$results" "$timing" >"$checks_state"
}

# the background lane: the newest's sanity and lints, then the older versions (about as long as the newest's
# pytest run in the foreground, which waits on its fakes and subprocesses a good part of its time)
[ "$OLDER_ALONGSIDE" = 1 ] || older_versions
began=$SECONDS
cpu_now
began_cpu=$cpu
if [ "$OLDER_ALONGSIDE" = 1 ]; then
    echo "== in the background: the sanity and lints of $name, then the older ansible-core versions;"
    echo "   their output follows the tests'"
    {
        newest_checks >"$checks_log" 2>&1
        older_versions >"$older_log" 2>&1
    } &
    background_pid=$!
else
    newest_checks
fi
echo "== $name: pytest, every test"
tests "all tests" python tests
tests_result=$step_result
tests_ended=$SECONDS

if [ "$OLDER_ALONGSIDE" = 1 ]; then
    wait "$background_pid"
    echo
    cat "$checks_log"
fi
{
    read -r c_passed c_failed c_status checks_ended
    read -r results
    read -r checks_time
} <"$checks_state"
passed=$((passed + c_passed))
failed=$((failed + c_failed))
[ "$c_status" -eq 0 ] || status=1
results+=", $tests_result"
newest_wall=$(( (checks_ended > tests_ended ? checks_ended : tests_ended) - began ))

if [ "$OLDER_ALONGSIDE" = 1 ]; then
    echo
    echo "== the older ansible-core versions (run alongside the newest)"
    cat "$older_log"
fi
{
    read -r o_passed o_failed o_skipped o_status o_cpu
    mapfile -t older_summary
} <"$older_state"
cpu_now
newest_cpu=$((cpu - began_cpu))
[ "$OLDER_ALONGSIDE" = 1 ] && newest_cpu=$((newest_cpu - o_cpu))
summary+=("$name: $results (wall $(duration "$newest_wall"), cpu $(duration "$newest_cpu"); sanity and lints $checks_time)")
passed=$((passed + o_passed))
failed=$((failed + o_failed))
skipped=$((skipped + o_skipped))
[ "$o_status" -eq 0 ] || status=1

echo
timing "$started" "$started_cpu"
echo "== summary ($timing in all)"
printf '%s\n' "${older_summary[@]}" "${summary[@]}"
total="total: $passed passed, $failed failed"
[ "$skipped" -eq 0 ] || total+=", $skipped skipped"
echo "$total"
exit $status
