#!/usr/bin/env bash
# Finds which system tools .ci/run needs (listed in .ci/requirements) are missing, and which apt packages of THIS
# distribution provide them, so one script works on Debian 12 (this machine, CI) and Ubuntu 24.04 (GitHub's
# ubuntu-latest). Binaries are found where they are (any PostgreSQL major, aws in /usr/local/bin), never at one
# fixed path. Testable against a fake root: DEPS_ROOT=<dir> (its etc/os-release, usr/lib/postgresql/*/bin, bin
# dirs) and APT_CACHE=<program answering `policy <pkg>`).
#
#   deps.sh missing    tools not found, one per line (no apt needed)
#   deps.sh packages   apt packages to install for the missing tools, one per line; exit 1 with ONE line on stderr
#                      naming the tool, the distribution and what to do when no package has an install candidate
#   deps.sh env        PG_BIN_DIR=... and AWS_CLI=... lines for what was found (the tests' helpers read both)
set -euo pipefail

ROOT="${DEPS_ROOT:-/}"
ROOT="${ROOT%/}"
APT_CACHE="${APT_CACHE:-apt-cache}"
REQUIREMENTS="${DEPS_REQUIREMENTS:-$(dirname "$0")/requirements}"

# "debian 12", "ubuntu 24.04": from os-release (ID, VERSION_ID), as the distribution writes it.
distribution() {
  local file="$ROOT/etc/os-release" id="" version=""
  [ -r "$file" ] || file="$ROOT/usr/lib/os-release"
  if [ -r "$file" ]; then
    id="$(sed -n 's/^ID=//p' "$file" | tr -d '"')"
    version="$(sed -n 's/^VERSION_ID=//p' "$file" | tr -d '"')"
  fi
  echo "${id:-unknown} ${version:-?}"
}

# The newest /usr/lib/postgresql/<major>/bin with the server binaries the tests start (initdb, pg_ctl, postgres).
postgres_bin_dir() {
  local dir
  for dir in $(printf '%s\n' "$ROOT"/usr/lib/postgresql/*/bin | sort -V -r); do
    if [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

find_tool() {
  local tool="$1" dir
  if [ "$tool" = postgres ]; then
    postgres_bin_dir
    return
  fi
  # The system's directories first (a version manager's shim earlier on PATH may not run), then PATH on a real root.
  for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
    if [ -x "$ROOT$dir/$tool" ]; then
      echo "$ROOT$dir/$tool"
      return 0
    fi
  done
  [ -z "$ROOT" ] && command -v "$tool"
}

# Lines of .ci/requirements without comments: "<tool> <packages> [hint...]".
requirements() { grep -v '^[[:space:]]*\(#\|$\)' "$REQUIREMENTS"; }

missing_tools() {
  local tool _rest
  while read -r tool _rest; do
    find_tool "$tool" >/dev/null || echo "$tool"
  done < <(requirements)
}

# apt-cache policy prints "Candidate: <version>" for an installable package, "Candidate: (none)" or nothing else.
has_candidate() {
  "$APT_CACHE" policy "$1" 2>/dev/null | grep -q 'Candidate: [^(]'
}

packages_for_missing() {
  local tool packages hint package chosen
  local -a missing
  mapfile -t missing < <(missing_tools)
  [ "${#missing[@]}" -gt 0 ] || return 0
  while read -r tool packages hint; do
    [[ " ${missing[*]} " == *" $tool "* ]] || continue
    chosen=""
    for package in ${packages//,/ }; do
      if has_candidate "$package"; then chosen="$package"; break; fi
    done
    if [ -z "$chosen" ]; then
      echo "deps: $tool is missing and $(distribution) has no installable package for it (${packages//,/ or })${hint:+: $hint}" >&2
      return 1
    fi
    echo "$chosen"
  done < <(requirements)
}

print_env() {
  local dir aws
  if dir="$(postgres_bin_dir)"; then echo "PG_BIN_DIR=$dir"; fi
  if aws="$(find_tool aws)"; then echo "AWS_CLI=$aws"; fi
}

case "${1:-}" in
  missing) missing_tools ;;
  packages) packages_for_missing ;;
  env) print_env ;;
  *)
    echo "usage: $0 missing|packages|env" >&2
    exit 2
    ;;
esac
