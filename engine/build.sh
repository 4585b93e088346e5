#!/usr/bin/env bash
# Builds the real Pulumi engine, its plugins and the local control plane from the pinned wrapper modules
# in engine/*/ and leaves every binary in .engine/bin/.
#
# Each binary is cached outside the clone under $MOONTV_ENGINE_CACHE (default ~/.cache/moontv-engine),
# keyed by a hash of its wrapper module (go.mod, go.sum, own Go files) and of the build line below, so a
# warm run only links the cached files. Usage: engine/build.sh [--list] [NAME ...]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
engine="$root/engine"
cache="${MOONTV_ENGINE_CACHE:-$HOME/.cache/moontv-engine}"
bin="$root/.engine/bin"

# The module proxy is the one source: never a toolchain download, never a dependency not in go.sum.
export GOTOOLCHAIN=local GOFLAGS="-mod=readonly -trimpath" GOPROXY="${GOPROXY:-https://proxy.golang.org}"

# name | wrapper dir | package | cgo | ldflags ({V} is the version of the module in the 5th column)
# | module that carries the version | build tags (optional) | build environment (optional: VAR=value ...)
targets=(
  "pulumi|pulumi|github.com/pulumi/pulumi/pkg/v3/cmd/pulumi|0|-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version={V}|github.com/pulumi/pulumi/pkg/v3"
  "pulumi-resource-kubernetes|provider-kubernetes|.|0|-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version={K8S_PROVIDER_VERSION}|github.com/pulumi/pulumi-kubernetes/provider/v4"
  "pulumi-resource-random|provider-random|.|0|-X main.Version={RANDOM_PROVIDER_VERSION}|github.com/terraform-providers/terraform-provider-random"
  "etcd|etcd|go.etcd.io/etcd/server/v3|0||go.etcd.io/etcd/server/v3"
  "kube-apiserver|kubernetes|k8s.io/kubernetes/cmd/kube-apiserver|0|{KUBE}|k8s.io/kubernetes"
  "kube-controller-manager|kubernetes|k8s.io/kubernetes/cmd/kube-controller-manager|0|{KUBE}|k8s.io/kubernetes"
  "kube-scheduler|kubernetes|k8s.io/kubernetes/cmd/kube-scheduler|0|{KUBE}|k8s.io/kubernetes"
  "kubectl|kubernetes|k8s.io/kubernetes/cmd/kubectl|0|{KUBE}|k8s.io/kubernetes"
  "kubelet|kubernetes|k8s.io/kubernetes/cmd/kubelet|0|{KUBE}|k8s.io/kubernetes"
  "kube-proxy|kubernetes|k8s.io/kubernetes/cmd/kube-proxy|0|{KUBE}|k8s.io/kubernetes"
  "containerd|containerd|github.com/containerd/containerd/v2/cmd/containerd|0|{CONTAINERD}|github.com/containerd/containerd/v2|no_btrfs no_devmapper no_zfs"
  "containerd-shim-runc-v2|containerd|github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2|0|{CONTAINERD}|github.com/containerd/containerd/v2"
  "ctr|containerd|github.com/containerd/containerd/v2/cmd/ctr|0|{CONTAINERD}|github.com/containerd/containerd/v2|no_btrfs no_devmapper no_zfs"
  "bridge|cni-plugins|github.com/containernetworking/plugins/plugins/main/bridge|0|{CNI}|github.com/containernetworking/plugins"
  "host-local|cni-plugins|github.com/containernetworking/plugins/plugins/ipam/host-local|0|{CNI}|github.com/containernetworking/plugins"
  "loopback|cni-plugins|github.com/containernetworking/plugins/plugins/main/loopback|0|{CNI}|github.com/containernetworking/plugins"
  "portmap|cni-plugins|github.com/containernetworking/plugins/plugins/meta/portmap|0|{CNI}|github.com/containernetworking/plugins"
  "coredns|coredns|github.com/coredns/coredns|0||github.com/coredns/coredns"
  "crictl|cri-tools|sigs.k8s.io/cri-tools/cmd/crictl|0|-X sigs.k8s.io/cri-tools/pkg/version.Version={V}|sigs.k8s.io/cri-tools"
  "kwok|kwok|sigs.k8s.io/kwok/cmd/kwok|0||sigs.k8s.io/kwok"
  "local-path-provisioner|local-path-provisioner|github.com/rancher/local-path-provisioner|0|-X main.VERSION={V}|github.com/rancher/local-path-provisioner"
  "kube-router|kube-router|github.com/cloudnativelabs/kube-router/v2/cmd/kube-router|0|-X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version={V} -X github.com/cloudnativelabs/kube-router/v2/pkg/version.BuildDate=1970-01-01T00:00:00Z|github.com/cloudnativelabs/kube-router/v2"
  "metrics-server|metrics-server|sigs.k8s.io/metrics-server/cmd/metrics-server|0|-X k8s.io/client-go/pkg/version.gitVersion={V} -X k8s.io/client-go/pkg/version.gitTreeState=clean -X k8s.io/client-go/pkg/version.buildDate=1970-01-01T00:00:00Z|sigs.k8s.io/metrics-server"
  "registry|distribution|github.com/distribution/distribution/v3/cmd/registry|0|-X github.com/distribution/distribution/v3/version.version={V}|github.com/distribution/distribution/v3"
  "buildkitd|buildkit|github.com/moby/buildkit/cmd/buildkitd|0|-X github.com/moby/buildkit/version.Version={V}|github.com/moby/buildkit"
  "buildctl|buildkit|github.com/moby/buildkit/cmd/buildctl|0|-X github.com/moby/buildkit/version.Version={V}|github.com/moby/buildkit"
  "dockerfile-frontend|buildkit|github.com/moby/buildkit/frontend/dockerfile/cmd/dockerfile-frontend|0|-X main.Version={V} -X main.Package=github.com/moby/buildkit/frontend/dockerfile/cmd/dockerfile-frontend|github.com/moby/buildkit"
  "buildx|buildx|github.com/docker/buildx/cmd/buildx|0|-X github.com/docker/buildx/version.Version={V}|github.com/docker/buildx"
  "trivy|trivy|github.com/aquasecurity/trivy/cmd/trivy|0|-X github.com/aquasecurity/trivy/pkg/version/app.ver={V}|github.com/aquasecurity/trivy||GOEXPERIMENT=jsonv2"
  "trivy-db|trivy-db|github.com/aquasecurity/trivy-db/cmd/trivy-db|0|-X main.version={V}|github.com/aquasecurity/trivy-db"
  "pulumi-resource-docker-build|provider-docker-build|github.com/pulumi/pulumi-docker-build/provider/cmd/pulumi-resource-docker-build|0|-X github.com/pulumi/pulumi-docker-build/provider.Version={DOCKER_BUILD_PROVIDER_VERSION}|github.com/pulumi/pulumi-docker-build"
)

