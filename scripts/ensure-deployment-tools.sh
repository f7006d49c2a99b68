#!/bin/sh
# Makes sure the tools of `make image`, the deployment tests and the Packer test are installed:
# debootstrap (the offline stand-in base image), docker-compose (Compose), ip and nsenter (the
# remote engine in a network namespace), packer (examples/packer). As root on Debian, installs the
# missing ones from Debian's packages.
set -u
missing=""
command -v debootstrap >/dev/null 2>&1 || missing="$missing debootstrap"
command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 \
    || missing="$missing docker-compose"
command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
command -v nsenter >/dev/null 2>&1 || missing="$missing util-linux"
command -v packer >/dev/null 2>&1 || missing="$missing packer"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing:$missing; install them (Debian: apt-get install -y$missing)" >&2
    exit 1
fi
echo "installing$missing from Debian's packages..."
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null \
    || { echo "error: could not install$missing" >&2; exit 1; }
