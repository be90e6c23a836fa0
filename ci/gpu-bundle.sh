#!/usr/bin/env bash
# Builds a self-contained folder (default .gpu-bundle/, git-ignored, well under 64 MiB) that runs
# the GPU benchmarks on a machine with an NVIDIA driver but no Java, no OpenCL loader, no ICD
# file and no network (the performance issue's run book):
#   jre/      a jlink runtime (java.base, java.logging, java.desktop, jdk.unsupported)
#   unfold4j-cli-*.jar  the command line, run with java -jar (its manifest names lib/'s jars)
#   lib/      its runtime jars: the unfold4j library, JOCL, CLBlast through jocl-blast, picocli, EJML
#   native/   this machine's OpenCL ICD loader, saved as the unversioned libOpenCL.so JOCL loads
#   run.sh    on the GPU machine: bash run.sh OUT_DIR  ->  OUT_DIR/{devices.txt,unfold4j-opencl.json,torch.json,...}
# Usage: ci/gpu-bundle.sh [BUNDLE_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=${1:-.gpu-bundle}

bash ci/install-opencl.sh >/dev/null
loader=$(ldconfig -p | awk '/libOpenCL\.so\.1 .*x86-64/ {print $NF; exit}')
[ -n "$loader" ] || { echo "gpu-bundle: no x86-64 libOpenCL.so.1 found (ocl-icd-libopencl1)" >&2; exit 1; }

mvn=mvn; command -v mvn >/dev/null || mvn=./mvnw   # no Maven installed: the Maven Wrapper
"$mvn" -q -B -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true clean package   # clean: no benchmark classes or profile jars
rm -rf "$bundle"
mkdir -p "$bundle/lib" "$bundle/native"
cp cli/target/unfold4j-cli-*[0-9T].jar "$bundle/" 2>/dev/null || cp cli/target/unfold4j-cli-*.jar "$bundle/"
rm -f "$bundle"/*-sources.jar "$bundle"/*-javadoc.jar
cp cli/target/lib/*.jar "$bundle/lib/"   # the library's jar among them
cp -L "$loader" "$bundle/native/libOpenCL.so"
cp bench/torch_peer.py bench/shapes.tsv "$bundle/"   # the peer reads shapes.tsv beside itself
jlink --add-modules java.base,java.logging,java.desktop,jdk.unsupported \
      --strip-debug --no-man-pages --no-header-files --compress=2 --output "$bundle/jre"

cat > "$bundle/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs unfold4j's OpenCL bench and PyTorch's F.unfold/F.fold on this machine's GPU, in one run.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: run.sh OUT_DIR}
mkdir -p "$out"
for d in /usr/local/nvidia/lib64 /usr/lib/x86_64-linux-gnu /usr/lib64; do
  if [ -e "$d/libnvidia-opencl.so.1" ]; then
    export LD_LIBRARY_PATH="$d:${LD_LIBRARY_PATH:-}"
    if [ ! -e /etc/OpenCL/vendors/nvidia.icd ] && [ -w /etc ]; then
      mkdir -p /etc/OpenCL/vendors && echo libnvidia-opencl.so.1 > /etc/OpenCL/vendors/nvidia.icd
    fi
    break
  fi
done
export LD_LIBRARY_PATH="$here/native:${LD_LIBRARY_PATH:-}"
export LD_PRELOAD="$here/jre/lib/libjsig.so${LD_PRELOAD:+:$LD_PRELOAD}"  # native-notes.md, "PoCL and the JVM"
cli=$(ls "$here"/unfold4j-cli-*.jar | head -n 1)
java=("$here/jre/bin/java" -Xmx24g -jar "$cli")
{ nvidia-smi -L 2>&1; uname -a; } > "$out/machine.txt"
"${java[@]}" devices > "$out/devices.txt" 2>&1
"${java[@]}" bench --backend opencl --json "$out/unfold4j-opencl.json" 2>&1 | tee "$out/unfold4j-opencl.txt"
# Host-resident calls once more without overlapped transfers (README: unfold4j.overlapTransfers),
# so the run shows what the overlap buys on this GPU.
java_seq=("$here/jre/bin/java" -Xmx24g -Dunfold4j.overlapTransfers=false -jar "$cli")
"${java_seq[@]}" bench --backend opencl --shapes conv3x3,vit16,dilated --reps 5 \
  --json "$out/unfold4j-opencl-sequential.json" 2>&1 | tee "$out/unfold4j-opencl-sequential.txt"
if python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  PYTHONUNBUFFERED=1 python3 "$here/torch_peer.py" --json "$out/torch.json" 2>&1 | tee "$out/torch.txt"
else
  echo "PyTorch with CUDA is not available here: no torch.json" | tee "$out/torch.txt"
fi
RUN
chmod +x "$bundle/run.sh"
du -sh "$bundle"
