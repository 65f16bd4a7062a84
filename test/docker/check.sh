#!/usr/bin/env bash
# End-to-end check of the Docker image without a Docker daemon.
#
#   sudo test/docker/check.sh            (root, Debian; needs buildah, debootstrap, gcc, node 20)
#
# 1. Builds stand-ins for the base images, which cannot be pulled here:
#    localhost/node:20-bookworm and localhost/node:20-bookworm-slim, a minbase
#    Debian 12 (debootstrap) with this machine's Node 20 in /usr/local. Cached:
#    skipped when both images already exist (LOGMILL_CHECK_REBUILD_BASE=1 commits
#    them again from the cached rootfs tarball; delete the tarball to debootstrap again).
# 2. Builds the logmill image from the repository's Dockerfile with buildah
#    (--pull=never: the FROM lines' short names `node:20-bookworm[-slim]` resolve
#    to the localhost/ stand-ins, so the Dockerfile is used as real users see it).
# 3. Runs the image with `buildah run` (chroot isolation) and checks:
#    - the image's own ENTRYPOINT + CMD (`logmill analyze /logs`) on logs-samples
#      mounted at /logs: exit 0, the report covers every sample file, the bundled
#      plugins parse their files, nothing is refused;
#    - `logmill plugins` lists access, csv and xml from /opt/logmill/plugins;
#    - a plugin mounted at /plugins (test/fixtures/plugins/good_upper.c, compiled
#      here) is listed and parses a .upper file.
#
# Environment: LOGMILL_IMAGE (default localhost/logmill), DEBIAN_MIRROR (default:
# the first Debian mirror in this machine's apt sources), LOGMILL_CHECK_CACHE
# (where the stand-in rootfs tarball is kept, default /var/cache/logmill-docker-check),
# BUILDAH_STORAGE_DRIVER (default vfs).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
image=${LOGMILL_IMAGE:-localhost/logmill}
base_full=localhost/node:20-bookworm
base_slim=localhost/node:20-bookworm-slim
cache=${LOGMILL_CHECK_CACHE:-/var/cache/logmill-docker-check}
driver=${BUILDAH_STORAGE_DRIVER:-vfs}

bh() { buildah --storage-driver "$driver" "$@"; }
say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'check.sh: FAIL: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (buildah with chroot isolation, debootstrap)"
for tool in buildah gcc node; do
  command -v "$tool" >/dev/null || die "$tool not found"
done

tmp=$(mktemp -d /tmp/logmill-docker-check.XXXXXX)
containers=()
cleanup() {
  local c
  for c in "${containers[@]}"; do bh rm "$c" >/dev/null 2>&1 || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# ---------------------------------------------------------------- 1. base images
debian_mirror() {
  local m=""
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  m=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -E '/debian/?$' | head -n1 || true)
  [ -n "$m" ] || m=$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}' | grep -E '/debian/?$' | head -n1 || true)
  echo "${m:-http://deb.debian.org/debian}"
}

