#!/usr/bin/env bash
# Provisions what the service and its tests need on a Debian host, as root:
#   - Docker engine (docker.io, containerd, runc) and Compose v2 (pinned from Debian 13),
#   - running containerd + dockerd (coping with stale pid files and an already running daemon),
#   - the offline test image (debootstrap bookworm minbase + python3, `python` -> python3),
#   - Debian's chromium and firefox-esr, which the console's browser tests drive (playwright-core,
#     puppeteer-core over WebDriver BiDi).
#   - Debian's wrk, the HTTP load generator of bench/lifecycle-bench.ts.
#   - `swarm`: what scripts/swarm/ needs for the cluster test (debootstrap, curl; the images are built there).
# Idempotent: every step is skipped when its result is already there.
set -euo pipefail

TEST_IMAGE="${TEST_IMAGE:-cm-test-python:bookworm}"
LOG_DIR="${PROVISION_LOG_DIR:-/var/log/container-manager-provision}"
mkdir -p "$LOG_DIR"

log() { printf '[provision] %s\n' "$*"; }

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "[provision] must run as root (apt-get, dockerd)" >&2
    exit 1
  fi
}

apt_updated=0
apt_update_once() {
  if [ "$apt_updated" -eq 0 ]; then
    apt-get update -qq
    apt_updated=1
  fi
}

# apt-get install with its chatter in a log file, shown only when it fails.
apt_install() {
  local logname="$1"
  shift
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >"$LOG_DIR/$logname" 2>&1 \
    || { tail -n 30 "$LOG_DIR/$logname" >&2; exit 1; }
}

install_engine() {
  if command -v dockerd >/dev/null 2>&1 && command -v containerd >/dev/null 2>&1 && command -v debootstrap >/dev/null 2>&1; then
    log "engine packages present"
    return
  fi
  need_root
  log "installing docker.io, containerd, runc, debootstrap"
  apt_update_once
  apt_install apt-engine.log docker.io containerd runc debootstrap iptables ca-certificates
}

# Debian's python3 with the libraries the integration guide's Python examples import; the e2e suite
# runs those examples unchanged against the service.
install_example_clients() {
  if /usr/bin/python3 -c 'import requests, aiohttp, websockets' >/dev/null 2>&1; then
    log "example client libraries present"
    return
  fi
  need_root
  log "installing python3-requests, python3-aiohttp, python3-websockets"
  apt_update_once
  apt_install apt-clients.log python3 python3-requests python3-aiohttp python3-websockets
}

install_compose() {
  if docker compose version >/dev/null 2>&1; then
    log "compose present: $(docker compose version --short)"
    return
  fi
  need_root
  log "installing Compose v2 from Debian 13 (pinned so nothing else is upgraded)"
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    >/etc/apt/sources.list.d/trixie.sources
  printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' >/etc/apt/preferences.d/trixie-pin
  apt-get update -qq
  apt_updated=1
  apt_install apt-compose.log docker-compose/trixie
  # The docker client may be a different build from Debian's; make sure it finds the plugin.
  if ! docker compose version >/dev/null 2>&1; then
    for p in /usr/libexec/docker/cli-plugins/docker-compose /usr/lib/docker/cli-plugins/docker-compose; do
      if [ -x "$p" ]; then
        mkdir -p /usr/local/lib/docker/cli-plugins
        ln -sf "$p" /usr/local/lib/docker/cli-plugins/docker-compose
        break
      fi
    done
  fi
  docker compose version >/dev/null
  log "compose installed: $(docker compose version --short)"
}

# A live process of that exact name. A daemon killed a moment ago can linger as a zombie until it
# is reaped, and must not count (pgrep and kill -0 both count it).
running() { ps -C "$1" -o stat= 2>/dev/null | grep -qv '^Z'; }

start_containerd() {
  rm -f /run/containerd/containerd.pid
  log "starting containerd"
  setsid containerd >"$LOG_DIR/containerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 50); do [ -S /run/containerd/containerd.sock ] && break; sleep 0.2; done
}

