package io.kamwarehouse.serving;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The serving schema in PostgreSQL and its access rules, kept by the publishing user:
 * <ul>
 * <li>the read-only role (Superset's login): USAGE on the schema, SELECT on each published table,
 * its sessions read-only by default, and no CREATE anywhere;</li>
 * <li>team roles, members of the team reader group: SELECT as well, but on team-restricted tables a
 * policy shows them only the rows of the teams listed for them in {@code kamw_team_access};</li>
 * <li>{@code kamw_published}: which Delta version of each table is published, with its rows.</li>
 * </ul>
 */
public final class ServingSchema {

    /** The table of published versions in the serving schema. */
    public static final String PUBLISHED = "kamw_published";
    /** Which teams each team role sees. */
    public static final String TEAM_ACCESS = "kamw_team_access";

    private final ServingConfig config;

    public ServingSchema(final ServingConfig config) {
        this.config = config;
    }

    String q(final String table) {
        return config.schema() + "." + table;
    }

    /** Creates what is missing (schema, roles, bookkeeping tables) and refreshes the team access list; one transaction. */
    public void prepare(final Connection c) throws SQLException {
        final boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            ensureRole(st, config.readerRole(), true);
            ensureRole(st, config.teamReaderRole(), false);
            st.execute("ALTER ROLE " + config.readerRole() + " SET default_transaction_read_only = on");
            final String readerPassword = System.getenv(ServingTarget.ENV_READER_PASSWORD);
            if (readerPassword != null && !readerPassword.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT quote_literal(?)")) {
                    ps.setString(1, readerPassword);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        st.execute("ALTER ROLE " + config.readerRole() + " PASSWORD " + rs.getString(1));
                    }
                }
            }
            for (final String role : config.teamRoles().keySet()) {
                ensureRole(st, role, true);
                st.execute("ALTER ROLE " + role + " SET default_transaction_read_only = on");
                st.execute("GRANT " + config.teamReaderRole() + " TO " + role);
            }
            st.execute("CREATE SCHEMA IF NOT EXISTS " + config.schema());
            // Nobody but the publisher creates objects in the schema; PostgreSQL 14 lets every role create in public.
            st.execute("REVOKE CREATE ON SCHEMA " + config.schema() + " FROM PUBLIC");
            st.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            st.execute("GRANT USAGE ON SCHEMA " + config.schema() + " TO " + config.readerRole() + ", " + config.teamReaderRole());
            st.execute("CREATE TABLE IF NOT EXISTS " + q(PUBLISHED) + " (table_name text PRIMARY KEY, delta_version bigint NOT NULL, "
                    + "row_count bigint NOT NULL, published_at timestamptz NOT NULL, source text NOT NULL)");
            st.execute("GRANT SELECT ON " + q(PUBLISHED) + " TO " + config.readerRole() + ", " + config.teamReaderRole());
            st.execute("CREATE TABLE IF NOT EXISTS " + q(TEAM_ACCESS) + " (role_name text NOT NULL, team_id text NOT NULL, "
                    + "PRIMARY KEY (role_name, team_id))");
            st.execute("GRANT SELECT ON " + q(TEAM_ACCESS) + " TO " + config.teamReaderRole());
            // A team role reads its own rows of the access list (the policies below look it up as that role).
            st.execute("ALTER TABLE " + q(TEAM_ACCESS) + " ENABLE ROW LEVEL SECURITY");
            st.execute("DROP POLICY IF EXISTS own_rows ON " + q(TEAM_ACCESS));
            st.execute("CREATE POLICY own_rows ON " + q(TEAM_ACCESS) + " FOR SELECT USING (role_name = current_user)");
            st.execute("DELETE FROM " + q(TEAM_ACCESS));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + q(TEAM_ACCESS) + " VALUES (?, ?)")) {
                for (final Map.Entry<String, List<String>> e : config.teamRoles().entrySet()) {
                    for (final String team : e.getValue()) {
                        ps.setString(1, e.getKey());
                        ps.setString(2, team);
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
        } catch (final SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static void ensureRole(final Statement st, final String role, final boolean login) throws SQLException {
        st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') THEN CREATE ROLE " + role
                + (login ? " LOGIN" : " NOLOGIN") + "; END IF; END $$");
    }

    /** The published Delta version of a table, when the table is there. */
    public OptionalLong publishedVersion(final Connection c, final String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT p.delta_version FROM " + q(PUBLISHED) + " p WHERE p.table_name = ? "
                + "AND EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = ? AND t.tablename = p.table_name)")) {
            ps.setString(1, table);
            ps.setString(2, config.schema());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /**
     * Replaces {@code table} by the loaded {@code stage} table in one transaction: readers see the
     * old table until the commit and the new one after it (a query waiting on the lock resolves the
     * name again). Grants, row-level security and the published version go in the same commit.
     */
    public void swapIn(final Connection c, final String stage, final String table, final boolean teamRestricted,
            final long deltaVersion, final long rows, final String source) throws SQLException {
        final boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        final String old = table + "__kamw_old";
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + q(old));
            st.execute("ALTER TABLE IF EXISTS " + q(table) + " RENAME TO " + old);
            st.execute("ALTER TABLE " + q(stage) + " RENAME TO " + table);
            st.execute("DROP TABLE IF EXISTS " + q(old));
            st.execute("GRANT SELECT ON " + q(table) + " TO " + config.readerRole() + ", " + config.teamReaderRole());
            if (teamRestricted) {
                final String col = config.teamColumn();
                st.execute("ALTER TABLE " + q(table) + " ENABLE ROW LEVEL SECURITY");
                st.execute("CREATE POLICY all_rows ON " + q(table) + " FOR SELECT TO " + config.readerRole() + " USING (true)");
                st.execute("CREATE POLICY own_teams ON " + q(table) + " FOR SELECT TO " + config.teamReaderRole() + " USING ("
                        + col + "::text IN (SELECT a.team_id FROM " + q(TEAM_ACCESS) + " a WHERE a.role_name = current_user))");
                st.execute("CREATE INDEX ON " + q(table) + " (" + col + ")");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + q(PUBLISHED) + " VALUES (?, ?, ?, now(), ?) "
                    + "ON CONFLICT (table_name) DO UPDATE SET delta_version = EXCLUDED.delta_version, row_count = EXCLUDED.row_count, "
                    + "published_at = EXCLUDED.published_at, source = EXCLUDED.source")) {
                ps.setString(1, table);
                ps.setLong(2, deltaVersion);
                ps.setLong(3, rows);
                ps.setString(4, source);
                ps.executeUpdate();
            }
            c.commit();
        } catch (final SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Rows of a table. */
    public long count(final Connection c, final String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + q(table))) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
