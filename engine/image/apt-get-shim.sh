#!/bin/sh
# Stand-in build base only (never in a real image): `apt-get` cannot install anything here (no Debian
# mirror is reachable from a build step), so `install` checks that every named package was unpacked
# into this stand-in, file by file, and fails like apt-get when one is missing.
set -eu
cmd=""
pkgs=""
for arg in "$@"; do
  case "$arg" in
    -*) ;;
    *) if [ -z "$cmd" ]; then cmd="$arg"; else pkgs="$pkgs $arg"; fi ;;
  esac
done
case "$cmd" in
  update|clean|autoclean|autoremove) exit 0 ;;
  install)
    for p in $pkgs; do
      list="/var/lib/dpkg/info/$p.list"
      if [ ! -f "$list" ]; then
        echo "E: stand-in apt-get: package '$p' is not part of this stand-in base (add it in engine/image/standins.ts)" >&2
        exit 100
      fi
      while IFS= read -r f; do
        if [ ! -e "$f" ] && [ ! -L "$f" ]; then
          echo "E: stand-in apt-get: file $f of package '$p' is missing" >&2
          exit 100
        fi
      done < "$list"
      echo "$p is already the newest version (stand-in: files checked)."
    done
    exit 0 ;;
  *) echo "E: stand-in apt-get supports only update, install, clean (got '$cmd')" >&2; exit 100 ;;
esac
