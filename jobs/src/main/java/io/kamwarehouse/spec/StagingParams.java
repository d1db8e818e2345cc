package io.kamwarehouse.spec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kamwarehouse.contracts.ColumnType;
import io.kamwarehouse.contracts.Contract;
import io.kamwarehouse.contracts.ContractColumn;
import io.kamwarehouse.contracts.Lineage;

/**
 * Parameters of a {@code staging} job ({@code stg_<source>__<entity>} from
 * {@code raw_<source>__<entity>}), the spec's {@code staging:} block:
 * <pre>
 * staging:
 *   latest_by: [updated_at, _ingested_at]   # the latest version per business key; default [_ingested_at, _drop_date]
 *   money:                                  # adds amount_rpt DECIMAL(18,2) in the reporting currency
 *     - {amount: amount, currency: currency_code, date: close_date}
 *   percent_to_fraction: [probability]      # 0-100 -> 0-1
 * </pre>
 */
public record StagingParams(List<String> latestBy, List<MoneyColumn> money, List<String> percentToFraction)
        implements JobParams {

    /** The job kind. */
    public static final String KIND = "staging";
    /** Default order of versions: the latest load wins. */
    public static final List<String> DEFAULT_LATEST_BY = List.of("_ingested_at", "_drop_date");
    /** When silver last changed the row. */
    public static final String UPDATED_AT = "_updated_at";
    /** The FX rates every money conversion reads. */
    public static final String FX_RATES_TABLE = "raw_finance__fx_rates";

    private static final Set<String> KEYS = Set.of("latest_by", "money", "percent_to_fraction");
    private static final Set<String> MONEY_KEYS = Set.of("amount", "currency", "date");

    public StagingParams {
        latestBy = List.copyOf(latestBy);
        money = List.copyOf(money);
        percentToFraction = List.copyOf(percentToFraction);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Lineage columns of a silver row: bronze's, then {@code _updated_at}. */
    public static List<String> lineageColumns() {
        final List<String> out = new ArrayList<>(Lineage.COLUMNS);
        out.add(UPDATED_AT);
        return out;
    }

    /** {@code stg_crm__accounts} -> {@code crm.accounts}; null when the name does not have that shape. */
    public static String contractOf(final String table) {
        if (!table.startsWith("stg_") || !table.contains("__")) {
            return null;
        }
        final String rest = table.substring(4);
        final int sep = rest.indexOf("__");
        return sep <= 0 || sep + 2 >= rest.length() ? null : rest.substring(0, sep) + "." + rest.substring(sep + 2);
    }

    /** The silver columns in order: contract columns (each converted amount right after its amount), then lineage. */
    public List<String> outputColumns(final Contract contract) {
        final List<String> out = new ArrayList<>();
        for (final ContractColumn c : contract.columns()) {
            out.add(c.name());
            for (final MoneyColumn m : money) {
                if (m.amount().equals(c.name())) {
                    out.add(m.output());
                }
            }
        }
        out.addAll(lineageColumns());
        return out;
    }

    /** The checks every staging spec gets without declaring them: a warning for each amount no rate was found for. */
    public List<CheckSpec> impliedChecks() {
        final List<CheckSpec> out = new ArrayList<>();
        for (final MoneyColumn m : money) {
            final String currency = MoneyColumn.isColumnName(m.currency()) ? "`" + m.currency() + "`" : "(" + m.currency() + ")";
            out.add(CheckSpec.expression("`" + m.amount() + "` IS NULL OR " + currency + " IS NULL OR `" + m.output()
                    + "` IS NOT NULL", Severity.WARN, "fx_rate_found(" + m.amount() + ")"));
        }
        return out;
    }

    static StagingParams parse(final SpecFields f, final Object block) {
        if (block == null) {
            return new StagingParams(DEFAULT_LATEST_BY, List.of(), List.of());
        }
        final Map<String, Object> m = f.mapping(block, KIND);
        f.unknownKeys(KIND, m.keySet(), KEYS);
        List<String> latestBy = f.stringList(m, "latest_by", KIND + ".latest_by", false);
        if (latestBy.isEmpty()) {
            latestBy = DEFAULT_LATEST_BY;
        }
        latestBy.forEach(c -> SpecFields.checkColumnName(f, KIND + ".latest_by", c));
        final List<MoneyColumn> money = new ArrayList<>();
        final Object rawMoney = m.get("money");
        if (rawMoney != null) {
            if (!(rawMoney instanceof List<?> list)) {
                throw f.error(KIND + ".money", "must be a list of {amount, currency, date}");
            }
            final Set<String> amounts = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                final String field = KIND + ".money[" + i + "]";
                final Map<String, Object> e = f.mapping(list.get(i), field);
                f.unknownKeys(field, e.keySet(), MONEY_KEYS);
                final MoneyColumn mc = new MoneyColumn(f.requiredString(e, "amount", field + ".amount"),
                        f.requiredString(e, "currency", field + ".currency"), f.requiredString(e, "date", field + ".date"));
                SpecFields.checkColumnName(f, field + ".amount", mc.amount());
                TableSpecCatalog.sqlColumns(f, field + ".currency", mc.currency());
                TableSpecCatalog.sqlColumns(f, field + ".date", mc.date());
                if (!amounts.add(mc.amount())) {
                    throw f.error(field, "amount " + mc.amount() + " is converted twice");
                }
                money.add(mc);
            }
        }
        final List<String> percent = f.stringList(m, "percent_to_fraction", KIND + ".percent_to_fraction", false);
        percent.forEach(c -> SpecFields.checkColumnName(f, KIND + ".percent_to_fraction", c));
        return new StagingParams(latestBy, money, percent);
    }

    /** Checks the parameters against the contract the table stages; throws naming the file and field. */
    void validate(final TableSpec spec, final Contract contract) {
        final SpecFields f = new SpecFields(spec.origin());
        if (!new HashSet<>(spec.keys()).equals(new HashSet<>(contract.businessKey()))) {
            throw f.error("keys", spec.keys() + " must be the business key of contract " + contract.qualifiedName() + ": "
                    + contract.businessKey());
        }
        final List<String> allowed = new ArrayList<>(List.of(contract.bronzeTable()));
        if (!money.isEmpty()) {
            allowed.add(FX_RATES_TABLE);
        }
        if (!new HashSet<>(spec.inputs()).equals(new HashSet<>(allowed))) {
            throw f.error("inputs", spec.inputs() + " must be " + allowed + ": a staging job reads its bronze table"
                    + (money.isEmpty() ? "" : " and the FX rates"));
        }
        final Set<String> silverColumns = new HashSet<>(outputColumns(contract));
        for (final String c : latestBy) {
            if (!silverColumns.contains(c) || UPDATED_AT.equals(c)) {
                throw f.error(KIND + ".latest_by", c + " is not a column of " + contract.bronzeTable()
                        + " (contract columns or " + String.join(", ", Lineage.COLUMNS) + ")");
            }
        }
        for (final MoneyColumn m : money) {
            final ContractColumn amount = contract.column(m.amount()).orElseThrow(() -> f.error(KIND + ".money",
                    "amount " + m.amount() + " is not a column of contract " + contract.qualifiedName()));
            if (amount.type().kind() != ColumnType.Kind.DECIMAL) {
                throw f.error(KIND + ".money", "amount " + m.amount() + " is " + amount.type().sql()
                        + "; money must be a decimal column (never double)");
            }
            for (final String expr : List.of(m.currency(), m.date())) {
                for (final String col : TableSpecCatalog.sqlColumns(f, KIND + ".money", expr)) {
                    if (!silverColumns.contains(col) || UPDATED_AT.equals(col)) {
                        throw f.error(KIND + ".money", "'" + expr + "' (for amount " + m.amount() + ") names " + col
                                + ", which is not a column of " + contract.bronzeTable()
                                + "; give a column or a SQL expression such as \"'USD'\"");
                    }
                }
            }
            if (contract.column(m.output()).isPresent()) {
                throw f.error(KIND + ".money", "the converted column " + m.output() + " is already a contract column");
            }
        }
        for (final String p : percentToFraction) {
            final ContractColumn c = contract.column(p).orElseThrow(() -> f.error(KIND + ".percent_to_fraction",
                    p + " is not a column of contract " + contract.qualifiedName()));
            if (!c.type().isNumeric()) {
                throw f.error(KIND + ".percent_to_fraction", p + " is " + c.type().sql() + ", not a number");
            }
        }
    }
}
