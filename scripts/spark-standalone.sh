#!/usr/bin/env bash
# A local Spark standalone cluster (one master, two workers of one core each) from the jars lithos-spark already
# has (lithos-spark/target/lib): no Spark download. Shows that `lithos sweep|fleet --master spark://...` works.
#   scripts/spark-standalone.sh start   # then: ./lithos sweep FILE --master spark://127.0.0.1:7077
#   scripts/spark-standalone.sh stop
# Logs and the process ids are in lithos-spark/target/standalone/. WORKERS, WORKER_CORES, WORKER_MEMORY override.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="$root/lithos-spark/target/lib"
home="$root/lithos-spark/target/standalone"
workers="${WORKERS:-2}"
master_url="spark://127.0.0.1:7077"

start() {
  if [ ! -d "$lib" ]; then
    echo "spark-standalone: building lithos-spark first..." >&2
    (cd "$root" && mvn -q -B -DskipTests -pl lithos-spark -am package >&2)
  fi
  mkdir -p "$home/conf" "$home/logs"
  # A worker builds each executor's command line from SPARK_HOME/jars (the executor then gets the app's jars from the driver).
  ln -sfn "$lib" "$home/jars"
  # quiet like the lithos jar, but the deploy classes at info: their log says when workers register and executors start
  { cat "$root/lithos-spark/src/main/resources/log4j2.properties"
    printf 'logger.deploy.name = org.apache.spark.deploy\nlogger.deploy.level = info\n'; } >"$home/conf/log4j2.properties"
  export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
  # the Java 17 flags Spark needs (the list of the pom's spark.add.opens), for the master's and workers' own JVMs
  opens=$(sed -n 's:.*<spark.add.opens.args>\(.*\)</spark.add.opens.args>.*:\1:p' "$root/lithos-spark/pom.xml")
  run() { # name, main class, args...
    local name=$1; shift
    nohup java -Xmx512m $opens -cp "$home/conf:$lib/*" "$@" >"$home/logs/$name.log" 2>&1 &
    echo $! >"$home/$name.pid"
  }
  run master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 7077 --webui-port 8080
  for i in $(seq 1 "$workers"); do
    run "worker$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --webui-port $((8080 + i)) \
      --cores "${WORKER_CORES:-1}" --memory "${WORKER_MEMORY:-1g}" --work-dir "$home/work$i" "$master_url"
  done
  # ready when every worker has registered with the master
  for _ in $(seq 1 120); do
    n=$(grep -c "Registering worker" "$home/logs/master.log" 2>/dev/null || true)
    if [ "${n:-0}" -ge "$workers" ]; then echo "spark-standalone: $master_url with $workers workers (logs: $home/logs)"; return 0; fi
    sleep 1
  done
  echo "spark-standalone: the workers did not register in 120 s; see $home/logs" >&2
  return 1
}

stop() {
  for f in "$home"/*.pid; do
    [ -f "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  echo "spark-standalone: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: scripts/spark-standalone.sh start|stop" >&2; exit 2 ;;
esac
