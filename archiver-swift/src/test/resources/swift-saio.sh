#!/usr/bin/env bash
# swift-saio.sh — single-node OpenStack Swift ("Swift All In One") on loopback, for integration
# tests. No Docker, no systemd, no rsync; root is only needed to install the Debian packages.
#
#   swift-saio.sh start  DIR [PORT]   # PORT = proxy port (default 8080); PORT+1..PORT+5 also used
#   swift-saio.sh stop   DIR
#   swift-saio.sh status DIR
#
# Packages (Debian 12):
#   apt-get install -y --no-install-recommends swift swift-proxy swift-account swift-container \
#       swift-object memcached curl
# Ports: proxy PORT, object PORT+1, container PORT+2, account PORT+3, memcached PORT+4,
#        keystone PORT+5 (only with SAIO_KEYSTONE=1).  All bound to 127.0.0.1.
# Auth v1 (tempauth): GET http://127.0.0.1:PORT/auth/v1.0 with X-Storage-User: test:tester,
#   X-Storage-Pass: testing (also test2:tester2/testing2, test:tester3/testing3 non-admin,
#   admin:admin/admin reseller admin) -> X-Storage-Url .../v1/AUTH_test + X-Auth-Token.
# Optional Keystone v3 (SAIO_KEYSTONE=1): also needs python3-keystone python3-keystonemiddleware
#   (uwsgi-core + uwsgi-plugin-python3 come with swift). Keystone (sqlite, fernet) listens on PORT+5,
#   identity URL http://127.0.0.1:PORT+5/v3, user tester / testing, project test, domain Default,
#   role member; Swift accepts its tokens via authtoken + keystoneauth (reseller prefix KEY_,
#   catalog URL http://127.0.0.1:PORT/v1/KEY_<project_id>); tempauth (AUTH_) keeps working.
# On success prints SWIFT_AUTH_URL=..., SWIFT_USER=..., SWIFT_KEY=... (+ KEYSTONE_* lines).
set -euo pipefail

cmd=${1:-}; DIR=${2:-}; PORT=${3:-8080}
[[ -n "$cmd" && -n "$DIR" ]] || { echo "usage: $0 start|stop|status DIR [PORT]" >&2; exit 2; }
mkdir -p "$DIR"; DIR=$(cd "$DIR" && pwd)
ETC=$DIR/etc; SRV=$DIR/srv; RUN=$DIR/run; LOG=$DIR/log; CACHE=$DIR/cache
SERVERS="memcached keystone account container object proxy"

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_all() {
  local s p
  for s in $SERVERS; do   # each server is a session/group leader (setsid): signal the whole group
    p=$RUN/$s.pid
    if pid_alive "$p"; then kill -TERM -- "-$(cat "$p")" 2>/dev/null || kill -TERM "$(cat "$p")" 2>/dev/null || true; fi
  done
  for s in $SERVERS; do
    p=$RUN/$s.pid
    for _ in $(seq 1 50); do pid_alive "$p" || break; sleep 0.1; done
    if pid_alive "$p"; then kill -KILL -- "-$(cat "$p")" 2>/dev/null || true; fi
    rm -f "$p"
  done
}

wait_http() { # url timeout_s
  local t0=$SECONDS
  until curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; do
    (( SECONDS - t0 < $2 )) || return 1
    sleep 0.1
  done
}

case "$cmd" in
stop)   stop_all; echo "swift-saio stopped ($DIR)"; exit 0 ;;
status)
  for s in $SERVERS; do
    if pid_alive "$RUN/$s.pid"; then echo "$s running pid $(cat "$RUN/$s.pid")"; else echo "$s stopped"; fi
  done; exit 0 ;;
start)  ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac

for b in swift-proxy-server swift-account-server swift-container-server swift-object-server memcached curl; do
  command -v "$b" >/dev/null || { echo "missing $b (apt-get install swift swift-proxy swift-account swift-container swift-object memcached curl)" >&2; exit 1; }
