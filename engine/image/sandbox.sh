#!/bin/bash
# Runs an image's command the way a container runtime with a read-only root would, without one
# (no podman/runc here). Started by sandbox.ts inside fresh namespaces:
#   unshare --mount --net --pid --fork --kill-child --propagation private \
#     bash sandbox.sh ROOTFS MOUNTPOINT WORKDIR UID GID ENVFILE [HOSTDIR:TARGET[:ro]]... -- CMD...
# ROOTFS is the image's mounted root (buildah mount); it is bound read-only at MOUNTPOINT, with
# proc, a minimal /dev and the HOSTDIR:TARGET volumes (the only writable places; `:ro` binds a file
# or directory read-only, as a ConfigMap is mounted); then the command
# runs chrooted there as UID:GID in WORKDIR with exactly the environment listed in ENVFILE.
set -euo pipefail
rootfs=$1 mnt=$2 wd=$3 uid=$4 gid=$5 envfile=$6
shift 6
volumes=()
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do volumes+=("$1"); shift; done
shift

ip link set lo up # private network namespace: the app's port 3000 cannot clash with the host's

mount --bind "$rootfs" "$mnt"
mount -o remount,bind,ro "$mnt"
mount -t proc -o nosuid,nodev,noexec proc "$mnt/proc"
mount -t tmpfs -o nosuid,mode=755,size=64k tmpfs "$mnt/dev"
for d in null zero random urandom; do
  touch "$mnt/dev/$d"
  mount --bind "/dev/$d" "$mnt/dev/$d"
done
mount -o remount,ro,nosuid "$mnt/dev"
for v in "${volumes[@]}"; do
  target=${v#*:}
  mode=rw
  case $target in *:ro) target=${target%:ro} mode=ro ;; esac
  mount --bind "${v%%:*}" "$mnt$target"
  if [ "$mode" = ro ]; then mount -o remount,bind,ro "$mnt$target"; fi
done

mapfile -t envs < "$envfile"
# Not exec: this shell stays PID 1 of the namespace, as root, so the kernel still kills it (and with
# it every process of the namespace) when unshare dies; a parent-death signal does not survive the
# app's change of user.
/usr/bin/env -i "${envs[@]}" /usr/bin/unshare --root="$mnt" --wd="$wd" --setgid "$gid" --setuid "$uid" -- "$@" &
app=$!
trap 'kill -TERM "$app" 2>/dev/null' TERM INT
wait "$app"
