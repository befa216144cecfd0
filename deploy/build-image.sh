#!/usr/bin/env bash
# Build the app's image here: `deploy/build-image.sh [TAG [docker build options...]]`
# (default tag onlyjobless:latest).
# Starts dockerd when needed, finds or makes the base image (base-image.sh), then builds with
# --network host; docker's layer cache makes a rebuild with unchanged inputs take seconds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tag=${1:-onlyjobless:latest}
shift $(($# > 0 ? 1 : 0))

"$root/deploy/dockerd.sh"
base=$("$root/deploy/base-image.sh")
echo "building $tag on $base" >&2
docker build --network host --force-rm --build-arg "BASE=$base" -t "$tag" "$@" "$root"
