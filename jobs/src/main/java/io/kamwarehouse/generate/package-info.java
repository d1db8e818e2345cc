/**
 * Deterministic sample-extract generator: realistic raw CRM, finance and survey extracts written into
 * a landing folder exactly as the source contracts in {@code schemas/sources} describe them.
 *
 * <p>Entry point: {@link io.kamwarehouse.generate.SampleGenerator} ({@code generateFull()},
 * {@code generateIncrement(day)}). Layout: {@code <landing>/<source>/<yyyy-MM-dd>/<file>} plus
 * {@code _manifest.json} per source folder (rows and injected defects per quarantine rule).
 *
 * <p>Files (header choices matter to ingestion):
 * <ul>
 * <li>crm/accounts.csv: GBK, CRLF, Chinese headers (客户编号, 客户名称, ..., 年营业额(万元), 员工人数, 创建日期,
 *     更新时间), tier 战略/重点/普通 (20% 战略客户/重点客户/普通客户), dates yyyy/MM/dd, update time yyyy/MM/dd HH:mm:ss.</li>
 * <li>crm/contacts.xlsx: a Jiandaoyun Excel export (sheet 联系人, a title merged above Chinese headers, dates as
 * date cells), 25% of decision roles in Chinese.</li>
 * <li>crm/products.csv, opportunities.csv, opportunity_stage_history.csv, opportunity_team_members.csv:
 *     Salesforce headers (Id, AccountId, StageName, ..., OpportunityId, UserId, TeamMemberRole), Salesforce
 *     stage names and Type values, Probability 0-100, CreatedDate like 2024-03-15T08:12:00.000+0000.</li>
 * <li>crm/activities_part-NNNNN.csv: canonical headers, at most 1,000,000 rows per part; 12% Chinese types.</li>
 * <li>crm/service_tickets.jsonl, survey/nps_responses.jsonl: camelCase alias keys, every key on every line
 *     (null when absent), tickets carry an extra {@code subject} key the contract does not know.</li>
 * <li>finance/costs.parquet: parquet-hadoop example writer, optional columns, DATE and DECIMAL(18,2).</li>
 * <li>finance/bonus_payouts.csv is not generated here: {@link io.kamwarehouse.generate.PayrollLedger} writes it from the
 * warehouse's computed bonuses (GBK, CRLF, Chinese headers, 常规/递延发放/追回, 发放日期 yyyy/MM/dd).</li>
 * <li>everything else: UTF-8 (no BOM), LF, canonical headers. No CSV field contains a line break.</li>
 * </ul>
 *
 * <p>Defects: each defective row breaks exactly one rule. Entities referenced by others get defects
 * only as extra rows with fresh ids ({@code prefix + 9xxxxxxx}) or exact duplicates; unknown references
 * point at {@code prefix + 8xxxxxxx} ids. teams, products and fx_rates are always clean.
 */
package io.kamwarehouse.generate;
