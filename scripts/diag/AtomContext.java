// The same FMA atom in three contexts, to find why HP atoms under the static TPC split ran faster
// than alone (results/h100-real/alone/kernels.md, stacking-demo/mig). On a GPU host, with the bundle:
//   /tmp/lithos/runtime/bin/java -cp /tmp/lithos/lib/lithos.jar scripts/diag/AtomContext.java OUT.csv
// Contexts: back to back (as calibrate measures), after 1 ms idle (as a lightly loaded service
// launches), and beside a long BE atom on the other TPCs (the static split). Event-timed medians,
// GPU span, and NVML's SM clock over each case. Reads the GPU; never sets clocks.
import io.lithosj.backend.cuda.AtomEngine;
import io.lithosj.backend.cuda.CudaBackend;
import io.lithosj.backend.cuda.LibraryLaunch;
import io.lithosj.backend.cuda.NvmlSampler;
import io.lithosj.gpu.TpcSet;
import io.lithosj.stats.Stats;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

public class AtomContext {
  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "atom-context.csv");
    try (CudaBackend b = CudaBackend.open(CudaBackend.Options.defaults());
         PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
      AtomEngine e = b.engine();
      int n = b.spec().tpcCount();
      w.println("context,tpcs,blocks,threads,blocksPerSm,iters,eventUsMedian,spanUsMedian,smMhzMean,reps");
      for (int r = 0; r < 300; r++) e.runTimed(LibraryLaunch.fma(256, 8, 1024), 0, 8448, TpcSet.range(0, n)); // warm up
      TpcSet half = TpcSet.range(0, 32), rest = TpcSet.range(32, n), all = TpcSet.range(0, n);
      int[][] shapes = {{264, 555}, {264, 623}, {264, 1123}, {132, 600}, {528, 555}, {2112, 555}};
      for (int[] sh : shapes) {
        for (TpcSet mask : new TpcSet[] {half, all}) {
          for (String ctx : new String[] {"back-to-back", "after-1ms-idle", "beside-be"}) {
            if (ctx.equals("beside-be") && mask == all) continue;
            AtomEngine.Pending be = ctx.equals("beside-be")
                ? e.launch(LibraryLaunch.fma(256, 8, 1409), 0, 50_000_000, rest, e.device().leastPriority, null) : null;
            if (be != null) Thread.sleep(5);
            int reps = 41;
            double[] ev = new double[reps], sp = new double[reps];
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
              if (ctx.equals("after-1ms-idle")) Thread.sleep(1);
              AtomEngine.Timed t = e.runTimed(LibraryLaunch.fma(256, 8, sh[1]), 0, sh[0], mask);
              ev[i] = t.eventMs() * 1000;
              sp[i] = t.spanMs() * 1000;
            }
            long t1 = System.nanoTime();
            if (be != null) {
              e.abort(be);
              e.await(be);
            }
            double mhz = b.nvmlSamples().stream().filter(s -> s.hostNs() >= t0 && s.hostNs() <= t1)
                .mapToInt(NvmlSampler.Sample::smMhz).average().orElse(Double.NaN);
            w.printf(Locale.ROOT, "%s,%d,%d,256,8,%d,%.2f,%.2f,%.0f,%d%n", ctx, mask.size(), sh[0], sh[1], Stats.median(ev), Stats.median(sp), mhz, reps);
            w.flush();
          }
        }
      }
    }
    System.out.println(Files.readString(out));
  }
}
