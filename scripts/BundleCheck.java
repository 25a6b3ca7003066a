// Run by scripts/bundle.sh with the bundle's own runtime and jar (java BundleCheck.java), so it
// does not steer the jar minimization: exercises the libraries that load classes by reflection
// or read resources, and fails loudly when the minimized jar or the jlink'd runtime lacks something.
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

public class BundleCheck {
  public record Point(String name, double latencyMs, List<Integer> tpcs) {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("lithos-bundle-check");
    // Jackson JSON + YAML with records
    Point p = new Point("fma", 0.153, List.of(1, 2, 66));
    ObjectMapper json = new ObjectMapper();
    check(json.readValue(json.writeValueAsString(p), Point.class).equals(p), "jackson json");
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    check(yaml.readValue(yaml.writeValueAsString(p), Point.class).equals(p), "jackson yaml");
    // Tablesaw: build, write, read back from a file (charset detection), summarize
    Table t = Table.create("t", StringColumn.create("kernel", "fma", "stream", "fma"), DoubleColumn.create("ms", 1.5, 2.25, 3.25));
    Path csv = dir.resolve("t.csv");
    t.write().csv(csv.toString());
    Table back = Table.read().csv(csv.toString());
    check(back.rowCount() == 3 && back.numberColumn("ms").sum() == 7.0, "tablesaw csv");
    check(back.summarize("ms", tech.tablesaw.aggregate.AggregateFunctions.mean).by("kernel").rowCount() == 2, "tablesaw summarize");
    // XChart PNG + SVG + PDF
    XYChart chart = new XYChart(400, 300);
    chart.addSeries("s", new double[] {1, 2, 3}, new double[] {3, 1, 2});
    BitmapEncoder.saveBitmap(chart, dir.resolve("c").toString(), BitmapEncoder.BitmapFormat.PNG);
    VectorGraphicsEncoder.saveVectorGraphic(chart, dir.resolve("c").toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    VectorGraphicsEncoder.saveVectorGraphic(chart, dir.resolve("c").toString(), VectorGraphicsEncoder.VectorGraphicsFormat.PDF);
    check(Files.size(dir.resolve("c.png")) > 0 && Files.size(dir.resolve("c.svg")) > 0 && Files.size(dir.resolve("c.pdf")) > 0, "xchart");
    // HdrHistogram
    Histogram h = new Histogram(3);
    h.recordValue(42);
    check(h.getValueAtPercentile(50) == 42, "hdrhistogram");
    // JNA native dispatch
    com.sun.jna.Pointer mem = new com.sun.jna.Memory(8);
    mem.setLong(0, 7L);
    check(mem.getLong(0) == 7L, "jna");
    // PTX resources and the CUDA backend's availability check (one sentence without a GPU)
    check(ClassLoader.getSystemResource("ptx/lithos_kernels_sm90.ptx") != null, "ptx resource");
    String why = io.lithosj.backend.cuda.CudaDevice.unavailableReason();
    System.out.println("cuda: " + (why == null ? "GPU usable" : why));
    // JShell (the notebook kernel needs jdk.jshell and jdk.compiler in the runtime)
    try (jdk.jshell.JShell js = jdk.jshell.JShell.create()) {
      check(js.eval("1 + 2").get(0).value().equals("3"), "jshell");
    }
    System.out.println("bundle check passed: " + Map.of("dir", dir));
  }

  static void check(boolean ok, String what) {
    if (!ok) throw new AssertionError("bundle check failed: " + what);
    System.out.println("ok " + what);
  }
}
