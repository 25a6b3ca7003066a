package io.lithosj.cli;

import io.lithosj.backend.cuda.CudaBackend;
import io.lithosj.backend.cuda.CudaUnavailableException;
import io.lithosj.backend.cuda.GpuSmoke;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lithos gpu-smoke}: checks TPC-masked atoms on the real GPU. */
@Command(name = "gpu-smoke", mixinStandardHelpOptions = true,
    description = {"Launch masked atoms on the NVIDIA GPU at hand and verify that every logical block ran exactly once",
        "and only on SMs of masked TPCs (also: concurrent, starved, aborted atoms and the GpuBackend contract).",
        "Exit code 0 when all checks pass, 1 when one fails, 3 without a GPU."})
public final class GpuSmokeCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = ".", description = "Folder for gpu_smoke.csv (default: the current folder).")
  Path out;

  @Option(names = "--grid-factor", defaultValue = "2", description = "Physical blocks per resident slot: 2 keeps a second set queued to refill SMs that blocks yielded (default: ${DEFAULT-VALUE}).")
  double gridFactor;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override public Integer call() {
    CudaBackend.Options d = CudaBackend.Options.defaults();
    try (CudaBackend backend = CudaBackend.open(new CudaBackend.Options(d.deviceOrdinal(), null, null, gridFactor, d.nvmlPeriodMs()))) {
      System.out.println("gpu-smoke on " + backend.device() + ", grid factor " + gridFactor + ", calibration: " + backend.calibrationSource());
      if (backend.nvmlMissing() != null) System.out.println(backend.nvmlMissing());
      java.nio.file.attribute.FileTime started = FolderRecord.now();
      int failed = new GpuSmoke(backend, out, System.out).run();
      FolderRecord.write(spec, out, "gpu_smoke", started, java.util.Map.of());
      System.out.println(backend.stats());
      return failed == 0 ? 0 : 1;
    } catch (CudaUnavailableException e) {
      System.err.println(e.getMessage());
      return 3;
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new GpuSmokeCommand()).execute(args));
  }
}
