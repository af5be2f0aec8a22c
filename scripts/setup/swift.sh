# Sourced by scripts/test-all.sh: installs OpenStack Swift (+ Keystone) from Debian's packages for
# archiver-swift's tests (a single-node Swift All In One that the tests start on loopback with
# archiver-swift/src/test/resources/swift-saio.sh). Idempotent: skips when already installed.
# Needs root (or passwordless sudo) for apt-get the first time.
swift_setup_packages="swift swift-proxy swift-account swift-container swift-object memcached curl python3-keystone python3-keystonemiddleware"
swift_setup_missing=""
for swift_setup_p in $swift_setup_packages; do
    dpkg -s "$swift_setup_p" 2>/dev/null | grep -q '^Status: install ok installed' \
        || swift_setup_missing="$swift_setup_missing $swift_setup_p"
done
if [ -n "$swift_setup_missing" ]; then
    echo "swift setup: installing$swift_setup_missing"
    swift_setup_sudo=""
    [ "$(id -u)" -eq 0 ] || swift_setup_sudo="sudo -n"
    $swift_setup_sudo apt-get update -qq \
        && DEBIAN_FRONTEND=noninteractive $swift_setup_sudo apt-get install -y -qq --no-install-recommends \
            $swift_setup_packages >/dev/null \
        || { echo "swift setup: apt-get install failed" >&2; return 1 2>/dev/null || exit 1; }
else
    echo "swift setup: Debian packages already installed"
fi
unset swift_setup_packages swift_setup_missing swift_setup_p swift_setup_sudo
