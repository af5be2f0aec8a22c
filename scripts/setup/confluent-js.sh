# shellcheck shell=bash
# Installs Confluent's JavaScript schema registry client (@confluentinc/schemaregistry: the Avro,
# JSON Schema and Protobuf serializers of Confluent's own clients) with npm into its own directory
# under $ARCHIVER_CACHE, once per pinned version, and exports ARCHIVER_CONFLUENT_JS=<that directory>
# (its node_modules holds the package). The archiver-parquet and archiver-registry tests run a small
# Node script with it so that the wire-format bytes they archive are written by Confluent's code.
# Sourced by scripts/test-all.sh: no `exit` here.
CONFLUENT_JS_VERSION=1.10.1
_confluent_js_dir="${ARCHIVER_CACHE:-$HOME/.cache/kafka-archiver}/confluent-schemaregistry-js-${CONFLUENT_JS_VERSION}"
if [ ! -f "$_confluent_js_dir/.installed" ]; then
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        echo "confluent-js: 'node' and 'npm' must be on PATH to install @confluentinc/schemaregistry" >&2
        unset _confluent_js_dir
        return 1
    fi
    echo "confluent-js: installing @confluentinc/schemaregistry ${CONFLUENT_JS_VERSION} into $_confluent_js_dir (npm)"
    rm -rf "$_confluent_js_dir"
    mkdir -p "$_confluent_js_dir"
    printf '{"name":"archiver-confluent-js","private":true}\n' >"$_confluent_js_dir/package.json"
    if ! npm install --prefix "$_confluent_js_dir" --no-audit --no-fund --loglevel=error \
            --save-exact "@confluentinc/schemaregistry@${CONFLUENT_JS_VERSION}" >/dev/null; then
        echo "confluent-js: npm install failed" >&2
        rm -rf "$_confluent_js_dir"
        unset _confluent_js_dir
        return 1
    fi
    touch "$_confluent_js_dir/.installed"
fi
export ARCHIVER_CONFLUENT_JS="$_confluent_js_dir"
unset _confluent_js_dir
