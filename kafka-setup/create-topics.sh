#!/usr/bin/env bash
# Creates the jobs' topics (existing ones are left alone). Topic names and partitions come from
# common.sh / the environment; extra topic names may be given as arguments.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
kafka_tool create-topics --partitions "$TOPIC_PARTITIONS" \
  "$TOPIC_LOGS" "$TOPIC_LOG_SUMMARIES" "$TOPIC_USER_EVENTS" "$TOPIC_USER_CONTEXT" "$TOPIC_DEAD_LETTERS" "$@"
