package io.lithosj.workload.trace;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A torch.profiler-like Chrome trace of {@code steps} ProfilerSteps generated on the fly (never
 * held in memory): per kernel, a CPU op with bulky args (as record_shapes/with_stack traces have),
 * a few Python-function events, the launch call and the kernel itself. Deterministic.
 */
final class SyntheticTrace extends InputStream {
  static final String[] NAMES = {
      "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<c10::BFloat16>, std::array<char*, 3ul> >(int, at::native::CUDAFunctor_add<c10::BFloat16>, std::array<char*, 3ul>)",
      "nvjet_sm90_tst_256x128_64x4_1x2_h_bz_coopA_NNT",
      "void at::native::(anonymous namespace)::cunn_SoftMaxForward<4, float, float, float, at::native::(anonymous namespace)::SoftMaxForwardEpilogue>(float*, float const*, int)",
      "sm90_xmma_fprop_implicit_gemm_bf16bf16_bf16f32_f32_nhwckrsc_nhwc_tilesize128x128x64_warpgroupsize1x1x1_g1_execute_kernel__5x_cudnn",
      "void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::MeanOps<float, float, float, float>, unsigned int, float, 4> >(at::native::ReduceOp<float, at::native::MeanOps<float, float, float, float>, unsigned int, float, 4>)"};

  private static final String PAD = "x".repeat(200);

  final int steps;
  final int kernelsPerStep;
  private final StringBuilder sb = new StringBuilder(8192);
  private byte[] chunk = new byte[0];
  private int pos;
  private int step;
  private int op = -1; // -1: the step's range event comes next
  private boolean started, ended;
  long bytes;

  SyntheticTrace(int steps, int kernelsPerStep) {
    this.steps = steps;
    this.kernelsPerStep = kernelsPerStep;
  }

  /** Duration of kernel {@code i} of a step, in µs (what a reader must sum to). */
  static double kernelUs(int i) { return 1 + (i % 7) * 0.5; }

  static double stepKernelUs(int kernelsPerStep) {
    double s = 0;
    for (int i = 0; i < kernelsPerStep; i++) s += kernelUs(i);
    return s;
  }

  private boolean refill() {
    if (ended) return false;
    sb.setLength(0);
    if (!started) {
      sb.append("{\"schemaVersion\":1,\"deviceProperties\":[{\"id\":0,\"numSms\":132}],\n\"traceEvents\":[\n");
      started = true;
    } else if (step == steps) {
      sb.append("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"args\":{\"name\":\"GPU 0\"}}\n],\"traceName\":\"synthetic\"}\n");
      ended = true;
    } else if (op < 0) {
      double t0 = step * 1e6;
      sb.append("{\"ph\":\"X\",\"cat\":\"user_annotation\",\"name\":\"ProfilerStep#").append(step)
          .append("\",\"pid\":1,\"tid\":1,\"ts\":").append(t0).append(",\"dur\":").append(1e6 - 1).append("},\n");
      op = 0;
    } else {
      long corr = (long) step * kernelsPerStep + op;
      double t = step * 1e6 + op * 10.0 + 1;
      for (int p = 0; p < 3; p++) {
        sb.append("{\"ph\":\"X\",\"cat\":\"python_function\",\"name\":\"torch/nn/modules/module.py(1790): _call_impl ")
            .append(PAD, 0, 60).append("\",\"pid\":1,\"tid\":1,\"ts\":").append(t + p * 0.1)
            .append(",\"dur\":0.5,\"args\":{\"Python id\":").append(corr * 3 + p).append(",\"Python parent id\":7}},\n");
      }
      sb.append("{\"ph\":\"X\",\"cat\":\"cpu_op\",\"name\":\"aten::addmm\",\"pid\":1,\"tid\":1,\"ts\":").append(t + 0.5)
          .append(",\"dur\":3,\"args\":{\"External id\":").append(corr)
          .append(",\"Input Dims\":[[4096],[8,1024,4096],[4096,4096],[],[]],\"Input type\":[\"c10::BFloat16\",\"c10::BFloat16\",")
          .append("\"c10::BFloat16\",\"Scalar\",\"Scalar\"],\"Input Strides\":[[1],[4194304,4096,1],[1,4096],[],[]],")
          .append("\"Concrete Inputs\":[\"\",\"\",\"\",\"1\",\"1\"],\"stack\":[\"").append(PAD).append("\",\"").append(PAD)
          .append("\",\"").append(PAD).append("\"],\"Sequence number\":").append(corr).append("}},\n");
      sb.append("{\"ph\":\"X\",\"cat\":\"cuda_runtime\",\"name\":\"cudaLaunchKernel\",\"pid\":1,\"tid\":1,\"ts\":").append(t + 1)
          .append(",\"dur\":2.5,\"args\":{\"External id\":").append(corr).append(",\"cbid\":211,\"correlation\":").append(corr)
          .append("}},\n");
      sb.append("{\"ph\":\"X\",\"cat\":\"kernel\",\"name\":\"").append(NAMES[op % NAMES.length]).append("\",\"pid\":0,\"tid\":7,\"ts\":")
          .append(t + 4).append(",\"dur\":").append(kernelUs(op)).append(",\"args\":{\"External id\":").append(corr)
          .append(",\"queued\":0,\"device\":0,\"context\":1,\"stream\":7,\"correlation\":").append(corr)
          .append(",\"registers per thread\":").append(32 + op % 64).append(",\"shared memory\":").append(op % 3 * 16384)
          .append(",\"blocks per SM\":0.5,\"warps per SM\":2,\"grid\":[").append(1 + op % 500)
          .append(",1,1],\"block\":[256,1,1],\"est. achieved occupancy %\":12}},\n");
      if (++op == kernelsPerStep) {
        op = -1;
        step++;
      }
    }
    chunk = sb.toString().getBytes(StandardCharsets.US_ASCII);
    pos = 0;
    bytes += chunk.length;
    return true;
  }

  @Override public int read() {
    if (pos == chunk.length && !refill()) return -1;
    return chunk[pos++] & 0xff;
  }

  @Override public int read(byte[] b, int off, int len) {
    if (len == 0) return 0;
    int n = 0;
    while (n < len) {
      if (pos == chunk.length && !refill()) break;
      int k = Math.min(len - n, chunk.length - pos);
      System.arraycopy(chunk, pos, b, off + n, k);
      pos += k;
      n += k;
    }
    return n == 0 ? -1 : n;
  }
}
