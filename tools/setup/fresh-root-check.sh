#!/usr/bin/env bash
# Runs the README's commands as a new user would, in a throw-away Debian 12 root: a
# minimal debootstrap (nothing but apt and the base system), a clean clone of this
# repository's HEAD inside it, then, chrooted, tools/setup/run-tests.sh (or the command
# given). Packages come from the same Debian mirror this machine's apt uses. Needs root,
# and about 6 GiB of disk. Nothing of this machine's installed packages is visible in the
# root, so a package missing from packages.txt (or one that only came as a recommendation)
# fails there. See docs/fresh-machine.md.
#
#   tools/setup/fresh-root-check.sh [ROOT] [-- COMMAND ...]
#     ROOT     the root to make or reuse (default /var/tmp/gatetwin-fresh-root); a root
#              made earlier is reused as it is: remove it for a fresh one
#     COMMAND  run in the clone instead of tools/setup/run-tests.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
root=/var/tmp/gatetwin-fresh-root
if [[ $# -gt 0 && "$1" != "--" ]]; then root=$1; shift; fi
[[ "${1:-}" == "--" ]] && shift
cmd=("$@")
[[ ${#cmd[@]} -eq 0 ]] && cmd=(tools/setup/run-tests.sh)
[[ $(id -u) -eq 0 ]] || { echo "fresh-root-check: run as root (debootstrap and chroot need it)" >&2; exit 2; }

# The mirror this machine's apt uses (deb822 or one-line sources), so the root gets the
# same Debian 12 archive with its updates and security suites.
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[[ -z "$mirror" ]] && mirror=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[[ -n "$mirror" ]] || { echo "fresh-root-check: no Debian mirror found in this machine's apt sources" >&2; exit 2; }

if ! command -v debootstrap >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap
fi
if [[ ! -x "$root/usr/bin/apt-get" ]]; then
  echo "fresh-root-check: debootstrap --variant=minbase bookworm into $root"
  debootstrap --variant=minbase bookworm "$root" "$mirror" > "$root.debootstrap.log" 2>&1 ||
    { tail -5 "$root.debootstrap.log" >&2; exit 1; }
  # The security suite lives beside the main archive on the same host layout.
  security=${mirror%/debian}/debian-security
  cat > "$root/etc/apt/sources.list" <<SRC
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
SRC
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"

mounts=()
cleanup() {
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
mount_in() {  # mount_in TYPE SOURCE TARGET [OPTIONS]
  mkdir -p "$root$3"
  mount -t "$1" ${4:+-o "$4"} "$2" "$root$3"
  mounts+=("$root$3")
}
mount_in proc proc /proc
mount_in sysfs sys /sys
mount --bind /dev "$root/dev" && mounts+=("$root/dev")
mount_in devpts devpts /dev/pts gid=5,mode=620,ptmxmode=666
mount_in tmpfs tmpfs /dev/shm mode=1777
# The host's /tmp, not a private one: X servers pick their display number by lock files
# in /tmp but listen on abstract sockets shared with the host, so a private /tmp lets an
# Xvfb in the root and one on the host both take :0.
mount --bind /tmp "$root/tmp" && mounts+=("$root/tmp")

rm -rf "$root/root/gatetwin"
git clone -q --no-hardlinks "$repo" "$root/root/gatetwin"
echo "fresh-root-check: running '${cmd[*]}' in a clean clone of $(git -C "$repo" rev-parse --short HEAD) in $root"
start=$(date +%s)
set +e
chroot "$root" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 CI="${CI:-}" \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  bash -c 'cd /root/gatetwin && "$@"' bash "${cmd[@]}"
rc=$?
set -e
echo "fresh-root-check: exit status $rc after $(( $(date +%s) - start )) s"
exit $rc
