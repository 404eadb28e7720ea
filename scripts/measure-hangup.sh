#!/usr/bin/env bash
# How long ordinal takes to exit when its terminal hangs up: a tmux session
# running `ordinal --demo` is killed, and the time until the process has
# exited (a zombie) and until it is reaped is printed, per run.
#
# A second, idle session keeps the tmux server alive: when the last session
# closes, the server itself shuts down for about two seconds before it reaps
# its children, which reads as a slow exit if only "process gone" is timed.
#
# usage: scripts/measure-hangup.sh [path/to/ordinal] [runs]
set -euo pipefail
bin=${1:-target/release/ordinal}
runs=${2:-8}
sock="ordinal-hangup-$$"
home=$(mktemp -d)
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$home"' EXIT
tmux -L "$sock" new -d -s keeper -x 80 -y 24 "sleep 600"
for i in $(seq "$runs"); do
    tmux -L "$sock" new -d -s "run$i" -x 80 -y 24 "exec env HOME=$home $bin --demo"
    sleep 3
    pid=$(tmux -L "$sock" list-panes -t "run$i" -F '#{pane_pid}')
    t0=$(date +%s.%N)
    tmux -L "$sock" kill-session -t "run$i"
    exited=""
    while kill -0 "$pid" 2>/dev/null; do
        state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
        if [ "$state" = Z ] && [ -z "$exited" ]; then exited=$(date +%s.%N); fi
        sleep 0.002
    done
    t1=$(date +%s.%N)
    printf 'run %d: exited after %.3f s, reaped after %.3f s\n' "$i" \
        "$(echo "${exited:-$t1} - $t0" | bc)" "$(echo "$t1 - $t0" | bc)"
done
