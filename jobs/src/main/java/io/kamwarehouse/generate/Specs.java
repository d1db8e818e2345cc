package io.kamwarehouse.generate;

import static io.kamwarehouse.generate.Defect.badDate;
import static io.kamwarehouse.generate.Defect.badDecimal;
import static io.kamwarehouse.generate.Defect.badInteger;
import static io.kamwarehouse.generate.Defect.badSlashDate;
import static io.kamwarehouse.generate.Defect.badTimestamp;
import static io.kamwarehouse.generate.Defect.duplicate;
import static io.kamwarehouse.generate.Defect.missing;
import static io.kamwarehouse.generate.Defect.notAccepted;
import static io.kamwarehouse.generate.Defect.outOfRange;
import static io.kamwarehouse.generate.Defect.unknownReference;

import io.kamwarehouse.generate.EntitySink.Format;
import io.kamwarehouse.generate.EntitySink.Spec;

/**
 * File layout (name, encoding, header, line ending) and defect menu of every generated entity.
 * {@code drop} is 0 for the full drop and the increment day otherwise (fresh ids differ per drop).
 */
final class Specs {

    static final String CRM = "crm";
    static final String FINANCE = "finance";
    static final String SURVEY = "survey";
    static final long MAX_ACTIVITY_ROWS_PER_FILE = 1_000_000L;

    /** Defect rates: small reference-like entities get a higher rate so every rule shows up at scale 1. */
    static final double RATE_SMALL = 0.01;
    static final double RATE_MEDIUM = 0.007;
    static final double RATE_LARGE = 0.004;

    private Specs() {
    }

    private static String fresh(final String prefix, final int drop, final int k) {
        return prefix + World.freshNumber(drop, k);
    }

    private static String unknown(final String prefix, final int k) {
        return prefix + World.unknownNumber(k);
    }

    static Spec teams() {
        return new Spec(CRM, "teams", Format.CSV, "team_id", "team_name", "parent_team_id", "team_type", "region",
                "manager_employee_id", "created_date", "updated_at");
    }

    static Spec employees(final int drop) {
        return new Spec(CRM, "employees", Format.CSV, "employee_id", "employee_name", "email", "role", "team_id",
                "manager_employee_id", "hire_date", "termination_date", "is_team_lead", "updated_at")
                .referenced(0, k -> fresh("E", drop, k))
                .defects(RATE_SMALL, missing(1), badDate(6), notAccepted(3, "实习生", "intern"),
                        unknownReference(4, k -> unknown("TM-", k)), duplicate());
    }

    static Spec accounts(final int drop) {
        return new Spec(CRM, "accounts", Format.CSV, "客户编号", "客户名称", "所属行业", "所在区域", "城市", "客户级别",
                "负责人工号", "负责人", "年营业额(万元)", "员工人数", "创建日期", "更新时间")
                .charset(EntitySink.GBK).crlf()
                .referenced(0, k -> fresh("KA-", drop, k))
                .defects(RATE_SMALL, missing(1), badSlashDate(10), badDecimal(8), badInteger(9),
                        notAccepted(5, "VIP", "钻石"), outOfRange(9, "-5", "-120"),
                        unknownReference(6, k -> unknown("E", k)), duplicate());
    }

    static Spec contacts(final int drop) {
        return new Spec(CRM, "contacts", Format.XLSX, "联系人编号", "客户编号", "联系人姓名", "职务", "决策角色",
                "邮箱", "电话", "是否在职", "创建日期", "更新时间")
                .sheet("联系人", "客户联系人（简道云导出）")
                .referenced(0, k -> fresh("CT-", drop, k))
                .defects(RATE_MEDIUM, missing(2), badDate(8), notAccepted(4, "经办人", "sponsor"),
                        badTimestamp(9, "2024-13-45 10:00:00", "2025-02-45 25:61:00"),
                        unknownReference(1, k -> unknown("KA-", k)), duplicate());
    }

    static Spec products() {
        return new Spec(CRM, "products", Format.CSV, "Id", "Name", "Family", "UnitPrice", "CurrencyIsoCode", "IsActive");
    }

