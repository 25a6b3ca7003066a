#!/bin/sh
# Rebuilds the committed PTX of the SM-occupancy kernels (collect_traces.py --method occupy) and
# prints ptxas's resource report: lithosj_occupy must use 64 registers with no spills.
set -e
cd "$(dirname "$0")"
nvcc -ptx -arch=compute_90 -O3 -o occupy_sms.ptx occupy_sms.cu
ptxas -arch=sm_90 -v occupy_sms.ptx -o /dev/null
