#!/usr/bin/env bash
# Brings up a real three-node Docker Swarm on this machine and deploys the service on it:
#   - builds (cached) the node image and the service image from this working tree,
#   - starts cm-node1 (manager), cm-node2 and cm-node3 (workers): containers each running its own
#     dockerd, on their own bridge network, each node's service port on the host's loopback
#     (127.0.0.1:18081, 18082, 18083),
#   - loads container-manager:local and the test image into every node (no registry),
#   - forms the swarm, labels the workers (zone=a on cm-node2, zone=b on cm-node3), creates the
#     password secret, deploys deploy/stack.yml and waits until every instance answers /healthz.
# Idempotent: what is already there is kept; re-running after code changes rebuilds the service image
# and rolls the service onto it. The host's own engine stays out of the swarm. scripts/swarm/down.sh undoes it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
. "$here/lib.sh"

HOST_NETWORK=cm-swarm-net
APP_USER_NAME=admin
CREDENTIALS="$SWARM_WORK_DIR/credentials"
HEALTH_TIMEOUT_S="${SWARM_HEALTH_TIMEOUT_S:-240}"
mkdir -p "$SWARM_WORK_DIR" "$SWARM_DATA_DIR"
[ "$(id -u)" -eq 0 ] || sdie "needs root (debootstrap, node data dirs)"
if ! timeout 10 docker info >/dev/null 2>&1 || ! command -v debootstrap >/dev/null || ! command -v curl >/dev/null \
  || ! docker image inspect "$SWARM_TEST_IMAGE" >/dev/null 2>&1; then
  bash "$repo/scripts/provision-docker.sh" swarm
fi

bash "$here/build-node-image.sh"
bash "$here/build-service-image.sh"

node_ip() { docker inspect -f "{{ (index .NetworkSettings.Networks \"$HOST_NETWORK\").IPAddress }}" "$1"; }
in_node() { local n="$1"; shift; docker exec "$n" "$@"; }

if ! docker network inspect "$HOST_NETWORK" >/dev/null 2>&1; then
  slog "creating host network $HOST_NETWORK"
  docker network create --label "$SWARM_LABEL" "$HOST_NETWORK" >/dev/null
fi

