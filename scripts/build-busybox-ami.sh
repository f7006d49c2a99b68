#!/bin/sh
# Builds a tiny AMI image offline: a root filesystem made of the host's busybox-static,
# imported into the local Docker engine as localstack-ec2/<name>:<ami-id>. No registry needed.
set -eu

AMI_ID=${AMI_ID:-ami-0b5b0b5b0b5b0b5b0}
AMI_NAME=${AMI_NAME:-busybox}
BUSYBOX=${BUSYBOX:-/bin/busybox}
TAG="localstack-ec2/${AMI_NAME}:${AMI_ID}"

if docker image inspect "$TAG" >/dev/null 2>&1; then
    echo "AMI image $TAG already exists"
    exit 0
fi
if ! "$BUSYBOX" true 2>/dev/null || ldd "$BUSYBOX" >/dev/null 2>&1; then
    echo "error: $BUSYBOX is not a static busybox; install it with: apt-get install -y busybox-static" >&2
    exit 1
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/etc" "$root/root" \
    "$root/tmp" "$root/var/tmp" "$root/var/log" "$root/home" "$root/proc" "$root/sys" "$root/dev"
chmod 1777 "$root/tmp" "$root/var/tmp"
cp "$BUSYBOX" "$root/bin/busybox"
for applet in $("$BUSYBOX" --list-full); do
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
version=$("$BUSYBOX" | head -n 1 | sed -n 's/^BusyBox v\([0-9.]*\).*/\1/p')
cat > "$root/etc/os-release" <<OS
NAME="BusyBox"
ID=busybox
VERSION_ID="${version}"
PRETTY_NAME="BusyBox ${version} (localstack-ssm-docker test AMI)"
OS
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"

tar -C "$root" -c . | docker import --change 'CMD ["/bin/sh"]' - "$TAG" >/dev/null
echo "built AMI image $TAG"
