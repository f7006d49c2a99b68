#!/bin/sh
# Builds a Debian AMI image offline from Debian's own packages: a minbase root filesystem made
# with debootstrap (python3, curl, ca-certificates, iproute2, openssh-server, sudo, and Debian's AWS
# CLI and boto3, which read AWS_ENDPOINT_URL as instances get it), imported into the local Docker engine as localstack-ec2/<name>:<ami-id>. No container
# registry needed. It behaves as AWS's Debian AMIs do: the default user `admin` with passwordless
# sudo, and a boot hook (scripts/debian-ami/boot, named by the image's
# localstack-ssm-docker.boot-hook label) in cloud-init's place that makes the host keys and installs
# the key pair's public key at an instance's first boot, and starts sshd at every boot; sshd asks
# the metadata service for EC2 Instance Connect's keys, as AWS's ec2-instance-connect package does.
# The image has no host keys of its own. Skips when the image exists and was built from the same
# package lists and files (a label records them), so an older image is rebuilt; the new image
# takes the tag only once it passed its checks. Needs root (debootstrap) and a Debian mirror.
set -eu

AMI_ID=${AMI_ID:-ami-0d3b1a2c3d4e5f607}
AMI_NAME=${AMI_NAME:-debian-13}
SUITE=${SUITE:-trixie}
PACKAGES=${PACKAGES:-python3,curl,ca-certificates,iproute2,openssh-server,sudo}
EXTRA=${EXTRA:-awscli,python3-boto3}
TAG="localstack-ec2/${AMI_NAME}:${AMI_ID}"
FILES="$(dirname "$0")/debian-ami"
FILES_DIGEST=$(cat "$FILES/boot" "$FILES/eic_run_authorized_keys" "$FILES/60-ec2-instance-connect.conf" \
    "$FILES/90-cloud-init-users" | sha256sum | cut -c1-16)
LABEL="localstack-ec2.packages=$SUITE:$PACKAGES:$EXTRA:$FILES_DIGEST"
BOOT_HOOK=/usr/local/sbin/localstack-ec2-boot

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
# Debian's AWS CLI (v2, python 3.13) and boto3 with apt inside the new root: debootstrap's own
# ordering fails to configure their dependencies. EXTRA is comma-separated, as PACKAGES is.
mount -t proc proc "$root/proc"
trap 'umount "$root/proc" 2>/dev/null || true; rm -rf "$root"' EXIT
chroot "$root" sh -c "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(echo "$EXTRA" | tr , ' ') >/dev/null" || {
    echo "error: apt-get install $EXTRA failed in the new root" >&2; exit 1;
}
chroot "$root" apt-get clean
umount "$root/proc"
# The default user, as cloud-init makes it on AWS's Debian AMIs (no password: keys only).
chroot "$root" useradd -m -s /bin/bash -G adm,sudo -p '*' admin
install -m 440 "$FILES/90-cloud-init-users" "$root/etc/sudoers.d/90-cloud-init-users"
# EC2 Instance Connect's AuthorizedKeysCommand and the user it runs as, as AWS's package has them.
chroot "$root" useradd -r -M -d /nonexistent -s /usr/sbin/nologin ec2-instance-connect
install -d -m 755 "$root/usr/share/ec2-instance-connect"
install -m 755 "$FILES/eic_run_authorized_keys" "$root/usr/share/ec2-instance-connect/"
install -m 644 "$FILES/60-ec2-instance-connect.conf" "$root/etc/ssh/sshd_config.d/"
install -m 755 "$FILES/boot" "$root$BOOT_HOOK"
# No shared host keys: openssh-server's postinst made some; an instance makes its own.
rm -f "$root/etc/ssh/ssh_host_"*
rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"* "$root/proc/"* "$root/sys/"* "$root/dev/"* 2>/dev/null || true
# Checks, in a throwaway container of the new image under a tag of its own: `aws --version`
# answers, boto3 imports and reads AWS_ENDPOINT_URL, curl runs, sshd accepts its configuration,
# admin may sudo without a password. Only then does the image take the AMI's tag (instances
# launched meanwhile use the previous image).
BUILT="localstack-ec2-build/${AMI_NAME}:$$"
tar -C "$root" -c . | docker import --change 'CMD ["/bin/bash"]' --change "LABEL $LABEL" \
    --change "LABEL localstack-ssm-docker.boot-hook=$BOOT_HOOK" - "$BUILT" >/dev/null
if ! docker run --rm --network none -e AWS_ENDPOINT_URL=http://localhost.localstack.cloud:4566 \
        "$BUILT" sh -c 'aws --version && curl --version >/dev/null &&
        python3 -c "import boto3; print(boto3.client(\"s3\", region_name=\"us-east-1\").meta.endpoint_url)" |
            grep -qx "$AWS_ENDPOINT_URL" && ssh-keygen -A >/dev/null &&
        /usr/sbin/sshd -t && su admin -c "sudo -n true" && test -x '"$BOOT_HOOK"; then
    docker rmi "$BUILT" >/dev/null
    echo "error: aws, boto3, curl, sshd or sudo does not work in the new $TAG" >&2
    exit 1
fi
docker tag "$BUILT" "$TAG"
docker rmi "$BUILT" >/dev/null
echo "built AMI image $TAG"
