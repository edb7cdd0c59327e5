#!/usr/bin/env bash
# Prints the first records of a topic (read_committed): ./consume.sh TOPIC [MAX] [--uncommitted]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
if [[ $# -lt 1 ]]; then echo "usage: $0 TOPIC [MAX] [--uncommitted]" >&2; exit 2; fi
kafka_tool consume --topic "$1" --max "${2:-10}" "${@:3}"
