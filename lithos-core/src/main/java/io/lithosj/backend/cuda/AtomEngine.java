package io.lithosj.backend.cuda;

import static io.lithosj.backend.cuda.CudaException.check;

import io.lithosj.gpu.TpcSet;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
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
  private static final int WANT_STAGE_RING = 64;
  private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
  private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private final CudaDevice dev;
  private final KernelLibrary lib;
  private final DevPtr slots;
  private final DevPtr abortWords;
  private final CudaDevice.Mapped status;
  private final CudaDevice.Mapped abortSource;
  private final DevPtr sink;
  private DevPtr bufA, bufB;
  private DevPtr smokeHits, smokeSmids, smokePhys;
  private final CUstream control;
  /** Per priority level (0 = most urgent) the TPCs wanted by in-flight atoms of more urgent levels, as kernels read it. */
  private final DevPtr wantAbove;
  private final CudaDevice.Mapped wantStage;
  private final int[][] wantCount;
  private final int[] atomsAtLevel;
  private boolean wantDirty;
  private int wantStageNext;
  private long wantPushes;
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
    int levels = dev.leastPriority - dev.greatestPriority + 1;
    wantAbove = dev.alloc(16L * levels);
    wantStage = dev.allocMapped(16L * levels * WANT_STAGE_RING);
    wantCount = new int[levels][TpcSet.MAX_TPCS];
    atomsAtLevel = new int[levels];
    for (int i = 0; i < SLOTS; i++) freeSlots.add(i);
    control = new CUstream();
    check(JCudaDriver.cuStreamCreateWithPriority(control, CUstream_flags.CU_STREAM_NON_BLOCKING, dev.greatestPriority),
        "cuStreamCreateWithPriority(control)");
    // Stream creation takes long enough to serialize atoms launched together; make a few up front.
    for (int prio = dev.greatestPriority; prio <= dev.leastPriority; prio++) {
      List<StreamHandle> warm = new ArrayList<>();
      for (int i = 0; i < 4; i++) warm.add(acquireStream(prio));
      warm.forEach(this::releaseStream);
    }
    calibrateClock();
    // One atom of one block through the packed parameter path: it must run exactly that block.
    Pending probeAtom = launch(LibraryLaunch.fma(32, 1, 0), 0, 1, TpcSet.range(0, dev.tpcCount()), dev.leastPriority, null);
    await(probeAtom);
    if (probeAtom.claimed != 1) {
      throw new IllegalStateException("self-test atom ran " + probeAtom.claimed + " blocks instead of 1 (kernel parameters "
          + (packedParams ? "packed" : "in cells") + ")");
    }
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
  public void setSmokeBuffers(DevPtr hits, DevPtr smids, DevPtr phys) {
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
      cells.reset().ptr(probe.device());
      long t0 = System.nanoTime();
      launchKernel(LibKernel.CLOCK_PROBE, 1, 32, 0, control);
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
    recentProbes.clear();
    recentProbes.add(new long[] {bestWidth, clockOffsetNs, System.nanoTime()});
    lastProbeNs = System.nanoTime();
  }

  private final ArrayDeque<long[]> recentProbes = new ArrayDeque<>(); // {width, offset, hostNs}
  private long probeT0;
  private long lastProbeNs;

  /**
   * Keeps the GPU-to-host clock offset fresh while atoms run (%globaltimer drifts against the
   * host clock by microseconds per second): every 250 ms one probe kernel on the control stream,
   * read back without waiting; the offset is taken from the tightest of the last 8 probes.
   */
  private void probeClock(long now) {
    if (probeT0 != 0) {
      long g = (long) LONG.getAcquire(probe.buffer(), 0);
      if (g == 0) return;
      now = System.nanoTime();
      long width = now - probeT0;
      recentProbes.addLast(new long[] {width, g - (probeT0 + width / 2), now});
      while (recentProbes.size() > 8) recentProbes.removeFirst();
      long[] best = recentProbes.stream().min((a, b) -> Long.compare(a[0], b[0])).orElseThrow();
      clockOffsetNs = best[1];
      clockUncertaintyUs = best[0] / 2000.0;
      probeT0 = 0;
      lastProbeNs = now;
    } else if (now - lastProbeNs > 250_000_000L) {
      probe.buffer().putLong(0, 0L);
      cells.reset().ptr(probe.device());
      probeT0 = System.nanoTime();
      launchKernel(LibKernel.CLOCK_PROBE, 1, 32, 0, control);
    }
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
    want(p, +1);
    issue(p);
    return p;
  }

  public int clampPriority(int cudaPriority) {
    return Math.max(dev.greatestPriority, Math.min(dev.leastPriority, cudaPriority));
  }

  private void issue(Pending p) {
    flushWants(); // its blocks must see the TPCs more urgent atoms want
    LibraryLaunch w = p.work;
    int lo = p.lo + p.claimed;
    int count = p.count - p.claimed;
    INT.setRelease(status.buffer(), p.slot * STATUS_BYTES + 20, 0); // clear the token before (re)launch
    int grid = physicalBlocks(w);
    int smem = lib.smemForResidency(w.kernel(), w.threadsPerBlock(), w.blocksPerSm());
    params(p, lo, count);
    p.issuedNs = System.nanoTime();
    launchKernel(w.kernel(), grid, w.threadsPerBlock(), smem, p.stream.stream);
    p.inFlight = true;
    launches++;
  }

  public int physicalBlocks(LibraryLaunch w) {
    return (int) Math.ceil(gridFactor * dev.smCount * w.blocksPerSm());
  }

  /**
   * Kernel parameters written once into direct memory, never as one pinned Java array per
   * parameter (JCuda's slow path). Packed: laid out as the kernel's parameter block (each value
   * aligned to its size) and passed as one buffer through {@code extra}. Cells: one 8-byte cell
   * per parameter behind a prebuilt pointer array, the fallback if a driver refuses the packed form.
   */
  static final class ParamCells {
    static final int CELLS = 24;
    final ByteBuffer cellBuf = ByteBuffer.allocateDirect(CELLS * 8).order(ByteOrder.nativeOrder());
    final ByteBuffer packed = ByteBuffer.allocateDirect(CELLS * 8).order(ByteOrder.nativeOrder());
    final ByteBuffer packedSize = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
    final Pointer kernelParams;
    final Pointer extra;
    private int n;
    private int off;

    ParamCells() {
      Pointer base = Pointer.to(cellBuf);
      Pointer[] cells = new Pointer[CELLS];
      for (int i = 0; i < CELLS; i++) cells[i] = base.withByteOffset(8L * i);
      kernelParams = Pointer.to(cells);
      extra = Pointer.to(JCudaDriver.CU_LAUNCH_PARAM_BUFFER_POINTER, Pointer.to(packed),
          JCudaDriver.CU_LAUNCH_PARAM_BUFFER_SIZE, Pointer.to(packedSize), JCudaDriver.CU_LAUNCH_PARAM_END);
    }

    ParamCells reset() { n = 0; off = 0; return this; }

    ParamCells i32(int v) {
      cellBuf.putInt(8 * n++, v);
      off = (off + 3) & ~3;
      packed.putInt(off, v);
      off += 4;
      packedSize.putLong(0, off);
      return this;
    }

    ParamCells i64(long v) {
      cellBuf.putLong(8 * n++, v);
      off = (off + 7) & ~7;
      packed.putLong(off, v);
      off += 8;
      packedSize.putLong(0, off);
      return this;
    }

    ParamCells f32(float v) { return i32(Float.floatToRawIntBits(v)); }
    ParamCells ptr(DevPtr p) { return i64(p.address()); }
  }

  private final ParamCells cells = new ParamCells();
  private boolean packedParams = true;

  /** Launches with the parameters in {@link #cells}; falls back to cells for good if packed ones are refused. */
  private void launchKernel(LibKernel k, int grid, int threads, int smem, CUstream stream) {
    if (packedParams) {
      int r;
      try {
        r = JCudaDriver.cuLaunchKernel(lib.function(k), grid, 1, 1, threads, 1, 1, smem, stream, null, cells.extra);
      } catch (RuntimeException e) { // a JCuda build that insists on kernelParams
        r = CUresult.CUDA_ERROR_INVALID_VALUE;
      }
      if (r == CUresult.CUDA_SUCCESS) return;
      if (r != CUresult.CUDA_ERROR_INVALID_VALUE) check(r, "cuLaunchKernel(" + k.symbol + ")");
      packedParams = false; // this driver wants kernelParams: use the cells from now on
    }
    check(JCudaDriver.cuLaunchKernel(lib.function(k), grid, 1, 1, threads, 1, 1, smem, stream, cells.kernelParams, null),
        "cuLaunchKernel(" + k.symbol + ")");
  }

  /** Whether launches pass one packed parameter buffer (else one cell per parameter). */
  public boolean packedParams() { return packedParams; }

  private void params(Pending p, int lo, int count) {
    ParamCells c = cells.reset();
    c.i64(p.mask.lowWord()).i64(p.mask.highWord()).i32(1) // tpcShift: 2 SMs per TPC on Ampere and Hopper
        .i32(lo).i32(count).i32(p.slot).i32(p.token).ptr(slots).ptr(status.device()).ptr(abortWords)
        .i32(level(p.cudaPriority)).ptr(wantAbove);
    LibraryLaunch w = p.work;
    switch (w.kernel()) {
      case FMA -> fmaConstants(c.i32(w.iters()));
      case STREAM -> streamBuffers(c.i32(w.elems()));
      case MIXED -> fmaConstants(streamBuffers(c.i32(w.iters()).i32(w.elems())));
      case SMOKE -> {
        if (smokeHits == null) throw new IllegalStateException("SMOKE kernel needs setSmokeBuffers first");
        c.ptr(smokeHits).ptr(smokeSmids).ptr(smokePhys).i32(w.spinNs());
      }
      default -> throw new IllegalArgumentException(w.kernel() + " is not an atom kernel");
    }
  }

  private ParamCells fmaConstants(ParamCells c) {
    return c.f32(0.999999f).f32(1e-6f).ptr(sink);
  }

  private ParamCells streamBuffers(ParamCells c) {
    ensureStreamBuffers();
    return c.ptr(bufA).ptr(bufB).i64(STREAM_BUF_ELEMS - 1);
  }

  /** The two 256 MiB buffers streaming kernels copy between (allocated on first use). */
  public DevPtr[] streamBuffers() {
    ensureStreamBuffers();
    return new DevPtr[] {bufA, bufB};
  }

  private void ensureStreamBuffers() {
    if (bufA == null) {
      bufA = dev.alloc(STREAM_BUF_ELEMS * 16);
      bufB = dev.alloc(STREAM_BUF_ELEMS * 16);
    }
  }

  public DevPtr sink() { return sink; }

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
        p.relaunchAtNs = now + (long) (io.lithosj.backend.DispatchModel.relaunchBackoffUs(p.zeroStreak) * 1000);
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
      want(p, -1);
      freeSlots.add(p.slot);
      releaseStream(p.stream);
      if (done == null) done = new ArrayList<>();
      done.add(p);
    }
    if (done != null) {
      // TPCs were freed: atoms waiting to relaunch their rest try again at once.
      for (Pending p : active) if (!p.inFlight) p.relaunchAtNs = 0;
    }
    flushWants();
    probeClock(now);
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
    ParamCells c = cells.reset().i32(base).i32(itersOrElems);
    switch (k) {
      case FMA_PLAIN -> fmaConstants(c);
      case STREAM_PLAIN -> streamBuffers(c);
      default -> throw new IllegalArgumentException(k + " is not a plain kernel");
    }
    launchKernel(k, blocks, threads, 0, stream);
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

  // ---- priorities: which TPCs more urgent atoms want ---------------------------------------

  /** Priority level of a CUDA stream priority: 0 for the most urgent. */
  int level(int cudaPriority) { return cudaPriority - dev.greatestPriority; }

  private void want(Pending p, int delta) {
    int lvl = level(p.cudaPriority);
    atomsAtLevel[lvl] += delta;
    for (int t = p.mask.first(); t >= 0; t = p.mask.next(t + 1)) {
      int before = wantCount[lvl][t];
      wantCount[lvl][t] += delta;
      if ((before == 0) != (wantCount[lvl][t] == 0)) wantDirty = true;
    }
  }

  /**
   * Copies the wanted-TPC masks to the GPU when they changed and some in-flight atom is less
   * urgent than another (with a single level nothing can be outranked, so nothing is copied).
   * Asynchronous on the high-priority control stream, through a ring of pinned staging buffers.
   */
  private void flushWants() {
    if (!wantDirty) return;
    int mostUrgent = -1, leastUrgent = -1;
    for (int l = 0; l < atomsAtLevel.length; l++) {
      if (atomsAtLevel[l] == 0) continue;
      if (mostUrgent < 0) mostUrgent = l;
      leastUrgent = l;
    }
    if (mostUrgent == leastUrgent && !anyWantedOnDevice) { wantDirty = false; return; }
    int levels = atomsAtLevel.length, off = 16 * levels * wantStageNext;
    wantStageNext = (wantStageNext + 1) % WANT_STAGE_RING;
    boolean any = false;
    long aboveLo = 0, aboveHi = 0; // union of the levels more urgent than l
    for (int l = 0; l < levels; l++) {
      wantStage.buffer().putLong(off + 16 * l, aboveLo);
      wantStage.buffer().putLong(off + 16 * l + 8, aboveHi);
      any |= (aboveLo | aboveHi) != 0;
      for (int t = 0; t < TpcSet.MAX_TPCS && l < leastUrgent; t++) { // only less urgent atoms can be outranked
        if (wantCount[l][t] == 0) continue;
        if (t < 64) aboveLo |= 1L << t; else aboveHi |= 1L << (t - 64);
      }
    }
    check(JCudaDriver.cuMemcpyHtoDAsync(wantAbove, wantStage.host().withByteOffset(off), 16L * levels, control),
        "cuMemcpyHtoDAsync(wanted TPC masks)");
    anyWantedOnDevice = any;
    wantDirty = false;
    wantPushes++;
  }

  private boolean anyWantedOnDevice;

  /** How often the wanted-TPC masks were copied to the GPU. */
  public long wantPushes() { return wantPushes; }

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
