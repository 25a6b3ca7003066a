#!/usr/bin/env bash
# Builds the offline bundle: a jlink'd Java runtime (Temurin 25; runs the Java 17 bytecode), the
# minimized lithos jar (with the PTX kernel library inside, and next to it), and bin/lithos; packed
# as lithos-bundle.tar.xz. For machines without Java or network, e.g. the GPU host:
#   tar -xJf lithos-bundle.tar.xz -C /tmp && /tmp/lithos/bin/lithos-run io.lithosj.cli.GpuSmokeCommand
# Usage: scripts/bundle.sh [output-dir]   (default: .bundle/, ignored by git)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/.bundle}"
jdk="${LITHOS_JLINK_JDK:-$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1)}"
[ -x "$jdk/bin/jlink" ] || { echo "no Temurin 25 JDK found (set LITHOS_JLINK_JDK)" >&2; exit 2; }
# LITHOS_JLINK_MODULES: a smaller runtime for carrying to the GPU host (calibrate needs neither
# jdk.compiler nor jdk.jshell; without jdk.compiler the BundleCheck below cannot run and is skipped)
modules=${LITHOS_JLINK_MODULES:-java.base,java.logging,java.management,jdk.unsupported,java.desktop,jdk.compiler,jdk.jshell,java.xml,java.sql}

cd "$root"
mvn -q -B -o package -Pbundle -pl lithos-core -DskipTests
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
dst="$stage/lithos"
mkdir -p "$dst/lib" "$dst/bin"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-0 --output "$dst/runtime"   # stored uncompressed: xz packs it far better
# Re-store the jar uncompressed: xz then compresses the classes together, far smaller than deflate.
mkdir "$stage/jar" && (cd "$stage/jar" && "$jdk/bin/jar" -xf "$root/lithos-core/target/lithos-bundle.jar")
"$jdk/bin/jar" --create --no-compress --file "$dst/lib/lithos.jar" --manifest "$stage/jar/META-INF/MANIFEST.MF" \
  -C "$stage/jar" . && rm -rf "$stage/jar"
cp -r lithos-core/src/main/resources/ptx "$dst/ptx"
cp scripts/BundleCheck.java "$dst/lib/"
cat > "$dst/bin/lithos" <<'SH'
#!/bin/sh
# lithos command line with the bundled runtime.
here="$(cd "$(dirname "$0")/.." && pwd)"
export CUDA_DEVICE_MAX_CONNECTIONS="${CUDA_DEVICE_MAX_CONNECTIONS:-32}"  # streams map to separate HW queues
# ParallelGC, fixed heap: G1's young pauses (8-10 ms) stalled the real backend's poll loop (results/h100-real/gc/)
exec "$here/runtime/bin/java" --enable-native-access=ALL-UNNAMED ${LITHOS_JAVA_OPTS:--XX:+UseParallelGC -Xms4g -Xmx4g} -cp "$here/lib/lithos.jar" io.lithosj.cli.LithosCli "$@"
SH
cat > "$dst/bin/lithos-run" <<'SH'
#!/bin/sh
# Runs any main class of the jar with the bundled runtime: lithos-run io.lithosj.cli.GpuSmokeCommand --out /tmp/x
here="$(cd "$(dirname "$0")/.." && pwd)"
export CUDA_DEVICE_MAX_CONNECTIONS="${CUDA_DEVICE_MAX_CONNECTIONS:-32}"
cls="$1"; shift
exec "$here/runtime/bin/java" --enable-native-access=ALL-UNNAMED ${LITHOS_JAVA_OPTS:-} -cp "$here/lib/lithos.jar" "$cls" "$@"
SH
chmod +x "$dst/bin/"*
# Check the bundle with its own runtime before packing it.
case ",$modules," in *,jdk.compiler,*) "$dst/runtime/bin/java" -cp "$dst/lib/lithos.jar" "$dst/lib/BundleCheck.java" ;; esac
mkdir -p "$out"
XZ_OPT="-9 -T0" tar -C "$stage" -cJf "$out/lithos-bundle.tar.xz" lithos
ls -la "$out/lithos-bundle.tar.xz"
