#!/usr/bin/env bash
# Installs what the real-world corpus (npm run test:realworld) reads and what records it: Debian's
# PyTorch 1.13 and its vision, audio and text packages, whose model sources the test analyses in place
# under /usr/lib/python3/dist-packages. A second run only asks dpkg and returns at once.
set -euo pipefail

APT_PACKAGES=(python3-torch python3-torchvision python3-torchaudio python3-torchtext)
log() { printf '[setup-python] %s\n' "$*"; }
die() { printf '[setup-python] error: %s\n' "$*" >&2; exit 1; }

# shellcheck source=lib/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"
apt_install_missing "${APT_PACKAGES[@]}"
for p in "${APT_PACKAGES[@]}"; do
  printf '[setup-python] %s %s\n' "$p" "$(dpkg-query -W -f='${Version}' "$p")"
done
# torchtext is not imported: Debian's 0.14.1-2 ships a C++ extension that fails to load
# ("dynamic module does not define module export function"); the recorder loads its model files alone.
/usr/bin/python3 -c 'import torch, torchvision, torchaudio' || die "/usr/bin/python3 cannot import torch, torchvision and torchaudio after the install"
