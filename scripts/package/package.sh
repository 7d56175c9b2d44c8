#!/usr/bin/env bash
# make package: dist/preflight_<version>_amd64.deb (Debian 12, Ubuntu 22.04 and later) and
# dist/preflight-<version>-linux-x86_64.tar.gz (the same tree under /usr, for other Linux systems), from a release build
# with the Swift runtime linked in (--static-swift-stdlib), so neither needs Swift. The .deb's Depends are computed
# from the binary's shared libraries by dpkg-shlibdeps (https://manpages.debian.org/bookworm/dpkg-dev/dpkg-shlibdeps.1).
# Usage: scripts/package/package.sh BIN_DIR MAN_PAGE
set -euo pipefail
cd "$(dirname "$0")/../.."
bin_dir=${1:?usage: package.sh BIN_DIR MAN_PAGE}
man_page=${2:?usage: package.sh BIN_DIR MAN_PAGE}
version=$(sed -n 's/.*static let current = "\([^"]*\)".*/\1/p' Sources/PreflightCore/Model/Report.swift)
[ -n "$version" ] || { echo "package: no version in Sources/PreflightCore/Model/Report.swift (PreflightVersion.current)" >&2; exit 70; }
arch=$(dpkg --print-architecture)
[ "$arch" = amd64 ] || { echo "package: this builds amd64 packages; this machine is '$arch'" >&2; exit 64; }

work=$(mktemp -d /tmp/preflight-package.XXXXXX)
trap 'rm -rf "$work"' EXIT
stage="$work/stage"
DESTDIR="$stage" PREFIX=/usr bash scripts/package/install.sh "$bin_dir" "$man_page" >/dev/null

# Depends: the packages whose shared libraries the binary loads (libc6, libcurl4, libldap-2.5-0, libsmbclient, libxml2…).
if ldd "$stage/usr/bin/preflight" | grep -q '/opt/swift\|libswift\|libFoundation'; then
  echo "package: the binary still loads the Swift runtime (was it built with --static-swift-stdlib?):" >&2
  ldd "$stage/usr/bin/preflight" >&2
  exit 70
fi
mkdir -p "$work/src/debian"
printf 'Source: preflight\n\nPackage: preflight\nArchitecture: amd64\n' > "$work/src/debian/control"
depends=$(cd "$work/src" && dpkg-shlibdeps -O -e"$stage/usr/bin/preflight" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "package: dpkg-shlibdeps found no dependencies for the binary" >&2; exit 70; }

size=$(du -sk "$stage/usr" | cut -f1)
install -d "$stage/DEBIAN" "$stage/usr/share/doc/preflight"
cp LICENSE "$stage/usr/share/doc/preflight/copyright"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: preflight
Version: $version
Architecture: amd64
Maintainer: Writeback Preflight maintainers <preflight@localhost>
Installed-Size: $size
Depends: $depends
Recommends: python3, man-db
Section: admin
Priority: optional
Homepage: https://learn.microsoft.com/entra/identity/authentication/concept-sspr-writeback
Description: readiness checks for Entra ID SSPR password writeback
 preflight judges whether a hybrid Microsoft environment is ready for Entra ID
 self-service password reset with password writeback to Active Directory: the
 connector account's effective rights on every in-scope user (over LDAPS), the
 endpoints through the proxy, the Entra Connect or Cloud Sync configuration and
 the tenant's licences. Markdown, JSON, JUnit, Prometheus and CSV reports; its
 exit code is a CI gate. python3 runs the example plugin check PLG-001.
CONTROL
mkdir -p dist
deb="dist/preflight_${version}_amd64.deb"
tarball="dist/preflight-${version}-linux-x86_64.tar.gz"
rm -f "$deb" "$tarball"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
# The tarball: the same tree, relative to /usr (extract it into /usr/local, /opt/preflight, …).
tar -C "$stage/usr" --owner=0 --group=0 --sort=name -czf "$tarball" .
echo "package: $deb ($(du -k "$deb" | cut -f1) KiB), Depends: $depends"
echo "package: $tarball ($(du -k "$tarball" | cut -f1) KiB)"
