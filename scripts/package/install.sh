#!/usr/bin/env bash
# make install (and make package, into its staging folder): installs a release build in the layout the binary expects.
#   PREFIX/bin/preflight                                   the binary (the Swift runtime linked in: --static-swift-stdlib)
#   PREFIX/share/preflight/Checks/                         the check catalog (found from the binary: ../share/preflight/Checks)
#   PREFIX/share/preflight/licensing/                      Microsoft's licensing table (found the same way)
#   PREFIX/share/man/man1/preflight.1.gz                   the man page (ArgumentParser's GenerateManual plugin)
#   PREFIX/share/{bash-completion,zsh,fish}/…              shell completions (preflight --generate-completion-script)
#   PREFIX/share/doc/preflight/                            README, docs/, licence, changelog
# Usage: scripts/package/install.sh BIN_DIR MAN_PAGE   (env: PREFIX, default /usr/local; DESTDIR, default empty)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin_dir=${1:?usage: install.sh BIN_DIR MAN_PAGE}
man_page=${2:?usage: install.sh BIN_DIR MAN_PAGE}
prefix=${PREFIX:-/usr/local}
root="${DESTDIR:-}$prefix"
for need in "$bin_dir/preflight" "$bin_dir/preflight_PreflightInventory.resources/licensing" "$man_page"; do
  [ -e "$need" ] || { echo "install: '$need' is missing; run 'make package' or 'make install' (they build it first)." >&2; exit 66; }
done

install -d "$root/bin" "$root/share/preflight" "$root/share/man/man1" "$root/share/doc/preflight/docs" \
  "$root/share/bash-completion/completions" "$root/share/zsh/vendor-completions" "$root/share/fish/vendor_completions.d"
install -m 0755 "$bin_dir/preflight" "$root/bin/preflight"
strip --strip-unneeded "$root/bin/preflight"
rm -rf "$root/share/preflight/Checks" "$root/share/preflight/licensing"
cp -R Checks "$root/share/preflight/Checks"
cp -R "$bin_dir/preflight_PreflightInventory.resources/licensing" "$root/share/preflight/licensing"
find "$root/share/preflight" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
find "$root/share/preflight/Checks" -type f \( -name '*.py' -o -name '*.sh' \) -exec chmod 0755 {} +
gzip -9n < "$man_page" > "$root/share/man/man1/preflight.1.gz"
chmod 0644 "$root/share/man/man1/preflight.1.gz"
"$bin_dir/preflight" --generate-completion-script bash > "$root/share/bash-completion/completions/preflight"
"$bin_dir/preflight" --generate-completion-script zsh > "$root/share/zsh/vendor-completions/_preflight"
"$bin_dir/preflight" --generate-completion-script fish > "$root/share/fish/vendor_completions.d/preflight.fish"
install -m 0644 README.md LICENSE CHANGELOG.md "$root/share/doc/preflight/"
cp -R docs/. "$root/share/doc/preflight/docs/"
find "$root/share/doc/preflight" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
echo "install: preflight installed under $root"
