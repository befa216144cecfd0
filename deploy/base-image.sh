#!/usr/bin/env bash
# Print the name of the image the Dockerfile builds FROM (its BASE argument): the official
# python:3.11-slim-bookworm when it is here or can be pulled, otherwise a stand-in made once from
# Debian's packages and kept: debootstrap + `docker import`, then base.Dockerfile on top.
# The stand-in's tag is a hash of everything it is made from, so a changed input makes a new one.
# Progress goes to stderr; stdout is only the image name.
set -euo pipefail

official=${OFFICIAL_BASE:-python:3.11-slim-bookworm}
suite=bookworm
packages=python3,python3-venv,python3-pip,ca-certificates
here=$(cd "$(dirname "$0")" && pwd)

if docker image inspect "$official" >/dev/null 2>&1 || docker pull -q "$official" >/dev/null 2>&1; then
  echo "$official"
  exit 0
fi

# The Debian mirror this machine's apt uses (deb822 sources first, then one-line sources).
mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then
    echo "$DEBIAN_MIRROR"
    return
  fi
  local found
  found=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v suite="$suite" '
    /^[[:space:]]*$/ { if (uris != "" && (" " suites " ") ~ (" " suite " ")) { print uris; exit } uris = ""; suites = "" }
    /^URIs:/ { uris = $2 }
    /^Suites:/ { $1 = ""; suites = $0 }
    END { if (uris != "" && (" " suites " ") ~ (" " suite " ")) print uris }' | head -n 1)
  if [ -z "$found" ]; then
    found=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | awk -v suite="$suite" '$1 == "deb" { sub(/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?/, ""); if ($2 == suite) { print $1; exit } }')
  fi
  echo "${found:-http://deb.debian.org/debian}"
}

ca_bundle=${SSL_CERT_FILE:-${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}}
mirror_url=$(mirror)
rootfs_key=$(cat "$here/base-image.sh" <(printf '%s\n' "$suite" "$packages" "$mirror_url") | sha256sum | cut -c1-12)
base_key=$(cat "$here/base.Dockerfile" "$ca_bundle" <(echo "$rootfs_key") | sha256sum | cut -c1-12)
rootfs_image="onlyjobless-rootfs:$suite-$rootfs_key"
base_image="onlyjobless-base:$suite-$base_key"

if docker image inspect "$base_image" >/dev/null 2>&1; then
  echo "$base_image"
  exit 0
fi

exec 9>/run/onlyjobless-base-image.lock
flock 9  # one builder at a time; the others find its image when they get the lock
if ! docker image inspect "$rootfs_image" >/dev/null 2>&1; then
  echo "$official cannot be pulled: making $rootfs_image from $mirror_url" >&2
  workdir=$(mktemp -d /var/tmp/onlyjobless-rootfs.XXXXXX)
  trap 'rm -rf "$workdir"' EXIT
  if ! debootstrap --variant=minbase --include="$packages" "$suite" "$workdir/rootfs" "$mirror_url" \
    >"$workdir/debootstrap.log" 2>&1; then
    tail -n 30 "$workdir/debootstrap.log" >&2
    exit 1
  fi
  # Slim, like debian:bookworm-slim: no manuals, documentation or translations (copyrights stay),
  # now and for packages installed later.
  rootfs=$workdir/rootfs
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' \
    'path-exclude /usr/share/locale/*' >"$rootfs/etc/dpkg/dpkg.cfg.d/slim"
  find "$rootfs/usr/share/doc" -type f ! -name copyright -delete
  find "$rootfs/usr/share/doc" -type l -delete
  rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* \
    "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import - "$rootfs_image" >/dev/null
  rm -rf "$workdir"
fi
if ! docker image inspect "$base_image" >/dev/null 2>&1; then
  echo "making $base_image on $rootfs_image" >&2
  context=$(mktemp -d /var/tmp/onlyjobless-base.XXXXXX)
  trap 'rm -rf "$context"' EXIT
  cp "$here/base.Dockerfile" "$context/Dockerfile"
  cp "$ca_bundle" "$context/ca-bundle.crt"
  docker build --network host -q --build-arg "ROOTFS=$rootfs_image" -t "$base_image" "$context" >/dev/null
  rm -rf "$context"
fi
# Forget the stand-ins made from older inputs (their layers go once no image uses them).
for repository in onlyjobless-base onlyjobless-rootfs; do
  docker image ls --format '{{.Repository}}:{{.Tag}}' "$repository"
done | grep -v -x -e "$base_image" -e "$rootfs_image" | xargs -r docker rmi >/dev/null 2>&1 || true
echo "$base_image"
