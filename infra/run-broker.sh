#!/usr/bin/env bash
# A single-node KRaft Kafka (broker + controller) as its own JVM, from the jars Maven copied for the launcher
# (infra/launcher/target/lib). For users who want a broker process that outlives `./braid`.
# Usage: infra/run-broker.sh [data-dir]      env: KAFKA_PORT (9092) KAFKA_CONTROLLER_PORT (9093) KAFKA_HEAP (512m)
# Stop:  kill "$(cat <data-dir>/kafka.pid)"
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
LIB="$HERE/launcher/target/lib"
[ -d "$LIB" ] || { echo "jars missing: run ./braid --help (or ./mvnw -B install -DskipTests) first" >&2; exit 1; }
DATA="${1:-$(mktemp -d -t braid-kafka-XXXXXX)}"
PORT="${KAFKA_PORT:-9092}"; CPORT="${KAFKA_CONTROLLER_PORT:-9093}"
mkdir -p "$DATA/logs" "$DATA/data"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
CP="$LIB/*"
cat > "$DATA/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:$CPORT
listeners=PLAINTEXT://localhost:$PORT,CONTROLLER://localhost:$CPORT
advertised.listeners=PLAINTEXT://localhost:$PORT,CONTROLLER://localhost:$CPORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA/data
num.partitions=2
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
cat > "$DATA/log4j2.xml" <<'XML'
<Configuration status="WARN">
  <Appenders><File name="f" fileName="${sys:kafka.logs.dir}/server.log"><PatternLayout pattern="[%d] %p %m (%c)%n"/></File></Appenders>
  <Loggers><Root level="WARN"><AppenderRef ref="f"/></Root><Logger name="kafka" level="INFO"/><Logger name="org.apache.kafka" level="INFO"/></Loggers>
</Configuration>
XML
LOGOPTS=(-Dlog4j2.configurationFile="$DATA/log4j2.xml" -Dkafka.logs.dir="$DATA/logs")
if [ ! -f "$DATA/data/meta.properties" ]; then
  CLUSTER_ID="$("$JAVA" -cp "$CP" "${LOGOPTS[@]}" kafka.tools.StorageTool random-uuid)"
  "$JAVA" -cp "$CP" "${LOGOPTS[@]}" kafka.tools.StorageTool format --standalone -t "$CLUSTER_ID" -c "$DATA/server.properties" >/dev/null
fi
[ -f "$DATA/logs/server.log" ] && mv "$DATA/logs/server.log" "$DATA/logs/server.log.prev"
nohup "$JAVA" -Xms256m -Xmx"${KAFKA_HEAP:-512m}" -XX:+UseG1GC -cp "$CP" "${LOGOPTS[@]}" \
  kafka.Kafka "$DATA/server.properties" > "$DATA/logs/stdout.log" 2>&1 &
echo $! > "$DATA/kafka.pid"
for _ in $(seq 1 600); do
  if grep -q "Kafka Server started" "$DATA/logs/server.log" 2>/dev/null; then
    echo "kafka up: --bootstrap-servers localhost:$PORT  (pid $(cat "$DATA/kafka.pid"), data $DATA)"; exit 0
  fi
  kill -0 "$(cat "$DATA/kafka.pid")" 2>/dev/null || { tail -50 "$DATA/logs/stdout.log" "$DATA/logs/server.log" >&2; exit 1; }
  sleep 0.1
done
echo "kafka did not start in 60s (see $DATA/logs)" >&2; exit 1
