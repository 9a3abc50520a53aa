#!/usr/bin/env bash
# The chaos harness's hosts (./parley chaos): Linux network namespaces on one bridge, in a private range used only
# inside them. Needs root (CI has it).
#   hosts.sh up      create them (after removing any left by an earlier run)
#   hosts.sh down    remove them
#
#   pch-db  10.77.0.2    the harness's own PostgreSQL
#   pch-n1  10.77.0.11   node 1 (HTTP :8080, Artery :25520)      pch-n2 .12, pch-n3 .13: nodes 2 and 3
#   pch-cl  10.77.0.20   the clients (the harness itself: writers, readers, probes, checker)
#   pch-root             a name for the root namespace, where the bridge and the hosts' other veth ends are (the
#                        harness runs in pch-cl and reaches them through it: a lossy link is shaped at both ends)
# Each host has one veth into the bridge pchbr0 in the root namespace; faults are iptables rules and tc qdiscs
# inside a node's namespace, so the root namespace's own network is never touched.
set -euo pipefail
hosts=(pch-db:2 pch-n1:11 pch-n2:12 pch-n3:13 pch-cl:20)
bridge=pchbr0

down() {
  for h in "${hosts[@]}"; do
    name="${h%%:*}"
    ip netns del "$name" 2>/dev/null || true
    ip link del "v$name" 2>/dev/null || true
  done
  ip link del "$bridge" 2>/dev/null || true
  # Only the name: the root namespace itself stays, of course.
  ip netns del pch-root 2>/dev/null || true
}

up() {
  down
  ip netns attach pch-root $$
  ip link add "$bridge" type bridge
  ip link set "$bridge" up
  for h in "${hosts[@]}"; do
    name="${h%%:*}"
    addr="10.77.0.${h##*:}"
    ip netns add "$name"
    ip link add "v$name" type veth peer name eth0 netns "$name"
    ip link set "v$name" master "$bridge" up
    ip -n "$name" addr add "$addr/24" dev eth0
    ip -n "$name" link set eth0 up
    ip -n "$name" link set lo up
  done
  # Bridged frames must not be filtered by the root namespace's own firewall (br_netfilter, where it is loaded).
  if [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]; then
    echo 0 > /proc/sys/net/bridge/bridge-nf-call-iptables
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: hosts.sh up|down" >&2; exit 2 ;;
esac