make_rootfs_tarball() {
  local tarball=$1 rootfs="$tmp/rootfs" mirror node_bin npm_dir
  command -v debootstrap >/dev/null || {
    say "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  }
  mirror=$(debian_mirror)
  say "debootstrap --variant=minbase bookworm ($mirror)"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$tmp/debootstrap.log" 2>&1 \
    || { tail -n 30 "$tmp/debootstrap.log" >&2; die "debootstrap failed"; }
  # A plain Debian apt configuration, the way the official images ship it.
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$mirror" "$mirror" >"$rootfs/etc/apt/sources.list"
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/*.log

  # Node 20 (binary and npm) from this machine, where the official images put it.
  node_bin=$(readlink -f "$(command -v node)")
  case "$("$node_bin" -v)" in v20.*) ;; *) die "need Node 20 on this machine, found $("$node_bin" -v)";; esac
  npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
  [ -f "$npm_dir/package.json" ] || die "cannot locate npm (looked in $npm_dir)"
  install -D -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  chroot "$rootfs" /usr/local/bin/node -e 'process.exit(0)' || die "node does not run in the stand-in rootfs"

  mkdir -p "$(dirname "$tarball")"
  tar --numeric-owner --xattrs -C "$rootfs" \
      --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' --exclude='./run/*' --exclude='./tmp/*' \
      -czf "$tarball.part" .
  mv "$tarball.part" "$tarball"
  rm -rf "$rootfs"
}

commit_base() {
  local tarball=$1 tag=$2 c mnt
  c=$(bh from scratch); containers+=("$c")
  mnt=$(bh mount "$c")
  tar --numeric-owner --xattrs -C "$mnt" -xzpf "$tarball"
  local extra=()
  # This machine may reach the npm registry only through a TLS-intercepting
  # proxy whose CA Node is given with NODE_EXTRA_CA_CERTS; then the build-stage
  # stand-in trusts it too (`npm ci` in the build stage). The runtime stand-in
  # (and so the logmill image) gets nothing of it.
  if [ "$tag" = "$base_full" ] && [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s "$NODE_EXTRA_CA_CERTS" ]; then
    install -D -m 0644 "$NODE_EXTRA_CA_CERTS" "$mnt/usr/local/share/ca-certificates/check-host-extra-ca.crt"
    extra+=(--env NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/check-host-extra-ca.crt)
  fi
  bh umount "$c" >/dev/null
  bh config --os linux --arch amd64 \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env NODE_VERSION="$(node -v | sed 's/^v//')" \
    "${extra[@]}" --cmd node "$c"
  bh commit --quiet "$c" "$tag" >/dev/null
  bh rm "$c" >/dev/null
}

have_image() { bh inspect --type image "$1" >/dev/null 2>&1; }

if [ "${LOGMILL_CHECK_REBUILD_BASE:-0}" != 1 ] && have_image "$base_full" && have_image "$base_slim"; then
  say "stand-in base images present ($base_full, $base_slim): skipped"
else
  tarball="$cache/bookworm-node20-rootfs.tar.gz"
  if [ ! -s "$tarball" ]; then
    make_rootfs_tarball "$tarball"
  fi
  say "committing $base_full and $base_slim"
  commit_base "$tarball" "$base_full"
  commit_base "$tarball" "$base_slim"
fi

# ---------------------------------------------------------------- 2. the image
say "buildah bud -t $image $repo"
start=$(date +%s)
previous=$(bh inspect --type image --format '{{.FromImageID}}' "$image" 2>/dev/null || true)
before=$(bh containers -aq --notruncate | sort)
if ! bh bud --isolation chroot --pull=never -t "$image" -f "$repo/Dockerfile" "$repo" >"$tmp/build.log" 2>&1; then
  # A failed bud leaves its working container behind: remove the ones it made.
  for c in $(comm -13 <(echo "$before") <(bh containers -aq --notruncate | sort)); do bh rm "$c" >/dev/null || true; done
  tail -n 40 "$tmp/build.log" >&2; die "image build failed (log above)"
fi
grep -E 'STEP [0-9]+/[0-9]+: FROM' "$tmp/build.log" >&2 || true
# The image this build replaced is now untagged: drop it (vfs keeps full copies).
current=$(bh inspect --type image --format '{{.FromImageID}}' "$image")
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then bh rmi "$previous" >/dev/null 2>&1 || true; fi
echo "built in $(( $(date +%s) - start ))s" >&2
# Fail if a FROM resolved to anything but the local stand-ins (nothing may be pulled).
for base in "$base_full" "$base_slim"; do
  have_image "$base" || die "$base missing after the build"
done
bh images --format '{{.Name}}:{{.Tag}} {{.Size}}' | grep -E "^${image}:latest " >&2 || true

# ---------------------------------------------------------------- 3. runs
# run_in NAME [buildah-run options...] -- command...: a fresh container from the
# image, the command's stdout in $tmp/NAME.out, stderr in $tmp/NAME.err; returns its exit code.
run_in() {
  local name=$1 c rc=0 opts=(); shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  c=$(bh from --pull=never --quiet "$image"); containers+=("$c")
  # buildah run (1.28) mounts a scratch copy of each image VOLUME over the
  # --volume bind mounted at the same path, so /logs would stay empty: drop
  # the declaration in this working container (docker run -v has no such issue).
  local v
  for v in $(bh inspect --type image --format '{{range $k, $_ := .OCIv1.Config.Volumes}}{{$k}} {{end}}' "$image"); do
    bh config --volume "$v-" "$c"
  done
  bh run --isolation chroot "${opts[@]}" "$c" -- "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
  bh rm "$c" >/dev/null 2>&1 || true
  return $rc
}
show() { sed 's/^/    | /' "$1" >&2; }
expect() {  # expect FILE REGEX WHAT
  grep -Eq -- "$2" "$1" || { echo "--- $1:" >&2; show "$1"; die "$3"; }
}
no_refusals() {  # nothing refused or failed on stderr
  if grep -Eiq 'refused|not loaded|error|cannot' "$tmp/$1.err"; then
    echo "--- stderr of $1:" >&2; show "$tmp/$1.err"; die "$1: plugin refused or error on stderr"
  fi
}

say "image layout (trust: no group/world-writable plugin dirs or files, owned by root)"
run_in layout -- sh -c 'ls -ld /opt/logmill/plugins /opt/logmill/plugins/*.so /plugins /logs; ls -l /usr/local/bin/logmill; ls -l "$(readlink -f /usr/local/bin/logmill)"' \
  || { show "$tmp/layout.err"; die "cannot inspect the image"; }
show "$tmp/layout.out"

# The image's own default command (ENTRYPOINT + CMD), as `docker run IMAGE` runs it.
entrypoint=$(bh inspect --type image --format '{{range .OCIv1.Config.Entrypoint}}{{.}} {{end}}' "$image")
cmd=$(bh inspect --type image --format '{{range .OCIv1.Config.Cmd}}{{.}} {{end}}' "$image")
workdir=$(bh inspect --type image --format '{{.OCIv1.Config.WorkingDir}}' "$image")
echo "entrypoint: $entrypoint  cmd: $cmd  workdir: $workdir" >&2
[ "$entrypoint$cmd" = "logmill analyze /logs " ] || die "default command is '$entrypoint$cmd', expected 'logmill analyze /logs'"

say "default command: logmill analyze /logs (logs-samples mounted read-only at /logs)"
# shellcheck disable=SC2086 # word-split the image's command on purpose
run_in analyze --volume "$repo/logs-samples:/logs:ro" -- $entrypoint $cmd \
  || { show "$tmp/analyze.err"; die "logmill analyze /logs exited non-zero"; }
head -n 20 "$tmp/analyze.out" | show /dev/stdin
nfiles=$(find "$repo/logs-samples" -type f | wc -l)
expect "$tmp/analyze.out" "^$nfiles files, [0-9]+ records" "analyze: report header does not count $nfiles files"
for section in '^Files$' '^Severity$' '^Events over time' '^Top message patterns$'; do
  expect "$tmp/analyze.out" "$section" "analyze: report section $section missing"
done
while IFS= read -r f; do
  expect "$tmp/analyze.out" "^  /logs/${f#"$repo/logs-samples/"} " "analyze: $f missing from the report"
done < <(find "$repo/logs-samples" -type f)
# The bundled native plugins actually ran inside the container.
expect "$tmp/analyze.out" '^  /logs/nginx-access\.log +access ' "analyze: nginx-access.log not parsed by the access plugin (C)"
expect "$tmp/analyze.out" '^  /logs/orders\.csv +csv ' "analyze: orders.csv not parsed by the csv plugin (Go)"
expect "$tmp/analyze.out" '^  /logs/java-app\.xml +xml ' "analyze: java-app.xml not parsed by the xml plugin (Go)"
no_refusals analyze

say "logmill plugins (bundled)"
run_in plugins -- logmill plugins || { show "$tmp/plugins.err"; die "logmill plugins exited non-zero"; }
show "$tmp/plugins.out"
expect "$tmp/plugins.out" '^Plugins \(from /opt/logmill/plugins' "plugins: not loaded from /opt/logmill/plugins"
for p in access csv xml; do
  expect "$tmp/plugins.out" "^  $p +/opt/logmill/plugins/$p\.so " "plugins: $p not loaded from /opt/logmill/plugins/$p.so"
done
no_refusals plugins

say "extra plugin mounted at /plugins (good_upper.c)"
mkdir -p "$tmp/extra" "$tmp/logs"
chmod 0755 "$tmp/extra"
gcc -shared -fPIC -I"$repo/contract" -I"$repo/test/fixtures/plugins" \
    -o "$tmp/extra/good_upper.so" "$repo/test/fixtures/plugins/good_upper.c"
chmod 0755 "$tmp/extra/good_upper.so"
printf 'INFO service started\nERROR disk full\n' >"$tmp/logs/sample.upper"
run_in extra --volume "$tmp/extra:/plugins:ro" -- logmill plugins \
  || { show "$tmp/extra.err"; die "logmill plugins (with /plugins) exited non-zero"; }
show "$tmp/extra.out"
expect "$tmp/extra.out" '^  upper +/plugins/good_upper\.so ' "plugins: the plugin mounted at /plugins is not loaded"
for p in access csv xml; do
  expect "$tmp/extra.out" "^  $p +/opt/logmill/plugins/$p\.so " "plugins: $p not loaded alongside /plugins"
done
no_refusals extra
run_in extra-analyze --volume "$tmp/extra:/plugins:ro" --volume "$tmp/logs:/logs:ro" -- logmill analyze /logs \
  || { show "$tmp/extra-analyze.err"; die "logmill analyze with the /plugins plugin exited non-zero"; }
expect "$tmp/extra-analyze.out" '^  /logs/sample\.upper +upper +2 records' "analyze: sample.upper not parsed by the /plugins plugin"
no_refusals extra-analyze

say "image size"
bh images --format '{{.Name}}:{{.Tag}}  {{.Size}}' | grep -E "^($image:latest|$base_full|$base_slim) " >&2 || true
say "OK: $image builds, analyzes /logs, loads the bundled plugins and those mounted at /plugins"
