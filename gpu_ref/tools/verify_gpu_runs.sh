#!/usr/bin/env bash
# The `tpesim verify-gpu` runs recorded in docs/GPU.md (issue 5), on a GPU machine with a built
# tpesim: Llama-2-7B decode (M = 1 and 16) and prefill (M = 2048) projections and the odd shapes,
# through each PE kind's twin and its cuBLASLt kernel. Logs into LOG_DIR (default .). STAGES
# (default all): timed-decode, timed-prefill, kinds, every-kind, odd. every-kind runs each PE
# kind (and each bitslice variant) on all three Llama-2-7B sets, untimed.
#   gpu_ref/tools/verify_gpu_runs.sh TPESIM [LOG_DIR [STAGE ...]]
set -uo pipefail
tpesim="$1"
logs="${2:-.}"
shift $(($# < 2 ? $# : 2))
stages="${*:-timed-decode timed-prefill kinds every-kind odd}"
want() { [[ " $stages " == *" $1 "* ]]; }
work="$(mktemp -d)"
layers=q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj
"$tpesim" trace --model llama2-7b --phase decode --batch 16 --seq 1 --context 128 \
  --out "$work/llama2_7b_decode_m16.csv" >/dev/null || exit 1
llama=(configs/workloads/llama2_7b_decode_ctx128.csv "$work/llama2_7b_decode_m16.csv"
  configs/workloads/llama2_7b_prefill_2048.csv)
status=0
run() {  # ARCH LOG WORKLOAD [ARGS...]
  local arch="$1" log="$2" workload="$3"
  shift 3
  echo "\$ tpesim verify-gpu --arch $arch --workload $(basename "$workload") $*" | tee -a "$log"
  "$tpesim" verify-gpu --arch "configs/arch/$arch.yaml" --workload "$workload" \
    --out "$work/out" "$@" 2>&1 | tee -a "$log" || status=1
}
# Timed: each industry kernel (int8, fp16, bf16, fp8 e4m3, fp8 e5m2 x e4m3) on every shape.
timed=()
want timed-decode && timed+=("${llama[0]}" "${llama[1]}")
want timed-prefill && timed+=("${llama[2]}")
for w in "${timed[@]}"; do
  run systolic_32x32_ws "$logs/verify_gpu_timed.txt" "$w" --layers "$layers" --time
  run fp16_mac_32x32 "$logs/verify_gpu_timed.txt" "$w" --layers "$layers" --time
  run lmul_bf16_32x32 "$logs/verify_gpu_timed.txt" "$w" --layers "$layers" --time
  run fp16_mac_32x32 "$logs/verify_gpu_timed.txt" "$w" --layers "$layers" --time \
    --set array.pe.a_format=fp8_e4m3 --set array.pe.w_format=fp8_e4m3
  run fp16_mac_32x32 "$logs/verify_gpu_timed.txt" "$w" --layers "$layers" --time \
    --set array.pe.a_format=fp8_e5m2 --set array.pe.w_format=fp8_e4m3
done
# The group-quantized and bitslice kinds on decode M = 16 (mixpe W4A8 and lut_tc on prefill too),
# then every kind on the odd shapes.
if want kinds; then
  for a in mixpe_w4a8_32x32 mixpe_w4a16_32x32 lut_tc_m2n64k4_w2 laconic_systolic_16x16; do
    run "$a" "$logs/verify_gpu_kinds.txt" "$work/llama2_7b_decode_m16.csv" --layers "$layers"
  done
  for a in mixpe_w4a8_32x32 lut_tc_m2n64k4_w2; do
    run "$a" "$logs/verify_gpu_kinds.txt" "${llama[2]}" --layers "$layers"
  done
fi
if want every-kind; then
  for a in systolic_32x32_ws fp16_mac_32x32 lmul_bf16_32x32 mixpe_w4a8_32x32 mixpe_w4a16_32x32 \
    lut_tc_m2n64k4_w2 laconic_systolic_16x16 bitweight_opt1_systolic_32x32 \
    bitweight_opt2_tree_64x16 bitweight_opt4c_column_64x4; do
    for w in "${llama[@]}"; do
      run "$a" "$logs/verify_gpu_every_kind.txt" "$w" --layers "$layers"
    done
  done
fi
if want odd; then
  for a in systolic_32x32_ws fp16_mac_32x32 lmul_bf16_32x32 mixpe_w4a8_32x32 mixpe_w4a16_32x32 \
    lut_tc_m2n64k4_w2 laconic_systolic_16x16; do
    run "$a" "$logs/verify_gpu_odd.txt" gpu_ref/workloads/odd_shapes.yaml --time
  done
  run fp16_mac_32x32 "$logs/verify_gpu_odd.txt" gpu_ref/workloads/odd_shapes.yaml --time \
    --set array.pe.a_format=fp8_e4m3 --set array.pe.w_format=fp8_e4m3
fi
rm -rf "$work"
echo "verify-gpu runs: $([ $status = 0 ] && echo 'all passed' || echo 'SOME FAILED')"
exit $status
