#!/usr/bin/env bash
# Builds the swarm node image offline (no registry): a debootstrap'd Debian 12 with the distribution's
# Docker engine, imported as local/cm-swarm-node:bookworm. Each node container runs its own
# containerd + dockerd from it. Skipped when the image exists with the current version stamp.
set -euo pipefail
cd "$(dirname "$0")"
. ./lib.sh
# Bump when the package list or the start command changes: an existing image is rebuilt then.
VERSION=1
PACKAGES=docker.io,containerd,runc,iptables,ca-certificates,procps,iproute2,psmisc

if [ "$(image_label "$SWARM_NODE_IMAGE" io.container-manager.node-image-version)" = "$VERSION" ] && [ "${1:-}" != --force ]; then
  slog "node image $SWARM_NODE_IMAGE present (version $VERSION)"
  exit 0
fi
[ "$(id -u)" -eq 0 ] || sdie "building the node image needs root (debootstrap)"
dir="$(mktemp -d /var/tmp/cm-swarm-node.XXXXXX)"
trap 'rm -rf "$dir"' EXIT
slog "building node image $SWARM_NODE_IMAGE by debootstrap (about 40 s with a warm cache, a few minutes cold)"
debootstrap_rootfs bookworm "$dir" "$PACKAGES"
# The node's programs. PID 1 (docker's --init) runs cm-node-start, which starts containerd and dockerd
# and then only waits: killing dockerd (the node-down test) leaves the node container and its address
# in place, and `cm-node-dockerd` brings the engine back.
cat >"$dir/usr/local/bin/cm-node-dockerd" <<'SH'
#!/bin/sh
# Starts this node's dockerd in the background unless one is running.
pgrep -x dockerd >/dev/null && exit 0
rm -f /var/run/docker.pid
setsid dockerd --containerd=/run/containerd/containerd.sock >>/var/log/dockerd.log 2>&1 </dev/null &
SH
cat >"$dir/usr/local/bin/cm-node-start" <<'SH'
#!/bin/sh
setsid containerd >/var/log/containerd.log 2>&1 </dev/null &
for i in $(seq 1 50); do [ -S /run/containerd/containerd.sock ] && break; sleep 0.1; done
/usr/local/bin/cm-node-dockerd
exec sleep infinity
SH
chmod 0755 "$dir/usr/local/bin/cm-node-start" "$dir/usr/local/bin/cm-node-dockerd"
tar -C "$dir" -c . | docker import \
  -c 'CMD ["/usr/local/bin/cm-node-start"]' \
  -c "LABEL io.container-manager.node-image-version=$VERSION" \
  - "$SWARM_NODE_IMAGE" >/dev/null
slog "node image $SWARM_NODE_IMAGE built"