start_dockerd() {
  # A daemon killed at the end of an earlier session leaves its pid file behind.
  rm -f /var/run/docker.pid
  log "starting dockerd"
  setsid dockerd --containerd=/run/containerd/containerd.sock >"$LOG_DIR/dockerd.log" 2>&1 </dev/null &
}

start_daemons() {
  if timeout 10 docker info >/dev/null 2>&1; then
    log "docker daemon already running"
    return
  fi
  need_root
  running containerd || start_containerd
  running dockerd || start_dockerd
  for i in $(seq 1 120); do
    if timeout 5 docker info >/dev/null 2>&1; then
      log "docker daemon ready"
      return
    fi
    # One that was still dying when first looked at (or died since) is started again.
    if [ $((i % 10)) -eq 0 ]; then
      running containerd || start_containerd
      running dockerd || start_dockerd
    fi
    sleep 0.5
  done
  echo "[provision] dockerd did not come up; last log lines:" >&2
  tail -n 30 "$LOG_DIR/dockerd.log" >&2 || true
  exit 1
}

# The console's browser tests drive Debian's chromium through playwright-core (executablePath) and
# Debian's firefox-esr through puppeteer-core over WebDriver BiDi: Playwright's own browser download
# is not reachable from these machines.
install_browser() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/firefox-esr ]; then
    log "chromium and firefox-esr present"
    return
  fi
  need_root
  log "installing chromium and firefox-esr (the console's browser tests)"
  apt_update_once
  apt_install apt-browser.log chromium firefox-esr fonts-dejavu-core
}

# bench/lifecycle-bench.ts loads GET /containers with wrk (a C load generator: a Node client would
# share the two cores' worth of JavaScript time with the service it measures).
install_bench_tools() {
  if command -v wrk >/dev/null 2>&1; then
    log "wrk present"
    return
  fi
  need_root
  log "installing wrk (bench/lifecycle-bench.ts)"
  apt_update_once
  apt_install apt-bench.log wrk
}

# The cluster test (scripts/swarm/up.sh) debootstraps its node and service-base images and probes
# the instances with curl.
install_swarm_tools() {
  if command -v debootstrap >/dev/null 2>&1 && command -v curl >/dev/null 2>&1; then
    log "swarm test tools present"
    return
  fi
  need_root
  log "installing debootstrap, curl (the cluster test)"
  apt_update_once
  apt_install apt-swarm.log debootstrap curl ca-certificates
}

build_test_image() {
  if docker image inspect "$TEST_IMAGE" >/dev/null 2>&1; then
    log "test image $TEST_IMAGE present"
    return
  fi
  need_root
  local dir
  dir="$(mktemp -d /var/tmp/cm-rootfs.XXXXXX)"
  log "building test image $TEST_IMAGE with debootstrap (about 75 s)"
  debootstrap --variant=minbase --include=python3 bookworm "$dir" http://deb.debian.org/debian \
    >"$LOG_DIR/debootstrap.log" 2>&1 || { tail -n 30 "$LOG_DIR/debootstrap.log" >&2; rm -rf "$dir"; exit 1; }
  ln -sf python3 "$dir/usr/bin/python"
  rm -rf "$dir/var/cache/apt/archives/"*.deb "$dir/var/lib/apt/lists/"*
  tar -C "$dir" -c . | docker import -c 'CMD ["/bin/bash"]' - "$TEST_IMAGE" >/dev/null
  rm -rf "$dir"
  log "test image $TEST_IMAGE built"
}

case "${1:-all}" in
  engine) install_engine; install_compose; start_daemons ;;
  image) build_test_image ;;
  browser) install_browser ;;
  bench) install_bench_tools ;;
  swarm) install_engine; install_compose; start_daemons; install_swarm_tools; build_test_image ;;
  all) install_engine; install_compose; install_example_clients; install_browser; install_bench_tools; install_swarm_tools; start_daemons; build_test_image ;;
  *) echo "usage: $0 [all|engine|image|browser|bench|swarm]" >&2; exit 2 ;;
esac
