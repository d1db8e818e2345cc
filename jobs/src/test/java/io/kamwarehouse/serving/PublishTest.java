package io.kamwarehouse.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.runtime.Progress;
import io.kamwarehouse.runtime.Warehouse;
import io.kamwarehouse.testing.SharedPostgres;
import io.kamwarehouse.testing.SharedSpark;

/**
 * Publishing gold tables to PostgreSQL: types kept, versions recorded, unchanged versions not
 * copied again, a reader never sees a missing or half-published table, the reader role cannot
 * write, and a team role sees only its teams' rows.
 */
class PublishTest {

    private static final StructType SCORES = new StructType()
            .add("employee_id", DataTypes.StringType, false)
            .add("team_id", DataTypes.StringType, true)
            .add("period_start_date", DataTypes.DateType, true)
            .add("bonus_amount", DataTypes.createDecimalType(18, 2), true)
            .add("detail", new StructType().add("kpi", DataTypes.StringType).add("score", DataTypes.DoubleType), true);

    @TempDir
    Path dir;

    private static ServingConfig config(final String schema) {
        return ServingConfig.parse("test", "schema: x").withSchema(schema);
    }

    private static Row score(final String employee, final String team, final String amount) {
        return RowFactory.create(employee, team, Date.valueOf("2026-09-01"), new BigDecimal(amount),
                RowFactory.create("win_rate", 0.5));
    }

    private static void write(final Warehouse wh, final String table, final List<Row> rows) {
        wh.spark().createDataFrame(rows, SCORES).coalesce(1).write().format("delta").mode(SaveMode.Overwrite)
                .option("overwriteSchema", "true").save(wh.tablePath(table));
    }

    private static Publisher publisher(final Warehouse wh, final ServingConfig cfg) {
        return new Publisher(wh, cfg, SharedPostgres.target(), Progress.silent());
    }

