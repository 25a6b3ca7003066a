package io.lithosj.cli;

import io.lithosj.backend.cuda.AtomEngine;
import io.lithosj.backend.cuda.Calibration;
import io.lithosj.backend.cuda.Calibrator;
import io.lithosj.backend.cuda.CudaBackend;
import io.lithosj.backend.cuda.CudaUnavailableException;
import io.lithosj.gpu.GpuSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lithos calibrate}: measures the GPU at hand and writes calibration/&lt;gpu&gt;/. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
    description = {"Measure the NVIDIA GPU at hand: latency of the kernel library on 1..all TPCs (fitted to m/n + b),",
        "bandwidth ceiling, launch and per-atom overhead, power against active TPCs, and check trace replay.",
        "Writes CSV files and calibration.json. Never changes clocks or power limits."})
public final class CalibrateCommand implements Callable<Integer> {
  @Option(names = "--out", description = "Output folder (default: calibration/<gpu id>).")
  Path out;

  @Option(names = "--gpu", description = "GPU preset the device is (default: detected).")
  String gpu;

  @Option(names = "--reps", defaultValue = "5", description = "Runs per point, median kept (default: ${DEFAULT-VALUE}).")
  int reps;

  @Option(names = "--tpcs", split = ",", description = "TPC counts of the scaling scans (default: 1,2,3,4,6,8,12,16,20,24,28,33,40,48,56,66).")
  int[] tpcs = Calibrator.DEFAULT_TPCS;

  @Option(names = "--skip-power", description = "Do not measure power (NVML).")
  boolean skipPower;

  @Option(names = "--power-seconds", defaultValue = "1.5", description = "Length of each power run, s (default: ${DEFAULT-VALUE}).")
  double powerSeconds;

  @Option(names = "--grid-factor", defaultValue = "2", description = "Physical blocks per resident slot: 2 keeps a second set queued to refill SMs that blocks yielded (default: ${DEFAULT-VALUE}).")
  double gridFactor;

  /** Parts that can be measured into an existing calibration. */
  enum Part { fill }

  @Option(names = "--only", description = "Measure one part into an existing calibration of this GPU: fill (the replay fill curve, "
      + "then the replay checks; default: everything).")
  Part only;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec command;

  @Override public Integer call() {
    GpuSpec preset = gpu != null ? GpuSpec.byId(gpu) : null;
    // NVML is opened by the calibrator itself (nvmlPeriodMs 0 here).
    try (CudaBackend backend = CudaBackend.open(new CudaBackend.Options(0, preset, null, gridFactor, 0))) {
      GpuSpec spec = backend.spec();
      Path dir = out != null ? out : Path.of("calibration", spec.id());
      AtomEngine eng = backend.engine();
      Calibrator calibrator = new Calibrator(eng, spec, new Calibrator.Options(dir, reps, tpcs, !skipPower, powerSeconds, gridFactor, spec),
          System.out);
      java.nio.file.attribute.FileTime started = FolderRecord.now();
      Calibration cal = only != null ? calibrator.runFill(Calibration.load(dir)) : calibrator.run();
      FolderRecord.write(command, dir, "calibrate", started, java.util.Map.of());
      System.out.printf("wrote %s (%.0f GB/s, launch %.1f us, atom %.1f us)%n", dir.resolve(Calibration.FILE),
          cal.memBandwidthGBps(), cal.launchOverheadUs(), cal.atomOverheadUs());
      return 0;
    } catch (CudaUnavailableException e) {
      System.err.println(e.getMessage());
      return 3;
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new CalibrateCommand()).execute(args));
  }
}