    static Spec opportunities(final int drop) {
        return new Spec(CRM, "opportunities", Format.CSV, "Id", "AccountId", "Name", "StageName", "Amount",
                "CurrencyIsoCode", "Probability", "Product2Id", "Type", "LeadSource", "OwnerId", "CreatedDate",
                "CloseDate", "IsClosed", "IsWon", "LastModifiedDate")
                .referenced(0, k -> Fmt.salesforceId("006", World.freshNumber(drop, k)))
                .defects(RATE_MEDIUM, missing(5), badDecimal(4),
                        badTimestamp(11, "2024-13-45T08:00:00.000+0000", "2025-02-45T25:61:00.000+0000"),
                        badDate(12), notAccepted(3, "Closed", "Won"), outOfRange(6, "150", "-10"),
                        unknownReference(1, k -> unknown("KA-", k)), duplicate());
    }

    static Spec stageHistory(final int drop) {
        return new Spec(CRM, "opportunity_stage_history", Format.CSV, "OpportunityId", "StageName", "CreatedDate",
                "Amount", "Probability", "CloseDate")
                .defects(RATE_LARGE, missing(1), badDecimal(3), outOfRange(4, "120", "-5"), notAccepted(1, "Won", "Dead"),
                        badTimestamp(2, "2024-13-45T08:00:00.000+0000"),
                        unknownReference(0, k -> Fmt.salesforceId("006", World.unknownNumber(k))), duplicate());
    }

    static Spec teamMembers() {
        return new Spec(CRM, "opportunity_team_members", Format.CSV, "OpportunityId", "UserId", "TeamMemberRole",
                "CreatedDate")
                .defects(RATE_MEDIUM, missing(2), notAccepted(2, "Observer", "Sponsor"), badDate(3),
                        unknownReference(1, k -> unknown("E", k)),
                        unknownReference(0, k -> Fmt.salesforceId("006", World.unknownNumber(k))), duplicate());
    }

    static Spec activities() {
        return new Spec(CRM, "activities", Format.CSV, "activity_id", "activity_type", "account_id", "contact_id",
                "opportunity_id", "employee_id", "activity_date", "duration_minutes", "subject")
                .parts("activities_part-%s.csv", MAX_ACTIVITY_ROWS_PER_FILE)
                .defects(RATE_LARGE, missing(5), badDate(6), badInteger(7), notAccepted(1, "lunch", "宴请"),
                        outOfRange(7, "2000", "-15"), unknownReference(2, k -> unknown("KA-", k)), duplicate());
    }

    static Spec tickets() {
        return new Spec(CRM, "service_tickets", Format.JSONL, "id", "accountId", "contactId", "priority", "category",
                "assignee", "createdAt", "firstResponseAt", "resolvedAt", "status", "subject")
                .numeric()
                .defects(RATE_MEDIUM, missing(1), badTimestamp(6, "2024-13-45T09:00:00", "2025-02-45T25:00:00"),
                        notAccepted(9, "pending", "挂起"), notAccepted(3, "critical", "P0"),
                        unknownReference(1, k -> unknown("KA-", k)), unknownReference(5, k -> unknown("E", k)),
                        duplicate());
    }

    static Spec milestones() {
        return new Spec(CRM, "delivery_milestones", Format.CSV, "milestone_id", "opportunity_id", "account_id",
                "milestone_name", "project_manager_employee_id", "planned_date", "actual_date", "status")
                .defects(RATE_SMALL, missing(3), badDate(5), notAccepted(7, "delayed", "on_hold"),
                        unknownReference(1, k -> Fmt.salesforceId("006", World.unknownNumber(k))),
                        unknownReference(4, k -> unknown("E", k)), duplicate());
    }

    static Spec kbContributions() {
        return new Spec(CRM, "kb_contributions", Format.CSV, "contribution_id", "employee_id", "contribution_date",
                "contribution_type", "title", "view_count")
                .defects(RATE_SMALL, missing(1), badDate(2), notAccepted(3, "video", "wiki"), badInteger(5),
                        outOfRange(5, "-3", "-40"), unknownReference(1, k -> unknown("E", k)), duplicate());
    }

