#!/bin/sh
# Installs the Debian 12 packages Starprompt needs to build, run and test,
# asking apt only for what is missing.
set -eu

packages="meson ninja-build gcc pkg-config gettext
  libglib2.0-dev libglib2.0-dev-bin libglib2.0-bin libgtk-4-dev libadwaita-1-dev
  libsoup-3.0-dev libjson-glib-dev libsqlite3-dev libpcre2-dev libsecret-1-dev
  libgdk-pixbuf-2.0-dev
  desktop-file-utils appstream"
if [ "${1:-}" = "--test" ]; then
  packages="$packages xvfb xauth dbus dbus-x11 at-spi2-core python3 python3-gi
    python3-pyatspi gir1.2-atspi-2.0 gir1.2-gtk-4.0 imagemagick x11-utils"
fi

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

[ -z "$missing" ] && exit 0

echo "Installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
else
  sudo="sudo"
fi
$sudo apt-get update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
