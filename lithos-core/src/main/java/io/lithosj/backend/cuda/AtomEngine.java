package io.lithosj.backend.cuda;

import static io.lithosj.backend.cuda.CudaException.check;

import io.lithosj.gpu.TpcSet;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * Launches atoms of the kernel library and detects their completion without blocking.
 *
 * <p>Each in-flight atom owns a slot: a device counter the kernel's blocks claim logical blocks
 * from, an abort word, and a host-mapped status the last exiting block writes (GPU start/end
 * timestamps, blocks run, then the atom's token). {@link #poll} reads those statuses from host
 * memory, so completion costs no driver call. If an atom's kernel ended before all its blocks
 * ran (its physical blocks all landed on SMs outside the mask while the masked ones were busy),
 * the rest is relaunched with backoff, so every logical block runs exactly once.
 *
 * <p>Not thread-safe: one thread drives it (the backend's event loop).
 */
public final class AtomEngine implements AutoCloseable {
  public static final int SLOTS = 8192;
  private static final int SLOT_BYTES = 16;
  private static final int STATUS_BYTES = 32;
  /** float4 per stream buffer: 2^24 * 16 B = 256 MiB each, far above L2, so copies hit DRAM. */
  public static final long STREAM_BUF_ELEMS = 1L << 24;
  private static final int MAX_STREAMS_PER_PRIORITY = 32;
  private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
  private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private final CudaDevice dev;
  private final KernelLibrary lib;
  private final CUdeviceptr slots;
  private final CUdeviceptr abortWords;
  private final CudaDevice.Mapped status;
  private final CudaDevice.Mapped abortSource;
  private final CUdeviceptr sink;
  private CUdeviceptr bufA, bufB;
  private CUdeviceptr smokeHits, smokeSmids, smokePhys;
  private final CUstream control;
  private final Map<Integer, PriorityStreams> streams = new HashMap<>();
  private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
  private final List<Pending> active = new ArrayList<>();
  private int nextToken = 1;
  private long nextId = 1;
  private double gridFactor = 1.0;
  private long clockOffsetNs;
  private double clockUncertaintyUs;
  private long lastHealthCheckNs;
  private long launches;
  private long relaunches;

  public AtomEngine(CudaDevice dev, KernelLibrary lib) {
    this.dev = dev;
    this.lib = lib;
    dev.makeCurrent();
    slots = dev.alloc((long) SLOTS * SLOT_BYTES);
    abortWords = dev.alloc((long) SLOTS * 4);
    status = dev.allocMapped((long) SLOTS * STATUS_BYTES);
    abortSource = dev.allocMapped((long) SLOTS * 4);
    sink = dev.alloc(4096 * 4);
    for (int i = 0; i < SLOTS; i++) freeSlots.add(i);
    control = new CUstream();
    check(JCudaDriver.cuStreamCreateWithPriority(control, CUstream_flags.CU_STREAM_NON_BLOCKING, dev.greatestPriority),
        "cuStreamCreateWithPriority(control)");
    calibrateClock();
  }

  public CudaDevice device() { return dev; }
  public KernelLibrary library() { return lib; }

  /** Physical blocks launched = gridFactor x SMs x resident blocks per SM (at least 1 x). */
  public void setGridFactor(double f) {
    if (!(f >= 1.0 && f <= 16)) throw new IllegalArgumentException("gridFactor must be in [1, 16], was " + f);
    gridFactor = f;
  }

  public double gridFactor() { return gridFactor; }
  public long launches() { return launches; }
  public long relaunches() { return relaunches; }
  public int inFlight() { return active.size(); }

  /** Buffers the SMOKE kernel writes: per logical block hit count, SM id, physical block id. */
  public void setSmokeBuffers(CUdeviceptr hits, CUdeviceptr smids, CUdeviceptr phys) {
    smokeHits = hits;
    smokeSmids = smids;
    smokePhys = phys;
  }

  /** Maps a {@code %globaltimer} reading to {@link System#nanoTime()}. */
  public long gpuToHostNs(long gpuNs) { return gpuNs - clockOffsetNs; }

  public double clockUncertaintyUs() { return clockUncertaintyUs; }

  /**
   * Aligns the GPU's {@code %globaltimer} with the host clock: a probe kernel writes it to mapped
   * memory; the tightest of 25 host round trips bounds the offset error (half its width).
   */
  public void calibrateClock() {
    CudaDevice.Mapped probe = probeBuffer();
    long bestWidth = Long.MAX_VALUE;
    for (int i = 0; i < 25; i++) {
      probe.buffer().putLong(0, 0L);
      long t0 = System.nanoTime();
      check(JCudaDriver.cuLaunchKernel(lib.function(LibKernel.CLOCK_PROBE), 1, 1, 1, 32, 1, 1, 0, control,
          Pointer.to(Pointer.to(probe.device())), null), "cuLaunchKernel(clock_probe)");
      long g;
      long deadline = t0 + 2_000_000_000L;
      while ((g = (long) LONG.getAcquire(probe.buffer(), 0)) == 0) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("clock probe kernel did not report within 2 s");
        Thread.onSpinWait();
      }
      long t1 = System.nanoTime();
      if (t1 - t0 < bestWidth) {
        bestWidth = t1 - t0;
        clockOffsetNs = g - (t0 + (t1 - t0) / 2);
      }
    }
    check(JCudaDriver.cuStreamSynchronize(control), "cuStreamSynchronize(control)");
    clockUncertaintyUs = bestWidth / 2000.0;
  }

  private CudaDevice.Mapped probe;

  private CudaDevice.Mapped probeBuffer() {
    if (probe == null) probe = dev.allocMapped(64);
    return probe;
  }

  /** One atom on the GPU: blocks {@code [lo, lo + count)} of a library launch on {@code mask}. */
  public final class Pending {
    public final long id;
    public final LibraryLaunch work;
    public final int lo;
    public final int count;
    public final TpcSet mask;
    public final int cudaPriority;
    public final Object tag;
    final int slot;
    final int token;
    final StreamHandle stream;
    /** Host {@code System.nanoTime()} of the first launch call. */
    public final long launchNs;
    /** Logical blocks that ran, always the prefix {@code [lo, lo + claimed)}. */
    public int claimed;
    public long firstStartGpuNs;
    public long lastEndGpuNs;
    public int continuations;
    public boolean abortRequested;
    boolean inFlight;
    boolean finished;
    int zeroStreak;
    long relaunchAtNs;
    long issuedNs;

    Pending(LibraryLaunch work, int lo, int count, TpcSet mask, int cudaPriority, Object tag, StreamHandle shared) {
      this.id = nextId++;
      this.work = work;
      this.lo = lo;
      this.count = count;
      this.mask = mask;
      this.cudaPriority = cudaPriority;
      this.tag = tag;
      Integer s = freeSlots.poll();
      if (s == null) throw new IllegalStateException("more than " + SLOTS + " atoms in flight on the GPU");
      this.slot = s;
      this.token = takeToken();
      if (shared != null) shared.users++;
      this.stream = shared != null ? shared : acquireStream(cudaPriority);
      this.launchNs = System.nanoTime();
    }

    public boolean finished() { return finished; }
    public boolean complete() { return claimed == count; }
    public long startHostNs() { return gpuToHostNs(firstStartGpuNs); }
    public long endHostNs() { return gpuToHostNs(lastEndGpuNs); }
    public CUstream cuStream() { return stream.stream; }
  }

  private int takeToken() {
    int t = nextToken++;
    if (nextToken == 0) nextToken = 1; // 0 is what an untouched abort word holds
    return t;
  }

  /** Launches an atom; {@code cudaPriority} is a CUDA stream priority (lower = more urgent). */
  public Pending launch(LibraryLaunch work, int lo, int count, TpcSet mask, int cudaPriority, Object tag) {
    return launch(work, lo, count, mask, cudaPriority, tag, null);
  }

  private Pending launch(LibraryLaunch work, int lo, int count, TpcSet mask, int cudaPriority, Object tag, StreamHandle shared) {
    if (count <= 0) throw new IllegalArgumentException("atom needs at least one block, got " + count);
    if (mask.isEmpty()) throw new IllegalArgumentException("atom TPC mask is empty");
    if (mask.first() >= dev.tpcCount() || mask.stream().anyMatch(t -> t >= dev.tpcCount())) {
      throw new IllegalArgumentException("TPC mask " + mask + " names TPCs beyond this GPU's " + dev.tpcCount());
    }
    Pending p = new Pending(work, lo, count, mask, clampPriority(cudaPriority), tag, shared);
    active.add(p);
    issue(p);
    return p;
  }

  public int clampPriority(int cudaPriority) {
    return Math.max(dev.greatestPriority, Math.min(dev.leastPriority, cudaPriority));
  }

  private void issue(Pending p) {
    LibraryLaunch w = p.work;
    int lo = p.lo + p.claimed;
    int count = p.count - p.claimed;
    INT.setRelease(status.buffer(), p.slot * STATUS_BYTES + 20, 0); // clear the token before (re)launch
    int grid = physicalBlocks(w);
    int smem = lib.smemForResidency(w.kernel(), w.threadsPerBlock(), w.blocksPerSm());
    Pointer params = params(p, lo, count);
    p.issuedNs = System.nanoTime();
    check(JCudaDriver.cuLaunchKernel(lib.function(w.kernel()), grid, 1, 1, w.threadsPerBlock(), 1, 1, smem,
        p.stream.stream, params, null), "cuLaunchKernel(" + w.kernel().symbol + ")");
    p.inFlight = true;
    launches++;
  }

  public int physicalBlocks(LibraryLaunch w) {
    return (int) Math.ceil(gridFactor * dev.smCount * w.blocksPerSm());
  }

  private Pointer params(Pending p, int lo, int count) {
    List<Pointer> a = new ArrayList<>(20);
    a.add(Pointer.to(new long[] {p.mask.lowWord()}));
    a.add(Pointer.to(new long[] {p.mask.highWord()}));
    a.add(Pointer.to(new int[] {1})); // tpcShift: 2 SMs per TPC on Ampere and Hopper
    a.add(Pointer.to(new int[] {lo}));
    a.add(Pointer.to(new int[] {count}));
    a.add(Pointer.to(new int[] {p.slot}));
    a.add(Pointer.to(new int[] {p.token}));
    a.add(Pointer.to(slots));
    a.add(Pointer.to(status.device()));
    a.add(Pointer.to(abortWords));
    LibraryLaunch w = p.work;
    switch (w.kernel()) {
      case FMA -> {
        a.add(Pointer.to(new int[] {w.iters()}));
        addFmaConstants(a);
      }
      case STREAM -> {
        a.add(Pointer.to(new int[] {w.elems()}));
        addStreamBuffers(a);
      }
      case MIXED -> {
        a.add(Pointer.to(new int[] {w.iters()}));
        a.add(Pointer.to(new int[] {w.elems()}));
        addStreamBuffers(a);
        addFmaConstants(a);
      }
      case SMOKE -> {
        if (smokeHits == null) throw new IllegalStateException("SMOKE kernel needs setSmokeBuffers first");
        a.add(Pointer.to(smokeHits));
        a.add(Pointer.to(smokeSmids));
        a.add(Pointer.to(smokePhys));
        a.add(Pointer.to(new int[] {w.spinNs()}));
      }
      default -> throw new IllegalArgumentException(w.kernel() + " is not an atom kernel");
    }
    return Pointer.to(a.toArray(new Pointer[0]));
  }

  private void addFmaConstants(List<Pointer> a) {
    a.add(Pointer.to(new float[] {0.999999f}));
    a.add(Pointer.to(new float[] {1e-6f}));
    a.add(Pointer.to(sink));
  }

  private void addStreamBuffers(List<Pointer> a) {
    ensureStreamBuffers();
    a.add(Pointer.to(bufA));
    a.add(Pointer.to(bufB));
    a.add(Pointer.to(new long[] {STREAM_BUF_ELEMS - 1}));
  }

  /** The two 256 MiB buffers streaming kernels copy between (allocated on first use). */
  public CUdeviceptr[] streamBuffers() {
    ensureStreamBuffers();
    return new CUdeviceptr[] {bufA, bufB};
  }

  private void ensureStreamBuffers() {
    if (bufA == null) {
      bufA = dev.alloc(STREAM_BUF_ELEMS * 16);
      bufB = dev.alloc(STREAM_BUF_ELEMS * 16);
    }
  }

  public CUdeviceptr sink() { return sink; }

  /**
   * Stops an atom: its blocks claim no more logical blocks (running ones finish). Best effort:
   * the abort word is copied on a high-priority stream, so blocks that claim before it lands
   * still run. The atom is reported finished by {@link #poll} with {@code claimed < count}.
   */
  public void abort(Pending p) {
    if (p.finished || p.abortRequested) return;
    p.abortRequested = true;
    if (p.inFlight) {
      abortSource.buffer().putInt(p.slot * 4, p.token);
      check(JCudaDriver.cuMemcpyHtoDAsync(abortWords.withByteOffset(4L * p.slot), abortSource.host().withByteOffset(4L * p.slot),
          4, control), "cuMemcpyHtoDAsync(abort word)");
    }
  }

  /** Atoms that finished since the last call (all blocks ran, or aborted), in GPU end-time order. */
  public List<Pending> poll() {
    List<Pending> done = null;
    long now = System.nanoTime();
    for (Iterator<Pending> it = active.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (p.inFlight) {
        int base = p.slot * STATUS_BYTES;
        if ((int) INT.getAcquire(status.buffer(), base + 20) != p.token) continue;
        p.inFlight = false;
        int ran = status.buffer().getInt(base + 16);
        long start = status.buffer().getLong(base);
        long end = status.buffer().getLong(base + 8);
        if (ran > 0 && p.firstStartGpuNs == 0) p.firstStartGpuNs = start;
        if (ran > 0 || p.lastEndGpuNs == 0) p.lastEndGpuNs = end;
        p.claimed += ran;
        p.zeroStreak = ran == 0 ? p.zeroStreak + 1 : 0;
        // Back off while the masked TPCs are held by other work, so relaunches do not flood the GPU.
        p.relaunchAtNs = now + (p.zeroStreak == 0 ? 0 : Math.min(1_000_000L, 5_000L << Math.min(p.zeroStreak, 8)));
      }
      if (p.claimed < p.count && !p.abortRequested) {
        if (now >= p.relaunchAtNs) {
          p.continuations++;
          relaunches++;
          issue(p);
        }
        continue;
      }
      p.finished = true;
      if (p.firstStartGpuNs == 0) p.firstStartGpuNs = p.lastEndGpuNs;
      it.remove();
      freeSlots.add(p.slot);
      releaseStream(p.stream);
      if (done == null) done = new ArrayList<>();
      done.add(p);
    }
    if (now - lastHealthCheckNs > 5_000_000L && !active.isEmpty()) {
      lastHealthCheckNs = now;
      healthCheck(now);
    }
    if (done == null) return List.of();
    done.sort((a, b) -> Long.compare(a.lastEndGpuNs, b.lastEndGpuNs));
    return done;
  }

  /** Surfaces kernel faults (sticky context errors) and completions that never got published. */
  private void healthCheck(long now) {
    for (Pending p : active) {
      if (!p.inFlight) continue;
      int r = JCudaDriver.cuStreamQuery(p.stream.stream);
      if (r == CUresult.CUDA_ERROR_NOT_READY) continue;
      check(r, "cuStreamQuery (atom " + p.work.kernel().symbol + ")");
      // The stream is idle but the status token was not seen: allow for write visibility, then fail.
      if (now - p.issuedNs > 2_000_000_000L) {
        throw new IllegalStateException("atom kernel " + p.work.kernel().symbol + " on stream finished but never published "
            + "its completion (slot " + p.slot + ")");
      }
    }
  }

  /** Polls until {@code p} finished; for measurements, not for the event loop. */
  public void await(Pending p) {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!p.finished) {
      poll();
      if (System.nanoTime() > deadline) throw new IllegalStateException("atom did not finish within 120 s");
      Thread.onSpinWait();
    }
  }

  /** Polls until nothing is in flight. */
  public void drain() {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!active.isEmpty()) {
      poll();
      if (System.nanoTime() > deadline) throw new IllegalStateException(active.size() + " atoms did not finish within 120 s");
      Thread.onSpinWait();
    }
  }

  /** A measured run: event time around the kernel(s), and the GPU's own first-block-to-last-block span. */
  public record Timed(double eventMs, double spanMs, int claimed, int continuations) {}

  /** Runs one atom alone and times it with CUDA events (for calibration; the GPU should be idle). */
  public Timed runTimed(LibraryLaunch work, int lo, int count, TpcSet mask) {
    return runAtomsTimed(work, lo, count, 1, mask, true);
  }

  /**
   * Cuts blocks {@code [lo, lo + count)} into {@code atoms} equal atoms on {@code mask} and runs
   * them back to back on one stream ({@code serial}, timed by events around all of them) or
   * all at once on separate streams (then only the GPU span is measured; eventMs is NaN).
   */
  public Timed runAtomsTimed(LibraryLaunch work, int lo, int count, int atoms, TpcSet mask, boolean serial) {
    if (atoms < 1 || atoms > count) throw new IllegalArgumentException("atoms must be in 1.." + count + ", was " + atoms);
    CUevent start = new CUevent(), stop = new CUevent();
    check(JCudaDriver.cuEventCreate(start, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
    check(JCudaDriver.cuEventCreate(stop, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
    StreamHandle s = acquireStream(dev.leastPriority);
    try {
      check(JCudaDriver.cuEventRecord(start, s.stream), "cuEventRecord");
      List<Pending> ps = new ArrayList<>(atoms);
      for (int i = 0; i < atoms; i++) {
        int a = lo + (int) ((long) count * i / atoms), b = lo + (int) ((long) count * (i + 1) / atoms);
        ps.add(launch(work, a, b - a, mask, dev.leastPriority, null, serial ? s : null));
      }
      check(JCudaDriver.cuEventRecord(stop, s.stream), "cuEventRecord");
      for (Pending p : ps) await(p);
      float[] ms = {Float.NaN};
      if (serial) {
        check(JCudaDriver.cuEventSynchronize(stop), "cuEventSynchronize");
        check(JCudaDriver.cuEventElapsedTime(ms, start, stop), "cuEventElapsedTime");
      }
      long first = ps.stream().mapToLong(p -> p.firstStartGpuNs).min().orElseThrow();
      long last = ps.stream().mapToLong(p -> p.lastEndGpuNs).max().orElseThrow();
      return new Timed(ms[0], (last - first) / 1e6, ps.stream().mapToInt(p -> p.claimed).sum(),
          ps.stream().mapToInt(p -> p.continuations).sum());
    } finally {
      releaseStream(s);
      JCudaDriver.cuEventDestroy(start);
      JCudaDriver.cuEventDestroy(stop);
    }
  }

  /**
   * Runs a plain (non-atom) kernel over {@code blocks} blocks, as {@code launches} back-to-back
   * launches of equal parts on one stream; event time in ms. {@code itersOrElems}: FMA iterations
   * (FMA_PLAIN) or float4 per block (STREAM_PLAIN).
   */
  public double runPlainTimed(LibKernel k, int blocks, int launches, int threads, int itersOrElems) {
    StreamHandle s = acquireStream(dev.leastPriority);
    CUevent start = new CUevent(), stop = new CUevent();
    check(JCudaDriver.cuEventCreate(start, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
    check(JCudaDriver.cuEventCreate(stop, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
    try {
      check(JCudaDriver.cuEventRecord(start, s.stream), "cuEventRecord");
      for (int i = 0; i < launches; i++) {
        int a = (int) ((long) blocks * i / launches), b = (int) ((long) blocks * (i + 1) / launches);
        launchPlain(k, a, b - a, threads, itersOrElems, s.stream);
      }
      check(JCudaDriver.cuEventRecord(stop, s.stream), "cuEventRecord");
      check(JCudaDriver.cuEventSynchronize(stop), "cuEventSynchronize");
      float[] ms = new float[1];
      check(JCudaDriver.cuEventElapsedTime(ms, start, stop), "cuEventElapsedTime");
      return ms[0];
    } finally {
      JCudaDriver.cuEventDestroy(start);
      JCudaDriver.cuEventDestroy(stop);
      releaseStream(s);
    }
  }

  private void launchPlain(LibKernel k, int base, int blocks, int threads, int itersOrElems, CUstream stream) {
    Pointer params = switch (k) {
      case FMA_PLAIN -> Pointer.to(Pointer.to(new int[] {base}), Pointer.to(new int[] {itersOrElems}),
          Pointer.to(new float[] {0.999999f}), Pointer.to(new float[] {1e-6f}), Pointer.to(sink));
      case STREAM_PLAIN -> {
        ensureStreamBuffers();
        yield Pointer.to(Pointer.to(new int[] {base}), Pointer.to(new int[] {itersOrElems}), Pointer.to(bufA), Pointer.to(bufB),
            Pointer.to(new long[] {STREAM_BUF_ELEMS - 1}));
      }
      default -> throw new IllegalArgumentException(k + " is not a plain kernel");
    };
    check(JCudaDriver.cuLaunchKernel(lib.function(k), blocks, 1, 1, threads, 1, 1, 0, stream, params, null),
        "cuLaunchKernel(" + k.symbol + ")");
  }

  /** Host time of one launch call of a 1-block plain kernel, µs (mean over {@code n} back-to-back calls). */
  public double plainLaunchApiUs(int n) {
    StreamHandle s = acquireStream(dev.leastPriority);
    try {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) launchPlain(LibKernel.FMA_PLAIN, 0, 1, 32, 0, s.stream);
      long t1 = System.nanoTime();
      check(JCudaDriver.cuStreamSynchronize(s.stream), "cuStreamSynchronize");
      return (t1 - t0) / 1000.0 / n;
    } finally {
      releaseStream(s);
    }
  }

  // ---- streams: one per in-flight atom where possible, so atoms never serialize by accident ----

  static final class StreamHandle {
    final CUstream stream;
    final int priority;
    int users;

    StreamHandle(CUstream stream, int priority) {
      this.stream = stream;
      this.priority = priority;
    }
  }

  private static final class PriorityStreams {
    final ArrayDeque<StreamHandle> idle = new ArrayDeque<>();
    final List<StreamHandle> all = new ArrayList<>();
    int rr;
  }

  private StreamHandle acquireStream(int cudaPriority) {
    PriorityStreams ps = streams.computeIfAbsent(cudaPriority, k -> new PriorityStreams());
    StreamHandle h = ps.idle.poll();
    if (h == null) {
      if (ps.all.size() < MAX_STREAMS_PER_PRIORITY) {
        CUstream s = new CUstream();
        check(JCudaDriver.cuStreamCreateWithPriority(s, CUstream_flags.CU_STREAM_NON_BLOCKING, cudaPriority),
            "cuStreamCreateWithPriority(" + cudaPriority + ")");
        h = new StreamHandle(s, cudaPriority);
        ps.all.add(h);
      } else {
        h = ps.all.get(ps.rr++ % ps.all.size()); // cap reached: share a stream (those atoms serialize)
      }
    }
    h.users++;
    return h;
  }

  private void releaseStream(StreamHandle h) {
    if (--h.users == 0) streams.get(h.priority).idle.push(h);
  }

  public int streamsCreated() {
    return streams.values().stream().mapToInt(ps -> ps.all.size()).sum();
  }

  @Override public void close() {
    dev.makeCurrent();
    JCudaDriver.cuCtxSynchronize();
    for (PriorityStreams ps : streams.values()) for (StreamHandle h : ps.all) JCudaDriver.cuStreamDestroy(h.stream);
    streams.clear();
    JCudaDriver.cuStreamDestroy(control);
  }
}
