package io.lithosj.spark;

import io.lithosj.sweep.PointRunner;
import io.lithosj.sweep.SweepPoint;
import io.lithosj.sweep.SweepRow;
import java.io.File;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * Runs points as Spark tasks, one task per point (a point is seconds of work, so a task's
 * scheduling cost, milliseconds, is small beside it, and the progress count is per point). The
 * points' rows come back in point order: {@code collect} keeps partition order, and partition i
 * holds point i.
 */
public final class SparkRunner implements PointRunner, AutoCloseable {
  private final SparkSession spark;
  private final JavaSparkContext jsc;
  private final int partitions; // 0: one per point

  private SparkRunner(SparkSession spark, int partitions) {
    this.spark = spark;
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.partitions = partitions;
  }

  /**
   * The same session with the points cut into {@code n} tasks of consecutive points (0: one task
   * per point, the default). The rows do not change with {@code n}; only the scheduling grain does.
   */
  public SparkRunner withPartitions(int n) {
    if (n < 0) throw new IllegalArgumentException("partitions: must be >= 0 (0 = one per point), was " + n);
    return new SparkRunner(spark, n);
  }

  /** A Spark session on {@code master} ({@code local[*]}, {@code local[2]}, {@code spark://host:7077}, ...). */
  public static SparkRunner start(String master) {
    // Netty reads this before the first buffer; the other Java 17 flags are in the jar's manifest (pom.xml)
    System.setProperty("io.netty.tryReflectionSetAccessible", "true");
    SparkSession.Builder b = SparkSession.builder().master(master).appName("lithos")
        .config("spark.ui.enabled", "false")              // no web UI port and a faster start
        .config("spark.ui.showConsoleProgress", "false")  // our own progress lines instead of Spark's bar
        .config("spark.sql.shuffle.partitions", "1")      // the only shuffle is the one-file Parquet write
        .config("spark.sql.debug.maxToStringFields", "1000"); // a sweep table is wider than the default 25 (a warning each write)
    if (master.startsWith("local")) {
      b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
    } else {
      // executors of a cluster need the simulator's classes: ship the jars they come from (Spark's own are there)
      b.config("spark.jars", String.join(",", jarsFor(SweepPoint.class, SparkRunner.class, org.HdrHistogram.Histogram.class,
          it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap.class, com.fasterxml.jackson.dataformat.yaml.YAMLFactory.class,
          org.yaml.snakeyaml.Yaml.class, com.univocity.parsers.csv.CsvWriter.class)));
    }
    return new SparkRunner(b.getOrCreate(), 0);
  }

  private static List<String> jarsFor(Class<?>... classes) {
    Set<String> out = new LinkedHashSet<>();
    for (Class<?> c : classes) {
      try {
        File f = new File(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (f.isFile()) out.add(f.getAbsolutePath());
      } catch (URISyntaxException | NullPointerException e) {
        throw new IllegalStateException("cannot find the jar of " + c.getName() + " to ship to the executors", e);
      }
    }
    return new ArrayList<>(out);
  }

  public SparkSession session() { return spark; }

  public String master() { return spark.sparkContext().master(); }

  @Override
  public List<List<SweepRow>> run(List<SweepPoint> points, Consumer<String> progress) {
    if (points.isEmpty()) return List.of();
    int tasks = partitions == 0 ? points.size() : Math.min(partitions, points.size());
    Progress listener = new Progress(points, tasks, progress);
    spark.sparkContext().addSparkListener(listener);
    try {
      List<List<SweepRow>> rows = jsc.parallelize(points, tasks).map(SweepPoint::run).collect();
      listener.awaitAll(); // listener events trail the job: without this the last lines could be lost
      return rows;
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
  }

  @Override
  public void close() { spark.stop(); }

  /** Counts finished tasks and names each (its point, when a task is one point), on Spark's listener thread. */
  private static final class Progress extends SparkListener {
    private final List<SweepPoint> points;
    private final int tasks;
    private final Consumer<String> out;
    private final AtomicInteger done = new AtomicInteger();
    private final CountDownLatch all;

    Progress(List<SweepPoint> points, int tasks, Consumer<String> out) {
      this.points = points;
      this.tasks = tasks;
      this.out = out;
      this.all = new CountDownLatch(tasks);
    }

    /** Waits (at most 10 s: progress is not worth hanging a finished job for) until every task's end was heard. */
    void awaitAll() {
      try {
        all.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
      if (!e.taskInfo().successful()) return;
      int i = e.taskInfo().index();
      String what = tasks == points.size() && i >= 0 && i < points.size() ? "point " + i + " (" + points.get(i).policy() + ")"
          : "task " + i + " of " + tasks;
      out.accept("[" + done.incrementAndGet() + "/" + tasks + "] " + what);
      all.countDown();
    }
  }
}
