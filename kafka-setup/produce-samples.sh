#!/usr/bin/env bash
# Produces the bundled samples: samples/logs/services.log -> $TOPIC_LOGS (keyed by service) and
# samples/events/users.jsonl -> $TOPIC_USER_EVENTS (keyed by user).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
kafka_tool produce --topic "$TOPIC_LOGS" --file "$REPO_ROOT/samples/logs/services.log" --key service
kafka_tool produce --topic "$TOPIC_USER_EVENTS" --file "$REPO_ROOT/samples/events/users.jsonl" --key json:user
