#!/usr/bin/env bash
# The long (soak) version of the reliability suite in eventbus-reliability: the same scenarios as CI
# (consumer SIGKILL, broker SIGKILL, rebalance storm, slow handler, bad input, bounded memory), with
# volumes multiplied by SCALE, then the verifier's table of every run.
#
#   scripts/soak.sh                 all scenarios at SCALE=20 (200,000 events over 2,000 keys for the
#                                   consumer kill, a 1,000,000-event backlog for bounded memory)
#   SCALE=5 scripts/soak.sh         a shorter soak
#   scripts/soak.sh ConsumerKill    only the scenarios whose test class name contains the word
#
# Environment (all optional):
#   SCALE            volume multiplier (default 20; CI runs 1)
#   STORM_SECONDS    length of the rebalance storm (default 60)
#   PROGRESS_TIMEOUT seconds without progress before a run counts as hung (default 180)
#   TEST_HEAP        heap of the test JVM that publishes and verifies (default 3g)
#   REPORT           where the tables go (default target/soak-<date>.md under the module)
#
# Needs JDK 17+, Maven and nats-server (/usr/sbin/nats-server, or -Dreliability.nats-server=<path>
# in MAVEN_OPTS); the Kafka broker runs from the Maven Central jars, nothing to install. Brokers and
# consumer JVMs are started on free loopback ports and stopped by the tests themselves.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCALE="${SCALE:-20}"
STORM_SECONDS="${STORM_SECONDS:-60}"
PROGRESS_TIMEOUT="${PROGRESS_TIMEOUT:-180}"
TEST_HEAP="${TEST_HEAP:-3g}"
REPORT="${REPORT:-$ROOT/eventbus-reliability/target/soak-$(date -u +%Y%m%dT%H%M%SZ).md}"
FILTER="${1:-}"

[[ "$SCALE" =~ ^[0-9]+$ && "$SCALE" -ge 1 ]] || { echo "soak.sh: SCALE must be a positive integer, got '$SCALE'" >&2; exit 2; }
command -v mvn >/dev/null 2>&1 || { echo "soak.sh: Maven (mvn) is needed" >&2; exit 1; }

PATTERN='dev/eventbus/reliability/*Tests'
[ -n "$FILTER" ] && PATTERN="dev/eventbus/reliability/*${FILTER}*Tests"

mkdir -p "$(dirname "$REPORT")"
{
	echo "# Reliability soak run"
	echo
	echo "- date: $(date -u +%FT%TZ)"
	echo "- commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo "- machine: $(nproc) cores, $(free -g 2>/dev/null | awk '/Mem:/ {print $2 " GiB"}'), $(java -version 2>&1 | head -n 1)"
	echo "- command: SCALE=$SCALE STORM_SECONDS=$STORM_SECONDS scripts/soak.sh $FILTER"
} > "$REPORT"

echo "soak.sh: SCALE=$SCALE, storm ${STORM_SECONDS}s, tables -> $REPORT"
status=0
mvn -B -f "$ROOT/pom.xml" -pl eventbus-reliability -am test \
	-Dtest="$PATTERN" -Dsurefire.failIfNoSpecifiedTests=false \
	-Dreliability.scale="$SCALE" -Dreliability.storm-s="$STORM_SECONDS" \
	-Dreliability.progress-timeout-s="$PROGRESS_TIMEOUT" -Dreliability.test-heap="$TEST_HEAP" \
	-Dreliability.report="$REPORT" || status=$?

echo
cat "$REPORT"
echo
if [ "$status" -ne 0 ]; then
	echo "soak.sh: FAILED (maven exit $status); see eventbus-reliability/target/surefire-reports" >&2
else
	echo "soak.sh: all scenarios passed; tables in $REPORT"
fi
exit "$status"
