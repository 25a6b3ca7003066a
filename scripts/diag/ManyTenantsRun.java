import io.lithosj.bench.ManyTenants;
import io.lithosj.experiment.RunResult;
import io.lithosj.experiment.Runner;

/**
 * Issue 16's check "the 50-tenant, 60 s LithOS run finishes in under 5 minutes": one run of lithos-bench's
 * ManyTenants (half HP inference services sharing 2,000 requests/s, half BE training jobs) under LithOS, timed.
 *   mvn -q -B -o -pl lithos-bench -am package -DskipTests
 *   java -cp lithos-bench/target/benchmarks.jar scripts/diag/ManyTenantsRun.java [tenants] [simulated ms]
 */
public class ManyTenantsRun {
  public static void main(String[] args) {
    int tenants = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    double ms = args.length > 1 ? Double.parseDouble(args[1]) : 60_000;
    long t0 = System.nanoTime();
    RunResult r = Runner.run(ManyTenants.scenario(tenants, "lithos", ms));
    System.out.printf("%d tenants, %.0f simulated ms under lithos: %.1f s wall (%d tenants in the result)%n", tenants, ms,
        (System.nanoTime() - t0) / 1e9, r.tenants().size());
  }
}
