package io.lithosj.jupyter.magic;

import io.lithosj.jupyter.eval.CellEvaluator;
import io.lithosj.jupyter.eval.CellFailure;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * {@code %time CODE} and {@code %%time} (the rest of the cell): runs the code and prints its wall time and
 * the CPU time the kernel process spent meanwhile. CPU time is the process's, not the cell thread's, because
 * a sweep runs on worker threads: a cell thread's own CPU time would read near zero for a 4-core sweep.
 */
final class TimeMagic {
    private TimeMagic() {}

    static CellEvaluator.Value time(String label, String code, CellRunner runner, PrintStream out) throws CellFailure {
        long cpu0 = processCpuNanos();
        long wall0 = System.nanoTime();
        try {
            return runner.run(label, code);
        } finally {
            long wall = System.nanoTime() - wall0;
            long cpu = processCpuNanos() - cpu0;
            if (cpu0 >= 0) out.printf(Locale.ROOT, "CPU time: %.3f s (all threads of the kernel)%n", cpu / 1e9);
            out.printf(Locale.ROOT, "Wall time: %.3f s%n", wall / 1e9);
        }
    }

    /** The process's CPU time, or -1 where the JVM cannot tell. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }
}
