package io.lithosj.spark;

import io.lithosj.sweep.SweepResult;
import io.lithosj.sweep.SweepRow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** A sweep's table as Parquet (a directory with one part file), columns typed as in {@link SweepResult#table}. */
public final class ParquetTable {
  private ParquetTable() {}

  public static StructType schema(SweepResult r) {
    List<StructField> f = new ArrayList<>();
    f.add(DataTypes.createStructField("point", DataTypes.IntegerType, false));
    f.add(DataTypes.createStructField("policy", DataTypes.StringType, false));
    for (String a : r.axisNames()) f.add(DataTypes.createStructField(a, DataTypes.StringType, false));
    List<Object> sample = r.rows().isEmpty() ? null : r.rows().get(0).values();
    for (int m : r.metricColumns()) {
      Object v = sample == null ? "" : sample.get(m);
      DataType t = v instanceof Double ? DataTypes.DoubleType : v instanceof Long ? DataTypes.LongType : DataTypes.StringType;
      f.add(DataTypes.createStructField(SweepRow.METRICS.get(m), t, false));
    }
    return DataTypes.createStructType(f);
  }

  public static Dataset<Row> frame(SparkSession spark, SweepResult r) {
    List<Row> rows = new ArrayList<>();
    for (SweepRow s : r.rows()) {
      List<Object> v = new ArrayList<>(List.of(s.point(), s.policy()));
      v.addAll(s.key());
      v.addAll(r.metricValues(s));
      rows.add(RowFactory.create(v.toArray()));
    }
    return spark.createDataFrame(rows, schema(r));
  }

  /** Writes {@code dir} (replaced if present) as one Parquet file, rows in the table's order. */
  public static void write(SparkSession spark, SweepResult r, Path dir) {
    frame(spark, r).coalesce(1).write().mode(SaveMode.Overwrite).parquet(dir.toAbsolutePath().toString());
  }
}