    static Spec targets() {
        return new Spec(CRM, "targets", Format.CSV, "employee_id", "period_month", "metric", "target_value",
                "currency_code")
                .defects(RATE_MEDIUM, missing(3),
                        new Defect(Defect.BAD_DATE, 1, k -> (2020 + (k / 87) % 10) + "-" + (13 + k % 87)), notAccepted(2, "revenue", "margin"),
                        badDecimal(3), outOfRange(3, "-50000.00", "-1.00"), unknownReference(0, k -> unknown("E", k)),
                        duplicate());
    }

    static Spec contracts(final int drop) {
        return new Spec(FINANCE, "contracts", Format.CSV, "contract_id", "account_id", "opportunity_id", "signed_date",
                "start_date", "end_date", "annual_value_amount", "currency_code", "renewal_of_contract_id", "status")
                .referenced(0, k -> fresh("HT-", drop, k))
                .defects(RATE_SMALL, missing(5), badDate(4), badDecimal(6), notAccepted(7, "RMB", "EUR"),
                        notAccepted(9, "draft", "pending"), outOfRange(6, "-120000.00"),
                        unknownReference(1, k -> unknown("KA-", k)), duplicate());
    }

    static Spec invoices(final int drop) {
        return new Spec(FINANCE, "invoices", Format.CSV, "invoice_id", "contract_id", "account_id", "invoice_date",
                "due_date", "amount", "currency_code", "status")
                .referenced(0, k -> fresh("INV-", drop, k))
                .defects(RATE_MEDIUM, missing(4), badDate(3), badDecimal(5), notAccepted(7, "overdue", "cancelled"),
                        outOfRange(5, "-8800.00"), unknownReference(1, k -> unknown("HT-", k)), duplicate());
    }

    static Spec payments() {
        return new Spec(FINANCE, "payments", Format.CSV, "payment_id", "invoice_id", "account_id", "payment_date",
                "amount", "currency_code", "payment_method")
                .defects(RATE_MEDIUM, missing(4), badDate(3), badDecimal(4), notAccepted(6, "alipay", "现金"),
                        outOfRange(4, "-500.00"), unknownReference(1, k -> unknown("INV-", k)), duplicate());
    }

    static Spec fxRates() {
        return new Spec(FINANCE, "fx_rates", Format.CSV, "rate_date", "from_currency", "to_currency", "rate");
    }

    static Spec bonusPayouts() {
        return new Spec(FINANCE, "bonus_payouts", Format.CSV, "发放编号", "工号", "姓名", "期间", "发放类型", "实发金额", "币种",
                "发放日期")
                .charset(EntitySink.GBK).crlf()
                .defects(RATE_SMALL, missing(1), badDecimal(5), badSlashDate(7), notAccepted(4, "奖励", "补发"),
                        unknownReference(1, k -> unknown("E", k)), duplicate());
    }

    static Spec npsResponses() {
        return new Spec(SURVEY, "nps_responses", Format.JSONL, "id", "accountId", "contactId", "submittedAt", "npsScore",
                "csatScore", "comment", "channel")
                .numeric(4, 5)
                .defects(RATE_SMALL, missing(4), badInteger(4), outOfRange(4, "11", "-1"), outOfRange(5, "6", "0"),
                        notAccepted(7, "fax", "微博"), badDate(3, "2025-13-45T10:00:00", "2024-02-45T09:30:00"),
                        unknownReference(1, k -> unknown("KA-", k)), duplicate());
    }

    static Spec peerReviews() {
        return new Spec(SURVEY, "peer_reviews", Format.CSV, "review_id", "reviewer_employee_id", "reviewee_employee_id",
                "period", "collaboration_score", "knowledge_sharing_score", "comment")
                .defects(RATE_SMALL, missing(3), badDecimal(4), outOfRange(4, "6.5", "0.5"), outOfRange(5, "5.5"),
                        unknownReference(2, k -> unknown("E", k)), duplicate());
    }
}
