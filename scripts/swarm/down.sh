#!/usr/bin/env bash
# Removes what scripts/swarm/up.sh made: the node containers (with the swarm, its tasks and their
# containers inside them), the host network between them, and their data directories. Never anything
# else: only containers and networks with this tooling's label. The built images and the .deb cache
# stay, so the next up.sh is fast.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
nested=()
for n in "${SWARM_NODES[@]}"; do
  if [ "$(docker inspect -f "{{ index .Config.Labels \"${SWARM_LABEL%=*}\" }}" "$n" 2>/dev/null)" = 1 ]; then
    # The node's own containers: their cgroups live in the host's tree (--cgroupns=host), see below.
    mapfile -t -O "${#nested[@]}" nested < <(docker exec "$n" docker ps -aq --no-trunc 2>/dev/null || true)
    slog "removing node $n"
    docker rm -f -v "$n" >/dev/null
  fi
done
# The nested engines made their containers' cgroups in the host's tree and die before removing them:
# remove those, by id, once empty (rmdir refuses a cgroup that still has tasks).
for id in "${nested[@]}"; do
  [ -n "$id" ] || continue
  for dir in /sys/fs/cgroup/*/docker/"$id" /sys/fs/cgroup/*/system.slice/docker-"$id".scope; do
    [ -d "$dir" ] && rmdir "$dir" 2>/dev/null || true
  done
done
if [ "$(docker network inspect -f "{{ index .Labels \"${SWARM_LABEL%=*}\" }}" cm-swarm-net 2>/dev/null)" = 1 ]; then
  docker network rm cm-swarm-net >/dev/null
fi
rm -rf "${SWARM_DATA_DIR:?}" "${SWARM_WORK_DIR:?}/credentials"
slog "swarm test cluster removed"
