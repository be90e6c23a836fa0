#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript): prints the GPUs of
# this machine as the JSON Spark expects, {"name": "gpu", "addresses": ["0", "1", ...]}.
# The addresses are nvidia-smi's indices; unfold4j-spark reads an address as the index into the
# OpenCL GPUs in platform order (Note [one backend per executor] in ExecutorBackend.java).
# Without nvidia-smi it prints no addresses (other vendors: list their indices the same way).
set -euo pipefail
if command -v nvidia-smi >/dev/null 2>&1; then
  ids=$(nvidia-smi --query-gpu=index --format=csv,noheader | tr -d ' ')
else
  ids=""
fi
addresses=$(printf '%s\n' $ids | sed '/^$/d; s/.*/"&"/' | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [${addresses}]}"
