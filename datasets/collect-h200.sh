#!/bin/bash
# gpudata helper, one device call: H200 calibration, then kernel traces at the paper's shapes.
# Carried as .carry/gpudata/device.sh with collect_traces.py, paper_shapes.py, occupy_sms.ptx and the slimmed
# bundle (scripts/bundle.sh with LITHOS_JLINK_MODULES, then the jar without Tablesaw/XChart/JMH/fastutil/pdfbox);
# run from the repository root as: END_S=530 bash .carry/gpudata/device.sh. Everything comes back in $OUT.
set -u
C=$(pwd)/.carry/gpudata
W=/tmp/gd; mkdir -p $W/res
T0=$(date +%s); END=${END_S:-560}
st() { echo "$1 rc=$2 $(( $(date +%s) - T0 ))s" | tee -a $W/res/status.txt; }
# seconds for the next step: at most $1, and never past END seconds after the start
lim() { local l=$(( END - ($(date +%s) - T0) )); [ $l -gt $1 ] && l=$1; [ $l -lt 5 ] && l=5; echo $l; }
packout() { (cd $W && rm -f $OUT/gpudata.tar.part* && tar -cf - res t1 t2 t3 t4forward t4nocudnn 2>/dev/null | split -b 15m - $OUT/gpudata.tar.part; cp res/status.txt $OUT/ 2>/dev/null); }
{ date -u; nvidia-smi; nvidia-smi --query-gpu=name,driver_version,pci.bus_id,clocks.sm,clocks.max.sm,clocks.mem,power.limit,persistence_mode,compute_mode,mig.mode.current --format=csv; } > $W/res/env.txt 2>&1
# 1. calibration: a slimmed jar (no Tablesaw/XChart/JMH), CalibrateCommand's own main, not the whole CLI
tar -xJf $C/lithos-bundle.tar.xz -C $W
(cd $W && CUDA_DEVICE_MAX_CONNECTIONS=32 timeout 100 $W/lithos/runtime/bin/java --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -cp $W/lithos/lib/lithos.jar io.lithosj.cli.CalibrateCommand --gpu h200 --out $W/res/calibration/h200 > $W/res/calibrate.log 2>&1); st calibrate $?
packout
cd $C
P="python3 collect_traces.py"
export PYTHONUNBUFFERED=1
run() { local t=$(lim $1); shift; timeout $t $P --budget-s $(( t - 12 )) "$@"; }
# 2. every workload but the two whose cuDNN conv backward fails in green contexts
ALL=inference-resnet50-b1,inference-bert-large-b1,inference-retinanet-b1,training-mobilenetv2-b216,training-dlrm-b32768,training-bert-large-b20,llama3-8b,training-llama3-8b-lora-b4,gptj-6b
run 300 --work $W/t1 --out $W/o1 --sms 128,96,64,32,16,8 --models $ALL > $W/res/p1.log 2>&1; st green-all $?
packout
CNN=training-resnet50-b184,training-vgg19-b120
# 3. those two on the whole GPU (Chrome trace, iteration time, memory)
run 75 --work $W/t2 --out $W/o2 --sms "" --models $CNN > $W/res/p2.log 2>&1; st whole-cnn $?
packout
# 4. their scaling: SM occupancy (whole iteration), then green contexts for the parts that run there
run 90 --work $W/t3 --out $W/o3 --method occupy --warmup 2 --sms 128,96,64,32,16,8 --models $CNN > $W/res/p3.log 2>&1; st occupy-cnn $?
packout
for p in forward nocudnn; do
  run 50 --work $W/t4$p --out $W/o4$p --partial $p --warmup 2 --sms 64,32,16,8 --models $CNN > $W/res/p4$p.log 2>&1; st partial-$p $?
done
nvidia-smi --query-gpu=clocks.sm,power.draw,temperature.gpu --format=csv >> $W/res/env.txt 2>&1
cp /tmp/lithosj_cudnn.log $W/res/ 2>/dev/null; gzip -f $W/res/lithosj_cudnn.log 2>/dev/null
packout
cat $W/res/status.txt; grep -h "iteration\|per request\|per iteration\|FAILED\|launch costs" $W/res/p*.log | cut -c1-250 | tail -40
