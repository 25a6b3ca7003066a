#!/bin/bash
# Host stalls in the real backend's poll loop under four JVM settings (results/h100-real/gc/), then
# the full real comparison with the setting that stalled least. On a GPU host, from the repository
# root, with the offline bundle: bash scripts/real-gc-stalls.sh BUNDLE.tar.xz   (results in /tmp/gc)
set -u
bundle=$1
R=/tmp/gc; mkdir -p $R; W=/tmp/lithos-real; mkdir -p $W; tar -xJf "$bundle" -C $W
L=$W/lithos/bin/lithos
declare -A OPTS=( [g1]="" [g1big]="-Xms4g -Xmx4g -Xmn2g" [parallel]="-XX:+UseParallelGC -Xms4g -Xmx4g" [zgc]="-XX:+UseZGC -Xms4g -Xmx4g" )
for v in g1 g1big parallel zgc; do
  mkdir -p $R/$v
  LITHOS_JAVA_OPTS="${OPTS[$v]} -Xlog:gc*:file=$R/$v/gc.log" timeout 60 $L run --backend cuda --atom-log -q -o $R/$v datasets/scenarios/real/solo-resnet50.json > $R/$v/run.log 2>&1
  python3 - $R/$v <<'PY'
import csv,sys,os
d=sys.argv[1]; rows=list(csv.DictReader(open(d+'/solo-resnet50-mps-atoms.csv')))
st=[float(r['seenMs'])-float(r['endMs']) for r in rows]
big=[x for x in st if x>2]
res=list(csv.DictReader(open(d+'/solo-resnet50-mps.csv')))[0]
line=f"{os.path.basename(d)} stalls>2ms {len(big)} max {max(st):.1f} ms p50 {res['p50Ms']} p99 {res['p99Ms']}"
print(line); open(d+'/summary.txt','w').write(line+'\n')
PY
done
best=$(for v in g1 g1big parallel zgc; do echo "$(awk '{print $3}' $R/$v/summary.txt) $v"; done | sort -n | head -1 | awk '{print $2}')
echo "best: $best (${OPTS[$best]})" | tee $R/best.txt
gzip $R/*/solo-resnet50-mps-atoms.csv
LITHOS_JAVA_OPTS="${OPTS[$best]}" bash scripts/real-compare.sh "$bundle" $R/h100-real > $R/real.log 2>&1
cat $R/*/summary.txt $R/best.txt $R/real.log