done
# The servers always read storage policies + hash prefix from /etc/swift/swift.conf (not from swift_dir).
if [[ ! -r /etc/swift/swift.conf ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    mkdir -p /etc/swift
    printf '[swift-hash]\nswift_hash_path_suffix = saio\nswift_hash_path_prefix = saio\n\n[storage-policy:0]\nname = Policy-0\ndefault = yes\n' > /etc/swift/swift.conf
  else
    echo "/etc/swift/swift.conf missing (it is shipped by the Debian swift package)" >&2; exit 1
  fi
fi

stop_all   # idempotent restart
mkdir -p "$ETC" "$SRV/d1" "$RUN" "$LOG" "$CACHE"

# Swift keeps object metadata in user xattrs: fail early if the filesystem lacks them.
/usr/bin/python3 - "$SRV/d1" <<'PY' || { echo "no user xattr support under $SRV (use ext4/xfs, or tmpfs on Linux >= 6.6)" >&2; exit 1; }
import os, sys
p = os.path.join(sys.argv[1], ".xattr-probe")
open(p, "w").close()
try:
    os.setxattr(p, "user.swift.probe", b"1")
    assert os.getxattr(p, "user.swift.probe") == b"1"
finally:
    os.unlink(p)
PY

PROXY=$PORT; OBJ=$((PORT+1)); CONT=$((PORT+2)); ACCT=$((PORT+3)); MEMC=$((PORT+4)); KSPORT=$((PORT+5))
KEYSTONE=${SAIO_KEYSTONE:-0}
ME=$(id -un)
# keystoneauth must come BEFORE tempauth: it unconditionally replaces swift.authorize, tempauth only
# does so for its own AUTH_ tokens/accounts.
KS_FILTERS=""; (( KEYSTONE )) && KS_FILTERS="authtoken keystoneauth "

# workers = 0: each server is one process (no fork), so one pid per server.
cat > "$ETC/proxy-server.conf" <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $PROXY
workers = 0
user = $ME
swift_dir = $ETC
log_name = proxy-server
log_level = INFO

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl ${KS_FILTERS}tempauth copy slo dlo versioned_writes symlink proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
allow_account_management = true
account_autocreate = true

[filter:tempauth]
use = egg:swift#tempauth
user_admin_admin = admin .admin .reseller_admin
user_test_tester = testing .admin
user_test2_tester2 = testing2 .admin
user_test_tester3 = testing3
token_life = 86400

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
www_authenticate_uri = http://127.0.0.1:$KSPORT
auth_url = http://127.0.0.1:$KSPORT
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = swift
password = swiftpass
delay_auth_decision = True
memcached_servers = 127.0.0.1:$MEMC

[filter:keystoneauth]
use = egg:swift#keystoneauth
reseller_prefix = KEY_
operator_roles = admin, member

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MEMC

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:tempurl]
use = egg:swift#tempurl
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_versioned_writes = true
[filter:symlink]
use = egg:swift#symlink
EOF

for t in object container account; do
  case $t in object) p=$OBJ;; container) p=$CONT;; account) p=$ACCT;; esac
  cat > "$ETC/$t-server.conf" <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $p
workers = 0
user = $ME
swift_dir = $ETC
devices = $SRV
mount_check = false
disable_fallocate = true
log_name = $t-server
log_level = INFO

[pipeline:main]
pipeline = healthcheck recon $t-server

[app:$t-server]
use = egg:swift#$t

[filter:healthcheck]
use = egg:swift#healthcheck
[filter:recon]
use = egg:swift#recon
recon_cache_path = $CACHE

[$t-replicator]
[$t-updater]
[$t-auditor]
EOF
done