# The kubernetes provider module has no release tags (only pseudo-versions); this is the release whose
# line the served commit belongs to, and the version of the npm @pulumi/kubernetes it serves.
K8S_PROVIDER_VERSION="$(node -p "require('$root/package.json').dependencies['@pulumi/kubernetes']")"
# pulumi-random's provider module is not served at all: engine/provider-random rebuilds it from the bridge
# and the upstream Terraform provider, and reports the version of the npm @pulumi/random it serves.
RANDOM_PROVIDER_VERSION="$(node -p "require('$root/package.json').dependencies['@pulumi/random']")"
# docker-build's module is tagged as its npm SDK is; its Version variable takes the release without the "v".
DOCKER_BUILD_PROVIDER_VERSION="$(node -p "require('$root/package.json').dependencies['@pulumi/docker-build']")"

# What the upstream release builds link in, so that each binary reports its own version (an API server
# that says v0.0.0 is taken by pulumi-kubernetes for a very old one).
kube_ldflags() {
  local v="$1" major minor
  major="${v#v}"; major="${major%%.*}"
  minor="${v#v*.}"; minor="${minor%%.*}"
  local flags=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$v -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  echo "$flags"
}

if [[ "${1:-}" == "--list" ]]; then
  for t in "${targets[@]}"; do echo "${t%%|*}"; done
  exit 0
fi
wanted=("$@")

# Some wrappers need files from the module they wrap next to their own main (never committed).
prepare() {
  local dir="$1"
  case "$dir" in
    provider-kubernetes)
      local src
      src="$(cd "$engine/$dir" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)"
      if [[ -z "$src" || ! -f "$src/cmd/pulumi-resource-kubernetes/schema.json" ]]; then
        (cd "$engine/$dir" && go mod download github.com/pulumi/pulumi-kubernetes/provider/v4)
        src="$(cd "$engine/$dir" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)"
      fi
      install -m 0644 "$src/cmd/pulumi-resource-kubernetes/schema.json" \
        "$src/cmd/pulumi-resource-kubernetes/terraform-mapping.json" "$engine/$dir/"
      ;;
  esac
}

# Every module of a wrapper, local ones included, pins what it builds: a go.mod without its go.sum is
# refused (a module that requires nothing has an empty one).
require_go_sums() {
  local dir="$1" mod
  while IFS= read -r mod; do
    [[ -f "$(dirname "$mod")/go.sum" ]] || { echo "engine: $mod has no go.sum beside it: run go mod tidy there" >&2; exit 1; }
  done < <(find "$engine/$dir" -name go.mod)
}