start_node() {
  local n="$1" data="$SWARM_DATA_DIR/$1"
  if [ "$(docker inspect -f '{{.State.Running}}' "$n" 2>/dev/null)" = true ]; then
    # An engine the node-down test killed comes back (a no-op where dockerd runs).
    in_node "$n" /usr/local/bin/cm-node-dockerd
    return
  fi
  if docker inspect "$n" >/dev/null 2>&1; then
    [ "$(docker inspect -f "{{ index .Config.Labels \"${SWARM_LABEL%=*}\" }}" "$n")" = 1 ] \
      || sdie "a container named $n exists and was not made by these scripts; not touching it"
    slog "starting stopped node $n"
    docker start "$n" >/dev/null
    return
  fi
  slog "starting node $n"
  # The service's directories: the same absolute path on the node as inside its task (see stack.yml).
  mkdir -p "$data/docker" "$data/cm/projects" "$data/cm/logs" "$data/cm/state"
  # Not --privileged (the machine's bounding set lacks CAP_SYS_RESOURCE): every other capability,
  # no seccomp/apparmor, and the host's cgroup tree writable so the nested engine can make cgroups.
  docker run -d --name "$n" --hostname "$n" --label "$SWARM_LABEL" --init \
    --network "$HOST_NETWORK" -p "127.0.0.1:$(swarm_host_port "$n"):8080" \
    --cap-add ALL --cap-drop SYS_RESOURCE \
    --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
    --cgroupns=host -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /run --tmpfs /tmp \
    -v "$data/docker:/var/lib/docker" -v "$data/cm:/var/lib/container-manager" \
    "$SWARM_NODE_IMAGE" >/dev/null
}

for n in "${SWARM_NODES[@]}"; do start_node "$n"; done
for n in "${SWARM_NODES[@]}"; do
  wait_for 60 in_node "$n" docker info || { in_node "$n" tail -n 20 /var/log/dockerd.log >&2 || true; sdie "dockerd in $n did not come up"; }
done
slog "node engines up: $(in_node cm-node1 docker version -f '{{.Server.Version}}')"

# Images by docker save | docker load (no registry); skipped when the node has the same image id.
load_image() {
  local image="$1" n="$2" id
  id="$(docker image inspect -f '{{.Id}}' "$image")"
  [ "$(in_node "$n" docker image inspect -f '{{.Id}}' "$image" 2>/dev/null)" = "$id" ] && return
  slog "loading $image into $n"
  docker save "$image" | docker exec -i "$n" docker load -q >/dev/null
}
SERVICE_ID="$(docker image inspect -f '{{.Id}}' "$SWARM_SERVICE_IMAGE")"
# An id-pinned tag: a rebuilt image is a changed service spec, so `stack deploy` rolls it out.
PINNED="${SWARM_SERVICE_IMAGE}-${SERVICE_ID:7:12}"
pids=()
for n in "${SWARM_NODES[@]}"; do
  ( load_image "$SWARM_TEST_IMAGE" "$n"; load_image "$SWARM_SERVICE_IMAGE" "$n"; in_node "$n" docker tag "$SWARM_SERVICE_IMAGE" "$PINNED" ) &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || sdie "loading images into the nodes failed"; done

# The swarm: cm-node1 initialises it, the others join as workers.
swarm_state() { in_node "$1" docker info -f '{{.Swarm.LocalNodeState}}' 2>/dev/null; }
MANAGER_IP="$(node_ip cm-node1)"
if [ "$(swarm_state cm-node1)" != active ]; then
  slog "swarm init on cm-node1 ($MANAGER_IP)"
  in_node cm-node1 docker swarm init --advertise-addr "$MANAGER_IP" >/dev/null
fi
TOKEN="$(in_node cm-node1 docker swarm join-token -q worker)"
for n in "${SWARM_NODES[@]:1}"; do
  if [ "$(swarm_state "$n")" != active ]; then
    slog "$n joins the swarm"
    in_node "$n" docker swarm join --advertise-addr "$(node_ip "$n")" --token "$TOKEN" "$MANAGER_IP:2377" >/dev/null
  fi
done
all_ready() { [ "$(in_node cm-node1 docker node ls -f role=worker --format '{{.Status}}' | grep -c Ready)" -eq $((${#SWARM_NODES[@]} - 1)) ]; }
wait_for 60 all_ready || { in_node cm-node1 docker node ls >&2; sdie "the workers did not become Ready"; }
# Placement labels (the tests place by zone) and every node active (a test may have drained one).
in_node cm-node1 docker node update --availability active --label-add zone=a cm-node2 >/dev/null
in_node cm-node1 docker node update --availability active --label-add zone=b cm-node3 >/dev/null
in_node cm-node1 docker node update --availability active cm-node1 >/dev/null

# Credentials: generated once, kept in a 0600 file on the host, given to the service as a secret.
if ! in_node cm-node1 docker secret inspect "$SWARM_SECRET" >/dev/null 2>&1 || [ ! -s "$CREDENTIALS" ]; then
  in_node cm-node1 docker stack rm "$SWARM_STACK" >/dev/null 2>&1 || true
  wait_for 60 sh -c "! docker exec cm-node1 docker service inspect ${SWARM_STACK}_${SWARM_SERVICE_NAME}"
  in_node cm-node1 docker secret rm "$SWARM_SECRET" >/dev/null 2>&1 || true
  pass="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  (umask 077 && printf '%s:%s\n' "$APP_USER_NAME" "$pass" >"$CREDENTIALS")
  printf '%s' "$pass" | docker exec -i cm-node1 docker secret create "$SWARM_SECRET" - >/dev/null
  slog "created secret $SWARM_SECRET"
fi

slog "deploying deploy/stack.yml as stack $SWARM_STACK ($PINNED)"
docker exec -i cm-node1 sh -c 'cat >/tmp/stack.yml' <"$repo/deploy/stack.yml"
# --resolve-image never: the images are local to each node; no registry is asked.
in_node cm-node1 env CM_IMAGE="$PINNED" docker stack deploy --resolve-image never -c /tmp/stack.yml "$SWARM_STACK" >/dev/null

healthy() {
  local n="$1" out
  out="$(curl -s -m 5 -u "$(cat "$CREDENTIALS")" "http://127.0.0.1:$(swarm_host_port "$n")/healthz")" || return 1
  # The instance answering must run the image just built.
  printf '%s' "$out" | grep -q '"status":"ok"' || return 1
  # In cluster mode, only once the instance knows every node as ready (peers are found by DNS).
  if printf '%s' "$out" | grep -q '"cluster"'; then
    printf '%s' "$out" | grep -q "\"nodes_ready\":${#SWARM_NODES[@]}[,}]" || return 1
  fi
  [ "$(in_node "$n" docker ps -q -f "label=com.docker.swarm.service.name=${SWARM_STACK}_${SWARM_SERVICE_NAME}" -f "ancestor=$PINNED" | wc -l)" -ge 1 ]
}
for n in "${SWARM_NODES[@]}"; do
  if ! wait_for "$HEALTH_TIMEOUT_S" healthy "$n"; then
    in_node cm-node1 docker service ps --no-trunc "${SWARM_STACK}_${SWARM_SERVICE_NAME}" >&2 || true
    in_node "$n" sh -c "docker ps -aq -f label=com.docker.swarm.service.name=${SWARM_STACK}_${SWARM_SERVICE_NAME} | head -n 1 | xargs -r docker logs --tail 20" >&2 || true
    sdie "the instance on $n did not answer /healthz within ${HEALTH_TIMEOUT_S}s"
  fi
done
slog "cluster up: ${SWARM_NODES[*]} on http://127.0.0.1:18081, :18082, :18083"
echo "$CREDENTIALS"
