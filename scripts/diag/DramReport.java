import io.lithosj.kernel.Kernel;
import io.lithosj.workload.trace.ModelZoo;
import io.lithosj.workload.trace.ZooModel;

/**
 * Per trace: the modeled DRAM traffic (bytes the fitted or measured work profiles put on DRAM, over the
 * whole-GPU kernel time) and how well the kernels reproduce the latencies measured on 64 and 8 SMs.
 * Run from the repository root after a build:
 *   java -cp lithos-core/target/lithos.jar scripts/diag/DramReport.java [trace ids...]
 */
public class DramReport {
  public static void main(String[] args) {
    ModelZoo zoo = ModelZoo.defaultZoo();
    var ids = args.length > 0 ? java.util.List.of(args) : zoo.ids();
    System.out.printf("%-36s %6s %9s %10s %12s %9s %9s %8s%n", "trace", "kernels", "dramMeas", "modeledGBps",
        "measuredGBps", "mod/meas64", "mod/meas8", "fitRms");
    for (String id : ids) {
      ZooModel m = zoo.get(id);
      double bytes = 0, measBytes = 0, us = 0, measured = 0;
      for (ZooModel.Fitted f : m.fitted()) {
        Kernel k = f.kernel();
        bytes += k.blocks() * k.work().blockDramBytes();
        us += f.record().durationUs();
        if (f.record().hasDramBytes()) { measBytes += f.record().dramBytes(); measured++; }
      }
      System.out.printf("%-36s %6d %8.0f%% %10.0f %12s %9.3f %9.3f %8.3f%n", id, m.fitted().size(),
          100 * measured / m.fitted().size(), bytes / (us * 1000), measured > 0 ? String.format("%.0f", measBytes / (us * 1000)) : "-",
          m.modeledOverMeasuredAt(64), m.modeledOverMeasuredAt(8), m.fitRmsLogError());
    }
  }
}
