#!/bin/bash
# Runs the whole suite: every cmocka binary in $BUILD/tests, then every shell
# integration test in tests/integration/*.sh. Prints one summary line,
# "tests: N passed, N failed, N skipped", and exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
passed=0 failed=0 skipped=0
failures=()
start=$(date +%s)

count() { # $1 = output of a cmocka binary
	local p f s
	p=$(grep -oP '^\[  PASSED  \] \K[0-9]+' <<<"$1" | tail -1)
	f=$(grep -oP '^\[  FAILED  \] \K[0-9]+(?= test)' <<<"$1" | tail -1)
	s=$(grep -oP '^\[  SKIPPED \] \K[0-9]+(?= test)' <<<"$1" | tail -1)
	passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	case "$t" in *.d|*.o) continue ;; esac
	name=$(basename "$t")
	out=$("$t" 2>&1)
	rc=$?
	count "$out"
	if [ $rc -ne 0 ]; then
		failures+=("$name")
		# A crash may leave no FAILED line: count it once.
		grep -q '^\[  FAILED  \]' <<<"$out" || failed=$((failed + 1))
		echo "$out" | grep -E '^\[  (ERROR|FAILED|  LINE)|^\[   LINE' | sed "s/^/$name: /"
		echo "$out" | tail -5 | sed "s/^/$name: /"
	fi
	grep "^note:" <<<"$out" | sed "s/^/$name: /"
	echo "$name: $(grep -E '^\[  (PASSED  |FAILED  |SKIPPED )\] [0-9]+ test' <<<"$out" | tr '\n' ' ')"
done

for t in tests/integration/*.sh; do
	[ "$(basename "$t")" = lib.sh ] && continue # helpers, not a test
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	out=$(bash "$t" 2>&1)
	rc=$?
	echo "$out" | grep -E '^(FAIL|SKIP)' | sed "s/^/$name: /"
	p=$(grep -c '^PASS' <<<"$out"); f=$(grep -c '^FAIL' <<<"$out"); s=$(grep -c '^SKIP' <<<"$out")
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); echo "$name: exited $rc"; echo "$out" | tail -5; fi
	[ "$f" -eq 0 ] && [ $rc -eq 0 ] || failures+=("$name")
	echo "$name: $p passed, $f failed, $s skipped"
done

echo "suite time: $(( $(date +%s) - start )) s"
[ ${#failures[@]} -eq 0 ] || echo "failing: ${failures[*]}"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ ${#failures[@]} -eq 0 ]
