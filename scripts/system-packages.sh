#!/bin/sh
# Installs the Debian packages named after the first argument where they are missing.
# "required": stop with a clear message when they are missing and we are not root; "optional": warn and go on.
mode="$1"; shift
missing=""
for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null && exit 0
    echo "apt-get could not install:$missing" >&2
    exit 1
fi
echo "These Debian packages are missing:$missing" >&2
echo "Install them as root:  apt-get install$missing" >&2
if [ "$mode" = "required" ]; then
    exit 1
fi
echo "Going on without them: certificates and PDF exports will not render until they are installed." >&2
exit 0
