#!/bin/sh
# Makes sure a Docker engine answers. As root on Debian, installs docker.io (and busybox-static,
# for the offline AMI) and starts dockerd in the background when none answers.
set -u
answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && answers; then
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "error: no Docker engine answers (DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock})." >&2
    echo "Start one (for example: sudo apt-get install -y docker.io && sudo dockerd &) and retry." >&2
    exit 1
fi
static_busybox() { [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; }
if ! command -v dockerd >/dev/null 2>&1 || ! static_busybox; then
    echo "installing docker.io and busybox-static from Debian's packages..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io busybox-static \
        >/dev/null || { echo "error: could not install docker.io" >&2; exit 1; }
fi
if ! answers; then
    echo "starting dockerd in the background (log: /var/log/dockerd.log)..."
    nohup setsid dockerd >/var/log/dockerd.log 2>&1 &
    deadline=$(( $(date +%s) + 60 ))
    until answers; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "error: dockerd did not answer within 60 s; see /var/log/dockerd.log" >&2
            exit 1
        fi
        sleep 0.5
    done
fi
echo "Docker engine $(docker version --format '{{.Server.Version}}') answers"
