#!/bin/bash
# Builds the STAND-IN LocalStack base image, localstack-ssm-docker/base:<version>, without any
# container registry: Debian trixie (Python 3.13) from the Debian mirror apt already uses, with
# LocalStack's layout (its virtualenv at /opt/code/localstack/.venv holding the pinned
# localstack-core[runtime], the volume /var/lib/localstack, an entrypoint that starts LocalStack as
# the official image's does), imported with `docker import`. The official image is
# localstack/localstack:<version>; this one exists so that the Dockerfile can be built and tested
# where Docker Hub is out of reach. Idempotent: nothing is done when the image exists.
#
# The packages are installed by the root's own pip (in a chroot), with the HOST's CA bundle passed
# in for the install only (Debian's bundle alone may not verify PyPI behind a TLS proxy); nothing of
# it stays in the image.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=${LOCALSTACK_VERSION:-2026.3.0}
TAG=${BASE_IMAGE:-localstack-ssm-docker/base:$VERSION}
SUITE=${DEBIAN_SUITE:-trixie}
VENV=/opt/code/localstack/.venv

if docker image inspect "$TAG" >/dev/null 2>&1; then
    echo "base image $TAG already exists"
    exit 0
fi
[ "$(id -u)" = 0 ] || { echo "error: building the base image needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "error: install debootstrap (apt-get install -y debootstrap)" >&2; exit 1; }

# The Debian mirror apt is configured with (deb822 or one-line sources), else deb.debian.org.
mirror=${DEBIAN_MIRROR:-$({ cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } \
    | sed -nE 's#^URIs:[[:space:]]*([^[:space:]]+/debian)/?([[:space:]].*)?$#\1#p; s#^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+/debian)/?[[:space:]].*#\2#p' \
    | head -n 1)}
mirror=${mirror:-http://deb.debian.org/debian}
# The CA bundle pip uses on this host (PIP_CERT or pip's own config), else the system's.
cert=${PIP_CERT:-$(pip config get global.cert 2>/dev/null || true)}
cert=${cert:-/etc/ssl/certs/ca-certificates.crt}

work=$(mktemp -d /var/tmp/localstack-base.XXXXXX)
root="$work/root"
cleanup() {
    for m in "$root/proc" "$root/dev"; do mountpoint -q "$m" && umount -l "$m"; done
    rm -rf "$work"
}
trap cleanup EXIT

# debootstrap's result is cached (the slow part: a minute or more), keyed by suite and packages.
cache_dir=${BASE_CACHE_DIR:-/var/cache/localstack-ssm-docker}
packages=python3,python3-venv,ca-certificates,curl
rootfs_cache="$cache_dir/debootstrap-$SUITE-minbase-${packages//,/-}.tar"
mkdir -p "$root"
if [ -s "$rootfs_cache" ]; then
    echo "Debian $SUITE root from $rootfs_cache"
    tar -C "$root" -xf "$rootfs_cache"
else
    echo "debootstrap $SUITE from $mirror ..."
    debootstrap --variant=minbase --include="$packages" "$SUITE" "$root" "$mirror" \
        >"$work/debootstrap.log" 2>&1 || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
    rm -rf "$root"/var/cache/apt/archives/*.deb
    mkdir -p "$cache_dir"
    tar -C "$root" -cf "$rootfs_cache.part" . && mv "$rootfs_cache.part" "$rootfs_cache"
fi

echo "LocalStack $VERSION into $VENV ..."
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# pip verifies with the system's bundle inside the root: the host's stands in during the install
bundle="$root/etc/ssl/certs/ca-certificates.crt"
cp "$bundle" "$work/debian-ca.crt"
cp "$cert" "$bundle"
cp constraints.txt "$root/tmp/constraints.txt"
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 /bin/sh -eu -c "
    mkdir -p /opt/code/localstack /var/lib/localstack /usr/lib/localstack /etc/localstack/init \
        /tmp/localstack
    # as in the official image: a 'localstack' user (for --user), writable LocalStack folders
    useradd -ms /bin/bash localstack
    chmod 777 /opt/code/localstack /var/lib/localstack /tmp/localstack
    python3 -m venv $VENV
    $VENV/bin/pip install -q --no-cache-dir --disable-pip-version-check \
        --cert /etc/ssl/certs/ca-certificates.crt \
        -c /tmp/constraints.txt 'localstack-core[runtime]==$VERSION' setuptools wheel
    $VENV/bin/python -c 'import localstack.runtime.main'
"
cp "$work/debian-ca.crt" "$bundle"
umount -l "$root/proc" "$root/dev"
rm -f "$root/tmp/constraints.txt" "$root/etc/resolv.conf"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/root/.cache
install -m 0755 scripts/standin-entrypoint.sh "$root/usr/local/bin/docker-entrypoint.sh"

echo "importing $TAG ..."
tar -C "$root" -c . | docker import \
    --change "ENV PATH=$VENV/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PYTHONUNBUFFERED=1' \
    --change 'WORKDIR /opt/code/localstack' \
    --change 'EXPOSE 4566' \
    --change 'VOLUME /var/lib/localstack' \
    --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
    --change "LABEL org.opencontainers.image.description=stand-in-for-localstack/localstack:$VERSION" \
    - "$TAG" >/dev/null
echo "built base image $TAG"
