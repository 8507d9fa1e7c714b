#!/usr/bin/env bash
# Shared by the scripts/swarm/*.sh scripts: names, paths and small helpers. Sourced, never run.

SWARM_NODE_IMAGE="${SWARM_NODE_IMAGE:-local/cm-swarm-node:bookworm}"
SWARM_SERVICE_BASE_IMAGE="${SWARM_SERVICE_BASE_IMAGE:-local/cm-service-base:trixie}"
SWARM_SERVICE_IMAGE="${SWARM_SERVICE_IMAGE:-container-manager:local}"
SWARM_TEST_IMAGE="${TEST_IMAGE:-cm-test-python:bookworm}"
# Everything the scripts create on the host lives under these two directories (down.sh removes them).
SWARM_WORK_DIR="${SWARM_WORK_DIR:-/tmp/cm-swarm}"
SWARM_DATA_DIR="${SWARM_DATA_DIR:-/var/tmp/cm-swarm}"
# debootstrap's .deb cache: kept across runs (and across down.sh) so rebuilds do not download again.
SWARM_APT_CACHE="${SWARM_APT_CACHE:-/var/cache/cm-swarm}"
SWARM_NODES=(cm-node1 cm-node2 cm-node3)
SWARM_STACK=cm
SWARM_SERVICE_NAME=cm
SWARM_SECRET=cm_app_pass
SWARM_NETWORK=cm-cluster
# Every container/network this tooling creates carries this label; down.sh removes only those.
SWARM_LABEL=io.container-manager.swarm-test=1
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

# Host loopback port of node N's service (cm-node1 -> 18081, ...).
swarm_host_port() { echo $((18080 + ${1#cm-node})); }

slog() { printf '[swarm] %s\n' "$*" >&2; }
sdie() { printf '[swarm] error: %s\n' "$*" >&2; exit 1; }

# Waits up to $1 seconds for the command in "$@" (after the first argument) to succeed.
wait_for() {
  local timeout="$1"
  shift
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 1
  done
}

# The value of label $2 on image $1, empty when the image or the label is missing.
image_label() { docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }

# debootstrap SUITE DIR PACKAGES... into DIR with the shared .deb cache; logs to $SWARM_WORK_DIR.
debootstrap_rootfs() {
  local suite="$1" dir="$2" include="$3"
  local cache="$SWARM_APT_CACHE/debootstrap-$suite" log="$SWARM_WORK_DIR/debootstrap-$suite.log"
  mkdir -p "$cache" "$SWARM_WORK_DIR"
  command -v debootstrap >/dev/null || sdie "debootstrap missing: run scripts/provision-docker.sh swarm"
  debootstrap --variant=minbase --cache-dir="$cache" --include="$include" "$suite" "$dir" "$DEBIAN_MIRROR" \
    >"$log" 2>&1 || { tail -n 30 "$log" >&2; rm -rf "$dir"; sdie "debootstrap $suite failed (log: $log)"; }
  rm -rf "$dir/var/cache/apt/archives/"*.deb "$dir/var/lib/apt/lists/"*
}
