#!/usr/bin/env bash
# Make Docker usable: install it from Debian when missing, start dockerd in the background when
# it is not running, and wait until `docker info` answers. Safe to run any number of times,
# also concurrently (one caller starts the daemon, the others wait for it).
set -euo pipefail

log=${DOCKERD_LOG:-/var/log/onlyjobless-dockerd.log}

if docker info >/dev/null 2>&1; then
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
  echo "Installing Docker from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap docker-compose >/dev/null
fi

exec 9>/run/onlyjobless-dockerd.lock
flock 9
if ! docker info >/dev/null 2>&1 && ! pgrep -x dockerd >/dev/null; then
  echo "Starting dockerd (log: $log)"
  # setsid: the daemon outlives this script and is not killed with the caller's process group.
  setsid dockerd >>"$log" 2>&1 </dev/null &
fi
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    exit 0
  fi
  sleep 1
done
echo "dockerd did not answer within 60 s; see $log" >&2
tail -n 20 "$log" >&2 || true
exit 1
