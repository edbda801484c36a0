#!/usr/bin/env bash
# The logic of the GitHub Action (action.yml), runnable anywhere: install dedup,
# write the SARIF report, print GitHub annotations and a summary, exit like
# `dedup check` (0 clean, 1 findings, 2 usage or input error).
#
# Settings come from the environment (empty means the default):
#   DEDUP_PATHS (default .), DEDUP_CHANGED_SINCE, DEDUP_FAIL_ON, DEDUP_BASELINE,
#   DEDUP_CONFIG, DEDUP_ARGS, DEDUP_SARIF_FILE (default dedup.sarif),
#   DEDUP_INSTALL (pip requirement; default: this checkout; "none": use dedup on PATH).
# On GitHub, GITHUB_OUTPUT receives exit-code and sarif-file, and GITHUB_STEP_SUMMARY
# the summary line.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
action_path="${GITHUB_ACTION_PATH:-$here}"

install="${DEDUP_INSTALL:-}"
if [ "$install" != "none" ]; then
  if ! python3 -m pip install --quiet --disable-pip-version-check "${install:-$action_path}"; then
    echo "::error title=dedup::could not install dedup from ${install:-$action_path}"
    exit 2
  fi
fi
if ! command -v dedup >/dev/null 2>&1; then
  echo "::error title=dedup::the dedup command is not on PATH"
  exit 2
fi

read -r -a paths <<< "${DEDUP_PATHS:-.}"
[ "${#paths[@]}" -gt 0 ] || paths=(.)
read -r -a extra <<< "${DEDUP_ARGS:-}"
args=(--no-progress)
[ -n "${DEDUP_CHANGED_SINCE:-}" ] && args+=(--changed-since "$DEDUP_CHANGED_SINCE")
[ -n "${DEDUP_FAIL_ON:-}" ] && args+=(--fail-on "$DEDUP_FAIL_ON")
[ -n "${DEDUP_BASELINE:-}" ] && args+=(--baseline "$DEDUP_BASELINE")
[ -n "${DEDUP_CONFIG:-}" ] && args+=(--config "$DEDUP_CONFIG")
args+=("${extra[@]}")
sarif="${DEDUP_SARIF_FILE:-dedup.sarif}"

# the SARIF report for code scanning (its exit status is the step's)
dedup check "${args[@]}" --format sarif --output "$sarif" -- "${paths[@]}"
status=$?

# annotations on the changed lines, and the summary line GitHub's annotation limit never hides
annotations="$(dedup check "${args[@]}" --format github -- "${paths[@]}")"
printf '%s\n' "$annotations"

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "exit-code=$status" >> "$GITHUB_OUTPUT"
  if [ -s "$sarif" ]; then echo "sarif-file=$sarif" >> "$GITHUB_OUTPUT"; fi
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "### dedup"
    echo
    printf '%s\n' "$annotations" | tail -n 1
  } >> "$GITHUB_STEP_SUMMARY"
fi
exit "$status"
