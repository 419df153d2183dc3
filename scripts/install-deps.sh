#!/bin/sh
# Installs the Debian packages vmm needs to build, test and benchmark, if any
# is missing. Safe to run again; needs root (or sudo) only when installing.
set -e
PACKAGES="build-essential libcmocka-dev libsdl2-dev libpng-dev libseccomp-dev qemu-system-x86 seabios
          xvfb xdotool imagemagick tmux socat gnuplot-nox hyperfine clang libclang-rt-14-dev"
missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
