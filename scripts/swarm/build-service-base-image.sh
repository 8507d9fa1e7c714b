#!/usr/bin/env bash
# Builds the service's base image offline: a debootstrap'd Debian 13 (trixie) with Node.js 20.19, the
# Docker CLI and Compose v2 from the distribution, imported as local/cm-service-base:trixie.
# deploy/Dockerfile builds the service image FROM it. Skipped when present with the current stamp.
set -euo pipefail
cd "$(dirname "$0")"
. ./lib.sh
VERSION=1
PACKAGES=nodejs,docker-cli,docker-compose,ca-certificates,tini,procps

if [ "$(image_label "$SWARM_SERVICE_BASE_IMAGE" io.container-manager.base-image-version)" = "$VERSION" ] && [ "${1:-}" != --force ]; then
  slog "service base image $SWARM_SERVICE_BASE_IMAGE present (version $VERSION)"
  exit 0
fi
[ "$(id -u)" -eq 0 ] || sdie "building the service base image needs root (debootstrap)"
dir="$(mktemp -d /var/tmp/cm-service-base.XXXXXX)"
trap 'rm -rf "$dir"' EXIT
slog "building service base image $SWARM_SERVICE_BASE_IMAGE by debootstrap (about a minute warm, a few cold)"
debootstrap_rootfs trixie "$dir" "$PACKAGES"
"$dir/usr/bin/node" --version >/dev/null 2>&1 || chroot "$dir" node --version >/dev/null || sdie "node does not run in the base"
tar -C "$dir" -c . | docker import \
  -c 'CMD ["/bin/bash"]' \
  -c "LABEL io.container-manager.base-image-version=$VERSION" \
  - "$SWARM_SERVICE_BASE_IMAGE" >/dev/null
slog "service base image $SWARM_SERVICE_BASE_IMAGE built ($(docker run --rm "$SWARM_SERVICE_BASE_IMAGE" node --version))"
