package io.kamwarehouse.generate;

import static org.apache.parquet.schema.LogicalTypeAnnotation.dateType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.decimalType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;

/**
 * Writes finance/costs as Parquet (parquet-hadoop example Group API, local file, no Spark): DATE and
 * DECIMAL(18,2) logical types, UTF-8 strings, all columns optional. Defects: missing_required (null
 * revenue), out_of_range (negative cost), not_accepted (currency RMB) and duplicate_key (same row twice).
 */
final class CostsParquetWriter implements AutoCloseable {

    static final MessageType SCHEMA = Types.buildMessage()
            .optional(BINARY).as(stringType()).named("account_id")
            .optional(BINARY).as(stringType()).named("product_line")
            .optional(INT32).as(dateType()).named("cost_month")
            .optional(INT64).as(decimalType(2, 18)).named("revenue_amount")
            .optional(INT64).as(decimalType(2, 18)).named("cost_amount")
            .optional(BINARY).as(stringType()).named("currency_code")
            .named("costs");

    private static final String[] RULES = {Defect.MISSING_REQUIRED, Defect.OUT_OF_RANGE, Defect.NOT_ACCEPTED, Defect.DUPLICATE_KEY};
    private static final double RATE = Specs.RATE_LARGE;

    private final Path path;
    private final ParquetWriter<Group> writer;
    private final SimpleGroupFactory factory = new SimpleGroupFactory(SCHEMA);
    private final SplittableRandom defectRng;
    private final ProgressListener progress;
    private final Map<String, Long> defects = new TreeMap<>();
    private int nextRule;
    private long rows;
    private boolean closed;

    CostsParquetWriter(final Path path, final long defectSeed, final ProgressListener progress) {
        this.path = path;
        this.progress = progress;
        this.defectRng = new SplittableRandom(defectSeed);
        this.nextRule = defectRng.nextInt(RULES.length);
        final Configuration conf = new Configuration(false);
        try {
            writer = ExampleParquetWriter.builder(new LocalOutputFile(path))
                    .withConf(conf)
                    .withType(SCHEMA)
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .withDictionaryEncoding(true)
                    .build();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create " + path, e);
        }
    }

    void write(final String account, final String line, final int month, final long revenue, final long cost,
            final String currency) {
        final Group clean = group(account, line, month, revenue, cost, currency);
        if (defectRng.nextDouble() >= RATE) {
            emit(clean);
            return;
        }
        final String rule = RULES[nextRule];
        nextRule = (nextRule + 1) % RULES.length;
        defects.merge(rule, 1L, Long::sum);
        switch (rule) {
            case Defect.MISSING_REQUIRED -> emit(group(account, line, month, null, cost, currency));
            case Defect.OUT_OF_RANGE -> emit(group(account, line, month, revenue, -Math.max(100, cost), currency));
            case Defect.NOT_ACCEPTED -> emit(group(account, line, month, revenue, cost, "RMB"));
            default -> {
                emit(clean);
                emit(group(account, line, month, revenue, cost, currency));
            }
        }
    }

    private Group group(final String account, final String line, final int month, final Long revenue, final long cost,
            final String currency) {
        final Group g = factory.newGroup();
        g.append("account_id", account);
        g.append("product_line", line);
        g.append("cost_month", month);
        if (revenue != null) {
            g.append("revenue_amount", revenue.longValue());
        }
        g.append("cost_amount", cost);
        g.append("currency_code", currency);
        return g;
    }

    private void emit(final Group g) {
        try {
            writer.write(g);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
        rows++;
        if (rows % EntitySink.PROGRESS_EVERY == 0) {
            progress.progress("finance/costs: " + Fmt.count(rows) + " rows");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.close();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot close " + path, e);
        }
    }

    EntityReport report() {
        return new EntityReport(Specs.FINANCE, "costs", List.of(path), rows, defects);
    }
}
