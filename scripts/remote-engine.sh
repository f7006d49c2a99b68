#!/bin/bash
# A second Docker engine in a network namespace, reached over TCP only: what the deployment tests
# use as a "remote" engine (the docker-in-docker pattern of CI) without any other machine.
#
#   scripts/remote-engine.sh up NAME HOST_ADDR ENGINE_ADDR STATE_DIR
#   scripts/remote-engine.sh down NAME STATE_DIR
#   scripts/remote-engine.sh stop-engine NAME STATE_DIR            # dockerd only: the engine goes away
#   scripts/remote-engine.sh start-engine NAME ENGINE_ADDR STATE_DIR  # and comes back
#
# `up` creates the namespace NAME, a veth pair NAME-h (host side, HOST_ADDR/30) and NAME-n (in the
# namespace, ENGINE_ADDR/30), and starts dockerd in the namespace listening on
# tcp://ENGINE_ADDR:2375, with its own data, exec root and pidfile under STATE_DIR, no bridge and
# no iptables rules (nothing of the host's network changes). It is started with nsenter: `ip netns
# exec` would remount /sys and break dockerd's cgroup mounts. `down` stops that dockerd and removes
# the pair, the namespace and STATE_DIR. The main dockerd is never touched.
set -euo pipefail

engine_answers() { docker -H "tcp://$1:2375" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

start_engine() {
    local name=$1 engine_addr=$2 state=$3
    nohup setsid nsenter --net="/var/run/netns/$name" dockerd -H "tcp://$engine_addr:2375" \
        --bridge none --iptables=false --ip-masq=false --userland-proxy=false \
        --data-root "$state/data" --exec-root "$state/exec" --pidfile "$state/dockerd.pid" \
        >>"$state/dockerd.log" 2>&1 &
    local deadline=$(( $(date +%s) + 90 ))
    until engine_answers "$engine_addr"; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "error: dockerd in $name did not answer in 90 s:" >&2
            tail -n 20 "$state/dockerd.log" >&2
            exit 1
        fi
        sleep 0.5
    done
}

stop_engine() {
    local state=$1
    if [ -s "$state/dockerd.pid" ]; then
        local pid
        pid=$(cat "$state/dockerd.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
    fi
}

up() {
    local name=$1 host_addr=$2 engine_addr=$3 state=$4
    # the /30 must not be routed already (other than by the default route)
    if ip -4 route show to match "$engine_addr" | grep -qv '^default'; then
        echo "error: $engine_addr is already routed here: $(ip -4 route show to match "$engine_addr")" >&2
        exit 1
    fi
    mkdir -p "$state/data" "$state/exec"
    ip netns add "$name"
    ip link add "$name-h" type veth peer name "$name-n"
    ip link set "$name-n" netns "$name"
    ip addr add "$host_addr/30" dev "$name-h"
    ip link set "$name-h" up
    ip -n "$name" addr add "$engine_addr/30" dev "$name-n"
    ip -n "$name" link set "$name-n" up
    ip -n "$name" link set lo up
    start_engine "$name" "$engine_addr" "$state"
    echo "Docker engine in netns $name answers on tcp://$engine_addr:2375"
}

down() {
    local name=$1 state=$2
    stop_engine "$state"
    # its containerd (and shims) outlive it briefly: they are the processes naming STATE_DIR
    local left
    for _ in $(seq 1 60); do
        left=$(pgrep -f -- "$state/" || true)
        [ -z "$left" ] && break
        # shellcheck disable=SC2086
        kill $left 2>/dev/null || true
        sleep 0.5
    done
    # shellcheck disable=SC2086
    [ -n "$left" ] && kill -9 $left 2>/dev/null || true
    ip link del "$name-h" 2>/dev/null || true
    ip netns del "$name" 2>/dev/null || true
    # mounts the engine may have left (its containers' root filesystems), then its files
    if [ -d "$state" ]; then
        { grep -o " $state[^ ]*" /proc/self/mounts || true; } | sort -r | while read -r m; do umount -l "$m" || true; done
        rm -rf "$state" || { sleep 1; rm -rf "$state"; }
    fi
}

case "${1:-}" in
    up) shift; up "$@" ;;
    down) shift; down "$@" ;;
    stop-engine) shift; stop_engine "$2" ;;
    start-engine) shift; start_engine "$@" ;;
    *) echo "usage: $0 up NAME HOST_ADDR ENGINE_ADDR STATE_DIR | down NAME STATE_DIR" \
        "| stop-engine NAME STATE_DIR | start-engine NAME ENGINE_ADDR STATE_DIR" >&2; exit 2 ;;
esac
