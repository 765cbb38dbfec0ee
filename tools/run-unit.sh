#!/usr/bin/env bash
# Runs the host unit-test programs given as arguments (cmocka), then prints
# one summary line over all of them. Exits non-zero if any test failed or a
# program crashed.
set -u
passed=0; failed=0; crashed=0
for t in "$@"; do
    out=$("$t" 2>&1); rc=$?
    printf '%s\n' "$out"
    p=$(printf '%s\n' "$out" | sed -nE 's/.*\[  PASSED  \] ([0-9]+) test.*/\1/p' | tail -n 1)
    f=$(printf '%s\n' "$out" | sed -nE 's/.*\[  FAILED  \] ([0-9]+) test.*/\1/p' | tail -n 1)
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    if [ $rc -ne 0 ] && [ -z "$f" ]; then
        echo "unit: $t exited with status $rc"; crashed=$((crashed + 1))
    fi
done
echo "unit: $passed passed, $((failed + crashed)) failed"
[ $failed -eq 0 ] && [ $crashed -eq 0 ]
