#!/bin/sh
# One sitting: asyncbench (with the Tokio column), then the goroutines and
# Tokio anchors on their own, RUNS times each, so that the figures in
# README.md come from one stretch of time on one machine.
#
#   sh sitting.sh [RUNS] [TOKIO_ANCHOR_BINARY]
#
# Build the Tokio anchor first (see shared/anchors/README.md):
#   cp -r ../../../shared/anchors/tokio /tmp/tokio-anchor && (cd /tmp/tokio-anchor && cargo build --release --offline)
set -eu
RUNS=${1:-5}
TOKIO=${2:-/tmp/tokio-anchor/target/release/tokio-anchor}
ANCHORS=$(cd "$(dirname "$0")/../../.." && pwd)/shared/anchors
cd "$(dirname "$0")"
date -u
go build -o /tmp/asyncbench-sitting .
if [ -x "$TOKIO" ]; then
	/tmp/asyncbench-sitting -n "$RUNS" -tokio "$TOKIO"
else
	/tmp/asyncbench-sitting -n "$RUNS"
fi
(cd "$ANCHORS/goroutines" && go build -o /tmp/goroutines-anchor .)
i=0
while [ "$i" -lt "$RUNS" ]; do
	i=$((i + 1))
	echo "--- anchors, run $i/$RUNS"
	GOMAXPROCS=2 /tmp/goroutines-anchor
	GOMAXPROCS=1 /tmp/goroutines-anchor
	if [ -x "$TOKIO" ]; then
		WORKERS=2 "$TOKIO"
		FLAVOR=current "$TOKIO"
	fi
done
date -u