# Rings: part power 8, 1 replica, 1 device each, rebuilt on every start. One python process with
# swift's RingBuilder API (0.6 s) instead of 9 swift-ring-builder calls (6.5 s); equivalent to
#   swift-ring-builder X.builder create 8 1 1; ... add r1z1-127.0.0.1:PORT/d1 100; ... rebalance
rm -rf "$ETC"/*.builder "$ETC"/*.ring.gz "$ETC/backups"
/usr/bin/python3 - "$ETC" "$OBJ" "$CONT" "$ACCT" <<'PY'
import sys
from swift.common.ring import RingBuilder
etc = sys.argv[1]
for name, port in zip(("object", "container", "account"), map(int, sys.argv[2:5])):
    b = RingBuilder(8, 1, 1)
    b.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": port,
               "replication_ip": "127.0.0.1", "replication_port": port,
               "device": "d1", "weight": 100, "meta": ""})
    b.rebalance()
    b.get_ring().save("%s/%s.ring.gz" % (etc, name))
    b.save("%s/%s.builder" % (etc, name))
PY

# Start: each server in the foreground (-v = log to console) under setsid, one pid file each.
start_bg() { # name cmd...
  local name=$1; shift
  setsid "$@" >"$LOG/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
}
start_bg memcached  memcached -l 127.0.0.1 -p "$MEMC" -U 0 -m 64 -u "$ME"

if (( KEYSTONE )); then
  command -v keystone-manage >/dev/null || { echo "SAIO_KEYSTONE=1 needs python3-keystone python3-keystonemiddleware" >&2; exit 1; }
  KS=$DIR/keystone; mkdir -p "$KS"
  cat > "$KS/keystone.conf" <<EOF
[DEFAULT]
use_stderr = true
[database]
connection = sqlite:///$KS/keystone.db
[token]
provider = fernet
expiration = 86400
[fernet_tokens]
key_repository = $KS/fernet-keys
[fernet_receipts]
key_repository = $KS/fernet-receipts
[credential]
key_repository = $KS/credential-keys
[cache]
enabled = false
EOF
  KS_NEW=""
  if [[ ! -f "$KS/keystone.db" ]]; then   # first start: schema, keys, admin, swift catalog entry
    km() { keystone-manage --config-file "$KS/keystone.conf" "$@" >>"$LOG/keystone-manage.log" 2>&1; }
    km db_sync && km fernet_setup --keystone-user "$ME" --keystone-group "$(id -gn)" \
      && km credential_setup --keystone-user "$ME" --keystone-group "$(id -gn)" \
      && km bootstrap --bootstrap-password adminpass --bootstrap-region-id RegionOne \
           --bootstrap-admin-url "http://127.0.0.1:$KSPORT/v3/" --bootstrap-public-url "http://127.0.0.1:$KSPORT/v3/" \
           --bootstrap-internal-url "http://127.0.0.1:$KSPORT/v3/" \
      || { echo "keystone-manage failed, see $LOG/keystone-manage.log" >&2; rm -f "$KS/keystone.db"; stop_all; exit 1; }
    # POST /v3/services dies with 'database is locked' on sqlite -> write the swift catalog entry offline
    /usr/bin/python3 - "$KS/keystone.db" "http://127.0.0.1:$PROXY" <<'PY'
import json, sqlite3, sys, uuid
db, proxy = sys.argv[1], sys.argv[2]
c = sqlite3.connect(db); sid = uuid.uuid4().hex
c.execute("INSERT INTO service (id, type, enabled, extra) VALUES (?, 'object-store', 1, ?)", (sid, json.dumps({"name": "swift"})))
for iface in ("public", "internal", "admin"):
    c.execute("INSERT INTO endpoint (id, legacy_endpoint_id, interface, service_id, url, extra, enabled, region_id) "
              "VALUES (?, NULL, ?, ?, ?, '{}', 1, 'RegionOne')", (uuid.uuid4().hex, iface, sid, proxy + "/v1/KEY_$(project_id)s"))
c.commit()
PY
    KS_NEW=1
  fi
  # uwsgi with ONE thread: keystone on sqlite hits 'database is locked' under concurrent requests.
  # uwsgi's --http-socket closes every connection after its response but does not say so; without
  # "Connection: close" an HTTP/1.1 client pools the connection and its next POST (never retried
  # automatically) can fail with "received no bytes".
  OS_KEYSTONE_CONFIG_FILES=$KS/keystone.conf start_bg keystone uwsgi --plugin python3 --http-socket "127.0.0.1:$KSPORT" \
    --add-header "Connection: close" \
    --wsgi-file /usr/bin/keystone-wsgi-public --master --processes 1 --threads 1 --die-on-term --lazy-apps
  wait_http "http://127.0.0.1:$KSPORT/v3" 60 || { echo "keystone did not start" >&2; tail -n 30 "$LOG/keystone.log" >&2; stop_all; exit 1; }
  if [[ -n "$KS_NEW" ]]; then   # projects service + test; users swift (admin on service), tester (member on test)
    /usr/bin/python3 - "http://127.0.0.1:$KSPORT" <<'PY' || { echo "keystone user setup failed" >&2; rm -f "$KS/keystone.db"; stop_all; exit 1; }
import json, sys, urllib.request
ks = sys.argv[1]
def call(method, path, body=None, token=None):
    req = urllib.request.Request(ks + path, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"Content-Type": "application/json", **({"X-Auth-Token": token} if token else {})})
    with urllib.request.urlopen(req) as r:
        return r.headers, json.loads(r.read() or b"{}")
h, _ = call("POST", "/v3/auth/tokens", {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin",
          "domain": {"id": "default"}, "password": "adminpass"}}}, "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}})
tok = h["X-Subject-Token"]
roles = {r["name"]: r["id"] for r in call("GET", "/v3/roles", token=tok)[1]["roles"]}
def project(n): return call("POST", "/v3/projects", {"project": {"name": n, "domain_id": "default"}}, tok)[1]["project"]["id"]
def user(n, pw): return call("POST", "/v3/users", {"user": {"name": n, "domain_id": "default", "password": pw}}, tok)[1]["user"]["id"]
def grant(p, u, r): call("PUT", "/v3/projects/%s/users/%s/roles/%s" % (p, u, roles[r]), token=tok)
svc_p, test_p = project("service"), project("test")
grant(svc_p, user("swift", "swiftpass"), "admin")
grant(test_p, user("tester", "testing"), "member")
PY
  fi
fi

start_bg account    swift-account-server   "$ETC/account-server.conf"   -v
start_bg container  swift-container-server "$ETC/container-server.conf" -v
start_bg object     swift-object-server    "$ETC/object-server.conf"    -v
start_bg proxy      swift-proxy-server     "$ETC/proxy-server.conf"     -v

ok=1
for p in $ACCT $CONT $OBJ $PROXY; do
  wait_http "http://127.0.0.1:$p/healthcheck" 30 || { ok=0; echo "port $p not healthy" >&2; }
done
# readiness = a real auth round trip (proxy + memcached) and an account HEAD (all backends)
if (( ok )); then
  t0=$SECONDS; ok=0
  while (( SECONDS - t0 < 30 )); do
    hdrs=$(curl -fsS -D - -o /dev/null -H 'X-Storage-User: test:tester' -H 'X-Storage-Pass: testing' \
           "http://127.0.0.1:$PROXY/auth/v1.0" 2>/dev/null || true)
    tok=$(printf '%s' "$hdrs" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-auth-token"{print $2}')
    url=$(printf '%s' "$hdrs" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-storage-url"{print $2}')
    if [[ -n "$tok" ]] && curl -fsS -o /dev/null -I -H "X-Auth-Token: $tok" "$url" 2>/dev/null; then ok=1; break; fi
    sleep 0.2
  done
fi
if (( ! ok )); then
  echo "swift-saio failed to start; logs in $LOG:" >&2
  tail -n 20 "$LOG"/*.log >&2 || true
  stop_all; exit 1
fi
echo "SWIFT_AUTH_URL=http://127.0.0.1:$PROXY/auth/v1.0"
echo "SWIFT_USER=test:tester"
echo "SWIFT_KEY=testing"
if (( KEYSTONE )); then
  echo "KEYSTONE_URL=http://127.0.0.1:$KSPORT/v3"
  echo "KEYSTONE_USER=tester KEYSTONE_PASSWORD=testing KEYSTONE_PROJECT=test KEYSTONE_DOMAIN=Default"
fi
