package io.kamwarehouse.dashboards;

import java.util.List;

/** The dashboards the product ships. */
final class DashboardSet {

    static final List<String> TITLES = List.of("Executive overview", "Account value and tiers", "NPS", "Retention and churn risk",
            "Team and individual performance", "Bonus and reconciliation", "Sales pipeline and targets");

    private DashboardSet() {
    }
}
