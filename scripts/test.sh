#!/usr/bin/env bash
# Set up everything the test suite needs and run it: the second quick-start command, and CI.
#   bash scripts/test.sh [pytest arguments]
# 1. system packages the tests use (Graphviz, a headless browser, CJK fonts for Korean labels,
#    OpenLink Virtuoso as a second SPARQL server), installed with apt only when missing;
# 2. a venv in .venv with the package (editable, so the doctests in src/ are the tested code)
#    and its test extras (the Oxigraph server among them);
# 3. pytest. It exits non-zero when anything fails, and also when no test was collected.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk fontconfig)
# the second SPARQL server of tests/test_remote.py (the tests start it on a temporary database)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
if ((${#missing[@]})); then
  echo "installing system packages: ${missing[*]}" >&2
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[[ -x .venv/bin/python ]] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"

status=0
.venv/bin/python -m pytest "$@" || status=$?
if ((status == 5)); then
  echo "pytest collected no tests: nothing was checked" >&2
  exit 1
fi
exit "$status"
