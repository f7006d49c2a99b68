#!/bin/sh
# Builds a Debian AMI image offline from Debian's own packages: a minbase root filesystem made
# with debootstrap (python3, curl, ca-certificates, iproute2, openssh-server and Debian's AWS CLI),
# imported into the local Docker engine as localstack-ec2/<name>:<ami-id>. No container registry
# needed. The SSH server is installed but not started (instances boot `sleep infinity`) and has no
# host keys: each instance that wants one runs `ssh-keygen -A` and starts /usr/sbin/sshd itself.
# Skips when the image exists and was built from the same package lists (a label records them), so
# an image from an older list is rebuilt. Needs root (debootstrap) and a reachable Debian mirror.
set -eu

AMI_ID=${AMI_ID:-ami-0d3b1a2c3d4e5f607}
AMI_NAME=${AMI_NAME:-debian-13}
SUITE=${SUITE:-trixie}
PACKAGES=${PACKAGES:-python3,curl,ca-certificates,iproute2,openssh-server}
EXTRA=${EXTRA:-awscli}
TAG="localstack-ec2/${AMI_NAME}:${AMI_ID}"
LABEL="localstack-ec2.packages=$SUITE:$PACKAGES:$EXTRA"

built_from=$(docker image inspect --format '{{ index .Config.Labels "localstack-ec2.packages" }}' "$TAG" 2>/dev/null || true)
if [ "localstack-ec2.packages=$built_from" = "$LABEL" ]; then
    echo "AMI image $TAG already exists"
    exit 0
elif docker image inspect "$TAG" >/dev/null 2>&1; then
    echo "AMI image $TAG was built from other packages (${built_from:-unlabelled}); rebuilding"
fi

# The Debian mirror this machine's apt uses (deb822 .sources or one-line .list), else Debian's.
mirror() {
    for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        found=$(sed -n -e 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\/\{0,1\}\)[[:space:]]*$/\1/p' \
            -e 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*\/debian\/\{0,1\}\)[[:space:]].*/\2/p' "$f" | head -n 1)
        if [ -n "$found" ]; then echo "$found"; return; fi
    done
    echo "http://deb.debian.org/debian"
}
MIRROR=${MIRROR:-$(mirror)}

if ! command -v debootstrap >/dev/null 2>&1; then
    echo "installing debootstrap"
    apt-get install -y -q debootstrap >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q debootstrap >/dev/null; }
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
echo "debootstrap $SUITE from $MIRROR (variant minbase, with $PACKAGES)"
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$root" "$MIRROR" >"$root.log" 2>&1 || {
    tail -n 30 "$root.log" >&2; rm -f "$root.log"; exit 1;
}
rm -f "$root.log"
# Debian's AWS CLI (v2, python 3.13) with apt inside the new root: debootstrap's own ordering
# fails to configure its dependencies.
mount -t proc proc "$root/proc"
trap 'umount "$root/proc" 2>/dev/null || true; rm -rf "$root"' EXIT
chroot "$root" sh -c "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $EXTRA >/dev/null" || {
    echo "error: apt-get install $EXTRA failed in the new root" >&2; exit 1;
}
chroot "$root" apt-get clean
umount "$root/proc"
# No shared host keys: openssh-server's postinst made some; an instance makes its own.
rm -f "$root/etc/ssh/ssh_host_"*
rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"* "$root/proc/"* "$root/sys/"* "$root/dev/"* 2>/dev/null || true
# Checks: the image must answer `aws --version` and have sshd (run in a throwaway container below).
tar -C "$root" -c . | docker import --change 'CMD ["/bin/bash"]' --change "LABEL $LABEL" - "$TAG" >/dev/null
if ! docker run --rm --network none "$TAG" sh -c 'aws --version && test -x /usr/sbin/sshd'; then
    docker rmi "$TAG" >/dev/null
    echo "error: aws does not run or sshd is missing in $TAG" >&2
    exit 1
fi
echo "built AMI image $TAG"
