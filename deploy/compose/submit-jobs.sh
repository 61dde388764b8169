#!/bin/sh
# Sends JOBS GenerateVideo commands for hunyuan-tiny to the worker queue through the RabbitMQ management
# API (default exchange, routing key = queue), wrapped in the MassTransit envelope the worker reads.
# Used by the compose "cpu" profile's "submit" service; also works from a shell with curl.
set -eu
api="${RABBITMQ_API:-http://rabbitmq:15672/api}"
auth="${RABBITMQ_USER:-jenga}:${RABBITMQ_PASSWORD:-jenga}"
queue="${QUEUE:-jenga-generate}"
jobs="${JOBS:-4}"
batch="${BATCH:-compose-$(date +%s)}"

# The worker declares the queue when it connects; wait for it so no message lands nowhere.
i=0
until curl -fsS -u "$auth" "$api/queues/%2F/$queue" >/dev/null 2>&1; do
  i=$((i + 1)); [ "$i" -gt 120 ] && { echo "queue $queue did not appear" >&2; exit 1; }
  sleep 2
done

n=1
while [ "$n" -le "$jobs" ]; do
  job="$batch-$(printf '%04d' "$n")"
  now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  message="{\"schemaVersion\":1,\"jobId\":\"$job\",\"batchId\":\"$batch\",\"prompt\":\"a red cube spinning on a table, take $n\",\"model\":\"hunyuan-tiny\",\"preset\":\"turbo\",\"width\":128,\"height\":128,\"frames\":9,\"steps\":8,\"seed\":$n,\"guidance\":6.0,\"submittedAt\":\"$now\"}"
  envelope="{\"messageId\":\"$(cat /proc/sys/kernel/random/uuid)\",\"messageType\":[\"urn:message:JengaFleet.Contracts:GenerateVideo\"],\"message\":$message,\"sentTime\":\"$now\"}"
  body="$(printf '%s' "$envelope" | sed 's/\\/\\\\/g; s/"/\\"/g')"
  curl -fsS -u "$auth" -H 'content-type: application/json' -X POST "$api/exchanges/%2F/amq.default/publish" \
    -d "{\"properties\":{\"content_type\":\"application/vnd.masstransit+json\",\"delivery_mode\":2},\"routing_key\":\"$queue\",\"payload\":\"$body\",\"payload_encoding\":\"string\"}" \
    | grep -q '"routed":true' || { echo "job $job was not routed to $queue" >&2; exit 1; }
  echo "sent $job"
  n=$((n + 1))
done
