# Installs the Azurite Blob emulator used by archiver-azure's tests (sourced by scripts/test-all.sh).
# Idempotent: `npm ci` from the committed package.json + package-lock.json into
# $ARCHIVER_CACHE/azurite-<version>, skipped when already there. Exports AZURITE_HOME.
# The tests start it with `node $AZURITE_HOME/node_modules/azurite/dist/src/blob/main.js`, never npx.

azurite_version=3.37.0
azurite_src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/archiver-azure/src/test/azurite"
azurite_home="${ARCHIVER_CACHE:-$HOME/.cache/kafka-archiver}/azurite-$azurite_version"

if [ ! -f "$azurite_home/node_modules/azurite/dist/src/blob/main.js" ] \
        || ! cmp -s "$azurite_src/package-lock.json" "$azurite_home/package-lock.json"; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "azurite.sh: npm (Node.js 20+) is required to install Azurite $azurite_version" >&2
        return 1
    fi
    echo "Installing Azurite $azurite_version into $azurite_home"
    mkdir -p "$azurite_home"
    cp "$azurite_src/package.json" "$azurite_src/package-lock.json" "$azurite_home/"
    # Azurite 3.37 declares node >=22 but runs on Node 20; --no-audit/--no-fund keep it offline-friendly.
    if ! npm ci --prefix "$azurite_home" --no-audit --no-fund --loglevel=error; then
        echo "azurite.sh: npm ci failed in $azurite_home" >&2
        return 1
    fi
fi
export AZURITE_HOME="$azurite_home"
unset azurite_version azurite_src azurite_home