    private static List<List<String>> query(final Connection c, final String sql) throws SQLException {
        final List<List<String>> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            final int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                final List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    @Test
    void publishedTableKeepsDecimalsAndDatesAndRecordsItsDeltaVersion() throws SQLException {
        final Warehouse wh = SharedSpark.context(dir).warehouse();
        write(wh, "fct_fixture_bonus", List.of(score("E1", "T01", "1234.50"), score("E2", "T02", "0.05")));
        final List<Publisher.Result> r = publisher(wh, config("t_types")).publish(List.of("fct_fixture_bonus", "fct_not_built"), false);

        assertEquals(Publisher.PUBLISHED, r.get(0).status());
        assertEquals(Publisher.NOT_BUILT, r.get(1).status(), "a table that does not exist yet is skipped");
        try (Connection c = SharedPostgres.target().connect()) {
            assertEquals(List.of(
                    Arrays.asList("employee_id", "text", null, null),
                    Arrays.asList("team_id", "text", null, null),
                    Arrays.asList("period_start_date", "date", null, null),
                    Arrays.asList("bonus_amount", "numeric", "18", "2"),
                    Arrays.asList("detail", "text", null, null)),
                    query(c, "SELECT column_name, data_type, numeric_precision::text, numeric_scale::text FROM information_schema.columns "
                            + "WHERE table_schema = 't_types' AND table_name = 'fct_fixture_bonus' ORDER BY ordinal_position"));
            assertEquals(List.of(List.of("E1", "2026-09-01", "1234.50", "{\"kpi\":\"win_rate\",\"score\":0.5}"),
                    List.of("E2", "2026-09-01", "0.05", "{\"kpi\":\"win_rate\",\"score\":0.5}")),
                    query(c, "SELECT employee_id, period_start_date::text, bonus_amount::text, detail FROM t_types.fct_fixture_bonus "
                            + "ORDER BY 1"));
            assertEquals(List.of(List.of("fct_fixture_bonus", "0", "2")),
                    query(c, "SELECT table_name, delta_version::text, row_count::text FROM t_types.kamw_published"));
            assertEquals(List.of(), query(c, "SELECT tablename FROM pg_tables WHERE schemaname = 't_types' AND tablename LIKE '%kamw_%'"
                    + " AND tablename <> 'kamw_published' AND tablename <> 'kamw_team_access'"), "no staging table is left behind");
        }
        final List<Row> log = wh.read(Publisher.TABLE).collectAsList();
        assertEquals(1, log.size());
        assertEquals("fct_fixture_bonus", log.get(0).getString(0));
        assertEquals(0L, log.get(0).getLong(1));
        assertEquals(2L, log.get(0).getLong(2));
    }

    @Test
    void anUnchangedVersionIsNotCopiedAgainAndANewOneIs() throws SQLException {
        final Warehouse wh = SharedSpark.context(dir).warehouse();
        final ServingConfig cfg = config("t_idem");
        write(wh, "fct_fixture_bonus", List.of(score("E1", "T01", "10.00")));
        assertEquals(Publisher.PUBLISHED, publisher(wh, cfg).publish(List.of("fct_fixture_bonus"), false).get(0).status());
        assertEquals(Publisher.UP_TO_DATE, publisher(wh, cfg).publish(List.of("fct_fixture_bonus"), false).get(0).status());

        write(wh, "fct_fixture_bonus", List.of(score("E1", "T01", "10.00"), score("E2", "T01", "20.00")));
        final Publisher.Result again = publisher(wh, cfg).publish(List.of("fct_fixture_bonus"), false).get(0);
        assertEquals(Publisher.PUBLISHED, again.status());
        assertEquals(1L, again.deltaVersion());
        try (Connection c = SharedPostgres.target().connect()) {
            assertEquals(List.of(List.of("1", "2")), query(c, "SELECT delta_version::text, row_count::text FROM t_idem.kamw_published"));
            assertEquals(List.of(List.of("30.00")), query(c, "SELECT sum(bonus_amount)::text FROM t_idem.fct_fixture_bonus"));
        }
        assertEquals(2, wh.read(Publisher.TABLE).count(), "two publishes recorded, the skipped one not");
    }

    @Test
    void aReaderDuringPublishesSeesTheOldOrTheNewTableNeverAMissingOrHalfOne() throws Exception {
        final Warehouse wh = SharedSpark.context(dir).warehouse();
        final ServingConfig cfg = config("t_swap");
        // Version n has n + 1 rows, all with bonus n: a complete table has count = bonus + 1.
        write(wh, "fct_fixture_bonus", rowsOfVersion(0));
        publisher(wh, cfg).publish(List.of("fct_fixture_bonus"), false);

        final AtomicBoolean done = new AtomicBoolean(false);
        final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final Thread reader = new Thread(() -> {
            try (Connection c = SharedPostgres.target().connectAs(cfg.readerRole(), null)) {
                boolean last = false;
                while (!last) {
                    last = done.get();
                    final List<List<String>> r = query(c, "SELECT count(*)::text, min(bonus_amount)::text, max(bonus_amount)::text "
                            + "FROM t_swap.fct_fixture_bonus");
                    seen.add(String.join("/", r.get(0)));
                }
            } catch (final Throwable t) {
                errors.add(t);
            }
        });
        reader.start();
        for (int v = 1; v <= 3; v++) {
            write(wh, "fct_fixture_bonus", rowsOfVersion(v));
            publisher(wh, cfg).publish(List.of("fct_fixture_bonus"), false);
        }
        done.set(true);
        reader.join();

        assertTrue(errors.isEmpty(), () -> "the reader failed: " + errors);
        final Set<String> states = new TreeSet<>(seen);
        final Set<String> complete = Set.of("1/0.00/0.00", "2/1.00/1.00", "3/2.00/2.00", "4/3.00/3.00");
        assertTrue(complete.containsAll(states), () -> "the reader saw a partial table: " + states);
        assertTrue(states.contains("4/3.00/3.00"), "the last read sees the last publish");
    }

    private static List<Row> rowsOfVersion(final int v) {
        final List<Row> rows = new ArrayList<>();
        for (int i = 0; i <= v; i++) {
            rows.add(score("E" + i, "T01", v + ".00"));
        }
        return rows;
    }

    @Test
    void theReaderRoleReadsButCannotWrite() throws SQLException {
        final Warehouse wh = SharedSpark.context(dir).warehouse();
        final ServingConfig cfg = config("t_reader");
        write(wh, "fct_fixture_bonus", List.of(score("E1", "T01", "10.00")));
        publisher(wh, cfg).publish(List.of("fct_fixture_bonus"), false);

        try (Connection c = SharedPostgres.target().connectAs(cfg.readerRole(), null)) {
            assertEquals(List.of(List.of("1")), query(c, "SELECT count(*)::text FROM t_reader.fct_fixture_bonus"));
            assertEquals(List.of(List.of("1")), query(c, "SELECT count(*)::text FROM t_reader.kamw_published"));
            for (final String write : List.of(
                    "INSERT INTO t_reader.fct_fixture_bonus (employee_id) VALUES ('E9')",
                    "UPDATE t_reader.fct_fixture_bonus SET bonus_amount = 0",
                    "DELETE FROM t_reader.fct_fixture_bonus",
                    "DROP TABLE t_reader.fct_fixture_bonus",
                    "CREATE TABLE t_reader.mine (x int)",
                    "CREATE TABLE public.mine (x int)",
                    "UPDATE t_reader.kamw_published SET row_count = 0")) {
                // Even in a session that turns off the read-only default, privileges refuse the write.
                for (final String mode : List.of("", "SET default_transaction_read_only = off")) {
                    try (Statement st = c.createStatement()) {
                        if (!mode.isEmpty()) {
                            st.execute(mode);
                        }
                        final SQLException e = assertThrows(SQLException.class, () -> st.execute(write), write);
                        assertTrue(Set.of("42501", "25006").contains(e.getSQLState()), write + ": " + e.getSQLState() + " " + e.getMessage());
                    }
                }
            }
        }
        try (Connection c = SharedPostgres.target().connect()) {
            assertEquals(List.of(List.of("1", "10.00")), query(c, "SELECT count(*)::text, sum(bonus_amount)::text FROM t_reader.fct_fixture_bonus"));
        }
    }

    @Test
    void aTeamRoleSeesOnlyItsTeamsRowsOfRestrictedTablesAndTheReaderSeesAll() throws SQLException {
        final Warehouse wh = SharedSpark.context(dir).warehouse();
        final ServingConfig cfg = config("t_rls").withTeams(List.of("fct_fixture_scorecard"),
                Map.of("lead_fixture_t01", List.of("T01"), "lead_fixture_t02_t03", List.of("T02", "T03")));
        write(wh, "fct_fixture_scorecard", List.of(score("E1", "T01", "1.00"), score("E2", "T01", "2.00"), score("E3", "T02", "3.00"),
                score("E4", "T03", "4.00"), score("E5", null, "5.00")));
        write(wh, "dim_fixture_people", List.of(score("E1", "T01", "1.00"), score("E3", "T02", "3.00")));
        final List<Publisher.Result> r = publisher(wh, cfg).publish(List.of("dim_fixture_people", "fct_fixture_scorecard"), false);
        assertFalse(r.get(0).teamRestricted());
        assertTrue(r.get(1).teamRestricted());

        final String sql = "SELECT string_agg(employee_id, ',' ORDER BY employee_id) FROM t_rls.";
        try (Connection c = SharedPostgres.target().connectAs(cfg.readerRole(), null)) {
            assertEquals("E1,E2,E3,E4,E5", query(c, sql + "fct_fixture_scorecard").get(0).get(0));
        }
        try (Connection c = SharedPostgres.target().connectAs("lead_fixture_t01", null)) {
            assertEquals("E1,E2", query(c, sql + "fct_fixture_scorecard").get(0).get(0));
            assertEquals("E1,E3", query(c, sql + "dim_fixture_people").get(0).get(0), "tables not restricted show every row");
            assertEquals(List.of(List.of("T01")), query(c, "SELECT team_id FROM t_rls.kamw_team_access"), "a role sees only its own access");
            try (Statement st = c.createStatement()) {
                final SQLException e = assertThrows(SQLException.class,
                        () -> st.execute("INSERT INTO t_rls.kamw_team_access VALUES ('lead_fixture_t01', 'T02')"));
                assertTrue(Set.of("42501", "25006").contains(e.getSQLState()), e.getMessage());
            }
        }
        try (Connection c = SharedPostgres.target().connectAs("lead_fixture_t02_t03", null)) {
            assertEquals("E3,E4", query(c, sql + "fct_fixture_scorecard").get(0).get(0));
        }
        // Republishing keeps the policies: they travel with the new table in the same transaction.
        write(wh, "fct_fixture_scorecard", List.of(score("E1", "T01", "1.00"), score("E6", "T02", "6.00")));
        publisher(wh, cfg).publish(List.of("fct_fixture_scorecard"), false);
        try (Connection c = SharedPostgres.target().connectAs("lead_fixture_t01", null)) {
            assertEquals("E1", query(c, sql + "fct_fixture_scorecard").get(0).get(0));
        }
    }
}