module_key() {
  local dir="$1" line="$2"
  # Every file of the wrapper that shapes the binary: go.mod, go.sum and Go files, local modules included.
  (cd "$engine/$dir" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) | LC_ALL=C sort |
    xargs cat && echo "$line" && go env GOVERSION) |
    sha256sum | cut -c1-16
}

mkdir -p "$bin" "$cache"
total=${#targets[@]}
n=0
start_all=$(date +%s)
for t in "${targets[@]}"; do
  n=$((n + 1))
  IFS='|' read -r name dir pkg cgo ldflags vmod tags goenv <<<"$t"
  if ((${#wanted[@]})) && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
  version="$(cd "$engine/$dir" && go list -m -f '{{.Version}}' "$vmod")"
  ldflags="${ldflags//\{V\}/$version}"
  ldflags="${ldflags//\{K8S_PROVIDER_VERSION\}/$K8S_PROVIDER_VERSION}"
  ldflags="${ldflags//\{RANDOM_PROVIDER_VERSION\}/$RANDOM_PROVIDER_VERSION}"
  ldflags="${ldflags//\{DOCKER_BUILD_PROVIDER_VERSION\}/$DOCKER_BUILD_PROVIDER_VERSION}"
  [[ "$ldflags" == "{KUBE}" ]] && ldflags="$(kube_ldflags "$version")"
  [[ "$ldflags" == "{CONTAINERD}" ]] && ldflags="-X github.com/containerd/containerd/v2/version.Version=$version"
  [[ "$ldflags" == "{CNI}" ]] && ldflags="-X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=$version"
  # The providers report the release of their npm SDK, not the pseudo-version of the module built.
  case "$name" in
    pulumi-resource-kubernetes) version="$K8S_PROVIDER_VERSION (module $version)" ;;
    pulumi-resource-random) version="$RANDOM_PROVIDER_VERSION (rebuilt; upstream provider $version)" ;;
  esac
  require_go_sums "$dir"
  key="$(module_key "$dir" "$pkg $cgo $ldflags${tags:+ tags=$tags}${goenv:+ env=$goenv}")"
  out="$cache/$name-$key"
  if [[ -x "$out/$name" ]]; then
    printf '[%d/%d] %-26s %s (cached)\n' "$n" "$total" "$name" "$version"
  else
    printf '[%d/%d] %-26s %s building ...\n' "$n" "$total" "$name" "$version"
    prepare "$dir"
    t0=$(date +%s)
    tmp="$cache/.tmp-$name-$$"
    rm -rf "$tmp" && mkdir -p "$tmp"
    # shellcheck disable=SC2086 # goenv is a list of VAR=value words
    (cd "$engine/$dir" && env CGO_ENABLED="$cgo" $goenv go build -tags "$tags" -ldflags "-s -w $ldflags" -o "$tmp/$name" "$pkg")
    rm -rf "$out" && mv "$tmp" "$out"
    printf '[%d/%d] %-26s built in %d s\n' "$n" "$total" "$name" "$(($(date +%s) - t0))"
  fi
  # A hard link (a copy across file systems), not a symlink: the CLI looks for its bundled plugins (the
  # language host, the dynamic-provider script) in the directory of its own resolved executable.
  ln -f "$out/$name" "$bin/$name" 2>/dev/null || cp -f "$out/$name" "$bin/$name"
done

# What the CLI finds on PATH besides the Go binaries: our Node.js language host (Pulumi's own cannot be
# built here, see engine/language-host/host.ts) and the SDK's dynamic-provider plugin script (the image
# size budget is a dynamic resource), which ships inside the npm @pulumi/pulumi package.
ln -sfn "$engine/language-host/pulumi-language-nodejs" "$bin/pulumi-language-nodejs"
if [[ -f "$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" ]]; then
  ln -sfn "$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"
else
  echo "engine: node_modules/@pulumi/pulumi is missing: run npm ci first" >&2
  exit 1
fi
# The providers go into the engine's own plugin cache at the versions their npm SDKs ask for, and
# .engine/env turns the PATH lookup off (PULUMI_IGNORE_AMBIENT_PLUGINS): the engine loads exactly these.
export PULUMI_HOME="$root/.engine/pulumi-home" PULUMI_SKIP_UPDATE_CHECK=true
for provider in "kubernetes:$K8S_PROVIDER_VERSION" "random:$RANDOM_PROVIDER_VERSION" \
  "docker-build:$DOCKER_BUILD_PROVIDER_VERSION"; do
  pname="${provider%%:*}" pversion="${provider#*:}"
  if [[ -x "$bin/pulumi-resource-$pname" ]]; then
    "$bin/pulumi" plugin install resource "$pname" "$pversion" --file "$bin/pulumi-resource-$pname" --reinstall \
      --non-interactive >/dev/null
  fi
done
echo "engine: ${#targets[@]} binaries in .engine/bin ($(($(date +%s) - start_all)) s)"
