#!/usr/bin/env bash
# Installs the OpenCL pieces the tests need on Debian/Ubuntu, when missing:
#   pocl-opencl-icd     PoCL, an OpenCL implementation on the CPU (registers /etc/OpenCL/vendors/pocl.icd)
#   ocl-icd-libopencl1  the ICD loader, libOpenCL.so.1
#   ocl-icd-opencl-dev  the unversioned libOpenCL.so symlink, which JOCL 2.0.5 loads by that name
set -euo pipefail

packages=(pocl-opencl-icd ocl-icd-libopencl1 ocl-icd-opencl-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-opencl: ${packages[*]} already installed"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-opencl: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "install-opencl: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
