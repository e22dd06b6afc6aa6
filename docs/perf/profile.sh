#!/usr/bin/env bash
# Regenerates the flamegraphs in this folder (issue 31's three workloads) from
# the release binary. Needs `perf` and inferno (`cargo install inferno`), the
# shared data ($ALPHADESK_DATA, default ../shared/data) and a demo store for the
# backtest ($DEMO_DB, made with `alphadesk demo --no-serve` when missing).
#
#   docs/perf/profile.sh            # all three
#   docs/perf/profile.sh backtest   # one
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/docs/perf"
data=${ALPHADESK_DATA:-$root/../shared/data}
bin=${ALPHADESK_BIN:-$root/target/release/alphadesk}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x "$bin" ] || (cd "$root" && cargo build --release -q -p alphadesk)
demo=${DEMO_DB:-$work/demo.db}
[ -f "$demo" ] || "$bin" demo --db "$demo" --data "$data" --no-serve > /dev/null

# First the workload's wall time and peak memory unprofiled (GNU time, the median
# of three runs, each ingest into a new store): the figures docs/perf.md states.
# Then samples at 997 Hz with DWARF unwinding (the release profile keeps line
# tables); frames under 0.5% of the samples are left out so the SVG stays readable.
profile() {
    local name=$1 title=$2; shift 2
    for _ in 1 2 3; do
        rm -f "$work"/cf.db* "$work"/sn.db*
        /usr/bin/time -f "%e %M" -a -o "$work/$name.time" -- "$@" > /dev/null 2>&1
    done
    sort -n "$work/$name.time" | sed -n 2p \
        | awk -v n="$name" '{ printf "%s: %.2f s, %.0f MiB (median of three)\n", n, $1, $2 / 1024 }'
    rm -f "$work"/cf.db* "$work"/sn.db*
    perf record -q -F 997 --call-graph dwarf,32768 -o "$work/$name.data" -- "$@" > /dev/null 2>&1
    perf script -i "$work/$name.data" 2> /dev/null \
        | inferno-collapse-perf \
        | inferno-flamegraph --title "$title" --minwidth 0.5 > "$out/$name.svg"
    echo "wrote $out/$name.svg"
}

want=${1:-all}
if [[ $want == all || $want == companyfacts ]]; then
    profile companyfacts "ingest of the 27 companyfacts files (41 MB)" \
        "$bin" --db "$work/cf.db" ingest "$data/sec/companyfacts"
fi
if [[ $want == all || $want == backtest ]]; then
    profile backtest "the 4-pillar backtest 2014-06..2017-12 on the demo store" \
        "$bin" --db "$demo" backtest --from 2014-06-01 --to 2017-12-31 --json
fi
if [[ $want == all || $want == stocknet ]]; then
    profile stocknet "ingest of the StockNet folder (22,840 small files)" \
        "$bin" --db "$work/sn.db" ingest "$data/social/stocknet/tweet/preprocessed"
fi
