#!/usr/bin/env bash
# Fuzzes the HTTP API with schemathesis against its own OpenAPI document.
#
# Starts `followups serve --demo` on 127.0.0.1 with a SQLite file in a temporary directory,
# sends generated requests as the demo subscriber (demo / demo-password) and fails on any
# 5xx response and on any response whose status, content type or body the document does not
# describe. The run is bounded by a number of examples per operation and by a time limit.
#
# Usage: scripts/schemathesis.sh
# Environment:
#   SCHEMATHESIS_MAX_EXAMPLES  generated requests per operation and phase (default 20)
#   SCHEMATHESIS_TIMEOUT_SECS  time limit of the whole schemathesis run (default 300)
#   FOLLOWUPS_BIN              the server binary (default: built with cargo build)
# Requires schemathesis 4 (`pip install schemathesis`).
set -euo pipefail
cd "$(dirname "$0")/.."

max_examples="${SCHEMATHESIS_MAX_EXAMPLES:-20}"
timeout_secs="${SCHEMATHESIS_TIMEOUT_SECS:-300}"

if ! python3 -c 'import schemathesis' 2>/dev/null; then
    echo "schemathesis is not installed; install it with: pip install schemathesis" >&2
    exit 1
fi

if [ -z "${FOLLOWUPS_BIN:-}" ]; then
    cargo build --quiet --locked --bin followups
    FOLLOWUPS_BIN=target/debug/followups
fi

workdir="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$workdir"
}
trap cleanup EXIT

# Ask the kernel for a free loopback port.
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base_url="http://127.0.0.1:$port"

# Seed the demo data and fix the path parameters to its first dealer, department, user and
# follow-up: random ids would only ever reach the 403 of a dealer without a grant.
"$FOLLOWUPS_BIN" demo --json --database-url "sqlite:$workdir/followups.db" >"$workdir/demo.json" 2>/dev/null
python3 - "$workdir/demo.json" >"$workdir/schemathesis.toml" <<'PYTHON'
import json
import sys

demo = json.load(open(sys.argv[1]))
dealer = demo["dealers"][0]
department = dealer["departments"][0]
print("[parameters]")
print(f'"path.dealerUUID" = "{dealer["uuid"]}"')
print(f'"path.departmentUUID" = "{department["uuid"]}"')
print(f'"path.userUUID" = "{department["users"][0]["uuid"]}"')
print(f'"path.followUpUUID" = "{department["followUpUuids"][0]}"')
PYTHON

# The rate limit is off so that a fast run gets no 429 responses.
"$FOLLOWUPS_BIN" serve --demo --listen "127.0.0.1:$port" \
    --database-url "sqlite:$workdir/followups.db" --rate-limit-per-second 0 \
    >"$workdir/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 100); do
    if curl --silent --fail --max-time 1 "$base_url/healthz" >/dev/null; then
        break
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "the server exited before responding to /healthz; its log:" >&2
        cat "$workdir/server.log" >&2
        exit 1
    fi
    sleep 0.2
done
if ! curl --silent --fail --max-time 1 "$base_url/healthz" >/dev/null; then
    echo "the server did not respond to $base_url/healthz within 20 seconds; its log:" >&2
    cat "$workdir/server.log" >&2
    exit 1
fi

echo "schemathesis: at most $max_examples examples per operation, at most $timeout_secs s, against $base_url"
status=0
# schemathesis keeps a cache in .schemathesis/ of its working directory, so it runs in the
# temporary directory.
cd "$workdir"
timeout "$timeout_secs" python3 -m schemathesis.cli --config-file "$workdir/schemathesis.toml" \
    run "$base_url/openapi.json" \
    --url "$base_url" \
    --auth demo:demo-password \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "$max_examples" \
    --workers 1 \
    --request-timeout 10 \
    --generation-deterministic \
    || status=$?

if [ "$status" -eq 124 ]; then
    echo "schemathesis did not finish within $timeout_secs s" >&2
fi
if [ "$status" -ne 0 ]; then
    echo "schemathesis failed with status $status; the end of the server log:" >&2
    tail -n 50 "$workdir/server.log" >&2
fi
exit "$status"
