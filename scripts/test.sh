#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine, then runs lint, types and
# every test. The README's test command and .ci/run both call this script.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

# Debian packages: ip (iproute2), dnsmasq, nft (nftables), tmux, curl, node + npm, chromium
# (headless), openssl and certutil (libnss3-tools: the certificate checks and Chromium's NSS
# database).
missing=()
command -v ip >/dev/null || missing+=(iproute2)
command -v dnsmasq >/dev/null || missing+=(dnsmasq-base)
command -v nft >/dev/null || missing+=(nftables)
command -v tmux >/dev/null || missing+=(tmux)
command -v curl >/dev/null || missing+=(curl)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v chromium >/dev/null || missing+=(chromium)
command -v openssl >/dev/null || missing+=(openssl)
command -v certutil >/dev/null || missing+=(libnss3-tools)
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  echo "== installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "== installing Python packages"
# compat: a plain path entry instead of an import hook (~10 ms less on every start)
python3 -m pip install -q --disable-pip-version-check -e '.[test]' --config-settings editable_mode=compat

echo "== installing the npm peers (tests/peers)"
if [ -f tests/peers/package-lock.json ]; then
  npm ci --prefix tests/peers --no-audit --no-fund --loglevel=error
fi

echo "== ruff"
python3 -m ruff check wsexplorer tests benchmarks scripts
python3 -m ruff format --check wsexplorer tests benchmarks scripts
echo "== mypy --strict (the whole package)"
python3 -m mypy
echo "== import-linter (the layers, pyproject.toml [tool.importlinter])"
lint-imports
echo "== the pure engine: 100% branch coverage from its unit tests"
python3 -m pytest -q -p no:cacheprovider tests/diagnosis --cov=wsexplorer.diagnosis \
  --cov-branch --cov-report=term-missing:skip-covered --cov-fail-under=100 | tail -n 4
echo "== pytest (everything)"
set +e
python3 -m pytest -q -p no:cacheprovider "$@"
rc=$?
set -e
if [ $rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi
exit $rc
