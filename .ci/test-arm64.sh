#!/usr/bin/env bash
# Builds the connector image for linux/arm64 and runs `spec` and a synthetic `read` in it under
# qemu emulation (Debian's qemu-user-static, registered with binfmt_misc).
#
# Cost on a 2-core machine: about 2 minutes once warm (the TypeScript build under qemu, then spec
# and read), but 9 minutes when the dependencies must be installed under emulation (npm ci, after
# any change of package.json or package-lock.json) and 4.5 more for a locally made arm64 base image. So by default
# (ARM64_TEST unset) it runs only when warm: an arm64 image of these package files was built here
# before. Otherwise it says it was skipped and why. ARM64_TEST=1 (or --force) runs it anyway (and
# warms it for later runs); ARM64_TEST=0 always skips. GitHub's CI runs it in a job of its own.
#
# Where the registry answers and buildx is present (GitHub's runners), the image is built with
# buildx on the official base image; elsewhere on a local linux/arm64 stand-in for it made by
# .ci/setup-container-engine.sh (debootstrap --foreign + Node.js for arm64 from the npm registry).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[test-arm64] %s\n' "$*"; }
die() { log "FAILED: $*"; exit 1; }

want="${ARM64_TEST:-auto}"
[ "${1:-}" = "--force" ] && want=1
case "$(uname -m)" in aarch64 | arm64) log "skipped: the host is arm64, so the acceptance suite already ran the image natively"; exit 0 ;; esac
[ "$want" = 0 ] && { log "skipped: ARM64_TEST=0"; exit 0; }

repository="$(sed -n -E 's/^[[:space:]]+dockerRepository:[[:space:]]*//p' metadata.yaml | head -n 1)"
[ -n "$repository" ] || die "no dockerRepository in metadata.yaml"
image="$repository:arm64-test"
lockfile_label="rootly-audit-logs.test.lockfile"
# The Dockerfile copies these before `npm ci`: a change of any makes the next build cold.
lockfile_sum="$(cat package.json package-lock.json rootly-vocabulary/package.json 2>/dev/null | sha256sum | cut -c1-16)"
if [ "$want" != 1 ]; then
  built_for="$(docker image inspect --format "{{index .Config.Labels \"$lockfile_label\"}}" "$image" 2>/dev/null || true)"
  if [ "$built_for" != "$lockfile_sum" ]; then
    log "skipped: no warm arm64 build here (none yet, or package.json or package-lock.json changed), and a cold one takes about 9 minutes"
    log "         under emulation (13.5 on a fresh machine), over the 8 minutes npm test may grow by. Run it with"
    log "         ARM64_TEST=1 npm run test:arm64 (about 2 minutes on later runs); GitHub's CI runs it in its own job."
    exit 0
  fi
  log "an arm64 build of these package files is cached here: running (about 2 minutes)"
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
started=$SECONDS

# ------------------------------------------------------------------ emulation
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  if [ ! -f /usr/lib/binfmt.d/qemu-aarch64.conf ]; then
    log "installing qemu-user-static and binfmt-support (apt-get)"
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update >/tmp/test-arm64-apt.log 2>&1 &&
      "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
        qemu-user-static binfmt-support >>/tmp/test-arm64-apt.log 2>&1 || { tail -n 20 /tmp/test-arm64-apt.log; die "apt-get failed"; }
  fi
  [ -e /proc/sys/fs/binfmt_misc/register ] || "${sudo_cmd[@]}" mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  # The F flag of Debian's entry keeps the interpreter open, so it works inside containers too.
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || "${sudo_cmd[@]}" sh -c 'cat /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register'
  log "qemu-aarch64 registered ($((SECONDS - started)) s)"
fi

# ------------------------------------------------------------------ image
bash .ci/setup-container-engine.sh
base_image="$(sed -n -E 's/^ARG BASE_IMAGE=([^[:space:]]+).*/\1/p' Dockerfile | head -n 1)"
build_started=$SECONDS
if docker buildx version >/dev/null 2>&1 && timeout 120 docker buildx imagetools inspect "$base_image" >/dev/null 2>&1; then
  log "building $image with buildx on the official $base_image (linux/arm64)"
  docker buildx build --platform linux/arm64 --load --label "$lockfile_label=$lockfile_sum" -t "$image" . >/tmp/test-arm64-build.log 2>&1 ||
    { tail -n 30 /tmp/test-arm64-build.log; die "docker buildx build"; }
else
  standin="local-standin/node-arm64:${base_image##*:}"
  BASE_ARCH=arm64 BASE_IMAGE_NAME="$standin" bash .ci/setup-container-engine.sh
  log "building $image on $standin (linux/arm64, classic builder)"
  DOCKER_BUILDKIT=0 docker build --platform linux/arm64 --build-arg "BASE_IMAGE=$standin" --label "$lockfile_label=$lockfile_sum" -t "$image" . >/tmp/test-arm64-build.log 2>&1 ||
    { tail -n 30 /tmp/test-arm64-build.log; die "docker build"; }
fi
log "image built in $((SECONDS - build_started)) s"

# ------------------------------------------------------------------ checks
run() { docker run --rm --platform linux/arm64 "$@"; }
[ "$(docker image inspect --format '{{.Architecture}}' "$image")" = arm64 ] || die "the image is not linux/arm64"
[ "$(run --entrypoint /usr/local/bin/node "$image" -p process.arch)" = arm64 ] || die "node in the image does not run as arm64"

check_started=$SECONDS
run "$image" spec >/tmp/test-arm64-spec.jsonl || die "spec exited non-zero"
node -e '
  const fs = require("node:fs");
  const lines = fs.readFileSync("/tmp/test-arm64-spec.jsonl", "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const spec = JSON.parse(fs.readFileSync("spec.json", "utf8"));
  const ok = lines.length === 1 && lines[0].type === "SPEC" && JSON.stringify(lines[0].spec) === JSON.stringify(spec);
  if (!ok) { console.error("spec output differs from spec.json"); process.exit(1); }
' || die "spec"
log "spec: one SPEC message, equal to spec.json ($((SECONDS - check_started)) s)"

check_started=$SECONDS
run -v "$PWD/integration_tests:/integration_tests:ro" "$image" read \
  --config /integration_tests/sample_config.json --catalog /integration_tests/configured_catalog.json >/tmp/test-arm64-read.jsonl ||
  die "the synthetic read exited non-zero"
node -e '
  const fs = require("node:fs");
  const messages = fs.readFileSync("/tmp/test-arm64-read.jsonl", "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const records = messages.filter((m) => m.type === "RECORD");
  const ids = new Set(records.map((m) => m.record.data.id));
  const errors = messages.filter((m) => m.type === "TRACE" && m.trace.type === "ERROR");
  const last = messages.filter((m) => m.type !== "LOG").at(-1);
  if (records.length === 0 || ids.size !== records.length || errors.length > 0 || !last || last.type === "RECORD") {
    console.error(`records ${records.length}, distinct ids ${ids.size}, errors ${errors.length}, last ${last && last.type}`);
    process.exit(1);
  }
  console.log(records.length);
' >/tmp/test-arm64-count || die "the synthetic read"
log "synthetic read: $(cat /tmp/test-arm64-count) records, each once, no error ($((SECONDS - check_started)) s)"
log "passed in $((SECONDS - started)) s"
