package io.kamwarehouse.generate;

import java.util.SplittableRandom;

/** Name pools (Chinese with pinyin, English) and text snippets. Every character is encodable in GBK. */
final class Names {

    private Names() {
    }

    static final String[][] SURNAMES = {
        {"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"}, {"杨", "yang"},
        {"黄", "huang"}, {"赵", "zhao"}, {"吴", "wu"}, {"周", "zhou"}, {"徐", "xu"}, {"孙", "sun"},
        {"马", "ma"}, {"朱", "zhu"}, {"胡", "hu"}, {"郭", "guo"}, {"何", "he"}, {"林", "lin"},
        {"高", "gao"}, {"罗", "luo"}, {"郑", "zheng"}, {"梁", "liang"}, {"谢", "xie"}, {"宋", "song"},
        {"唐", "tang"}, {"许", "xu"}, {"韩", "han"}, {"冯", "feng"}, {"邓", "deng"}, {"曹", "cao"},
        {"彭", "peng"}, {"曾", "zeng"}, {"肖", "xiao"}, {"田", "tian"}, {"董", "dong"}, {"潘", "pan"},
    };

    static final String[][] GIVEN = {
        {"伟", "wei"}, {"芳", "fang"}, {"娜", "na"}, {"敏", "min"}, {"静", "jing"}, {"丽", "li"},
        {"强", "qiang"}, {"磊", "lei"}, {"军", "jun"}, {"洋", "yang"}, {"勇", "yong"}, {"艳", "yan"},
        {"杰", "jie"}, {"娟", "juan"}, {"涛", "tao"}, {"明", "ming"}, {"超", "chao"}, {"秀英", "xiuying"},
        {"霞", "xia"}, {"平", "ping"}, {"刚", "gang"}, {"桂英", "guiying"}, {"婷", "ting"}, {"浩", "hao"},
        {"宇", "yu"}, {"晨", "chen"}, {"欣怡", "xinyi"}, {"子涵", "zihan"}, {"思远", "siyuan"},
        {"建华", "jianhua"}, {"志强", "zhiqiang"}, {"晓东", "xiaodong"}, {"海燕", "haiyan"}, {"文博", "wenbo"},
        {"雨萱", "yuxuan"}, {"俊杰", "junjie"}, {"佳琪", "jiaqi"}, {"梓轩", "zixuan"}, {"一鸣", "yiming"},
        {"慧敏", "huimin"}, {"国庆", "guoqing"}, {"丹", "dan"}, {"鹏", "peng"}, {"琳", "lin"},
    };

    static final String[] ENGLISH_FIRST = {
        "Emily", "David", "Jason", "Grace", "Kevin", "Linda", "Michael", "Sophia", "Eric", "Cindy",
        "Frank", "Helen", "Tony", "Vivian", "Leo", "Amy", "Jack", "Iris", "Peter", "Joyce", "Ryan",
        "Claire", "Sean", "Elaine",
    };

    static final String[] REGIONS = {"华东", "华北", "华南", "华中", "西南", "西北", "东北"};
    static final double[] REGION_WEIGHTS = {0.30, 0.22, 0.20, 0.10, 0.09, 0.05, 0.04};
    static final String[][] CITIES = {
        {"上海", "杭州", "苏州", "南京", "宁波", "合肥", "无锡"},
        {"北京", "天津", "石家庄", "太原", "济南", "青岛"},
        {"深圳", "广州", "东莞", "佛山", "厦门", "福州"},
        {"武汉", "长沙", "郑州", "南昌"},
        {"成都", "重庆", "昆明", "贵阳"},
        {"西安", "兰州", "银川"},
        {"沈阳", "大连", "长春", "哈尔滨"},
    };
    static final String[][] CITIES_EN = {
        {"Shanghai", "Hangzhou", "Suzhou", "Nanjing", "Ningbo", "Hefei", "Wuxi"},
        {"Beijing", "Tianjin", "Shijiazhuang", "Taiyuan", "Jinan", "Qingdao"},
        {"Shenzhen", "Guangzhou", "Dongguan", "Foshan", "Xiamen", "Fuzhou"},
        {"Wuhan", "Changsha", "Zhengzhou", "Nanchang"},
        {"Chengdu", "Chongqing", "Kunming", "Guiyang"},
        {"Xi'an", "Lanzhou", "Yinchuan"},
        {"Shenyang", "Dalian", "Changchun", "Harbin"},
    };

    static final String[] INDUSTRIES = {"制造业", "金融", "医疗健康", "零售", "物流", "能源", "互联网", "教育", "汽车", "政府与公共事业"};
    static final double[] INDUSTRY_WEIGHTS = {0.26, 0.12, 0.10, 0.10, 0.09, 0.08, 0.08, 0.05, 0.08, 0.04};
    /** Chinese company name cores per industry. */
    static final String[][] CORE_CN = {
        {"精密", "智能装备", "重工", "新材料", "机电", "电子", "精工", "工业"},
        {"银行", "证券", "保险", "金融控股", "信托", "融资租赁"},
        {"医药", "生物科技", "医疗器械", "健康", "制药"},
        {"商业", "百货", "连锁", "商贸", "超市"},
        {"物流", "供应链", "航运", "快运", "仓储"},
        {"能源", "电力", "新能源", "燃气", "石化"},
        {"网络科技", "信息技术", "软件", "数据科技", "云计算"},
        {"教育科技", "职业教育", "文化传媒"},
        {"汽车零部件", "汽车", "动力", "车联网"},
        {"城市建设", "水务", "公共交通", "环保"},
    };
    static final String[] PREFIX_CN = {
        "华东", "华远", "中联", "恒通", "瑞丰", "鼎盛", "金桥", "宏达", "长江", "新天地", "汇丰源", "信达", "天元",
        "明阳", "东方", "海纳", "卓越", "博远", "启航", "同创", "盛世", "安信", "远景", "正泰和", "凯瑞", "鸿运",
        "嘉禾", "永安", "星河", "华夏", "中科", "国泰", "光明", "腾飞", "万通", "富士达",
    };
    static final String[] SUFFIX_CN = {"有限公司", "股份有限公司", "集团有限公司", "科技有限公司"};
    static final String[] PREFIX_EN = {
        "Northwind", "Contoso", "Fabrikam", "Globex", "Initech", "Pacific Rim", "Silverline", "BlueOcean",
        "Evergreen", "Summit", "Lakeside", "Redwood", "Harbor", "Orion", "Sterling", "Vertex", "Crescent",
        "Apex", "Meridian", "Keystone",
    };
    static final String[][] CORE_EN = {
        {"Precision Manufacturing", "Industrial", "Machinery", "Electronics"},
        {"Capital", "Financial Services", "Insurance"},
        {"Healthcare", "Pharmaceuticals", "Medical Devices"},
        {"Retail", "Foods", "Consumer Goods"},
        {"Logistics", "Supply Chain", "Shipping"},
        {"Energy", "Power", "Chemicals"},
        {"Technologies", "Software", "Digital"},
        {"Education", "Learning"},
        {"Automotive", "Auto Parts", "Mobility"},
        {"Utilities", "Infrastructure"},
    };
    static final String[] SUFFIX_EN = {"Co., Ltd.", "(China) Co., Ltd.", "Inc.", "Group", "Ltd."};

    static final String[][] TITLES = {
        // decision_maker
        {"总经理", "副总裁", "CIO", "首席信息官", "CFO", "董事长", "VP Operations", "General Manager"},
        // influencer
        {"IT总监", "采购总监", "财务经理", "生产总监", "Head of IT", "Procurement Director", "数字化负责人"},
        // user
        {"系统管理员", "业务专员", "计划员", "数据分析师", "IT Specialist", "Operations Analyst", "仓库主管"},
        // gatekeeper
        {"总经理助理", "采购专员", "行政经理", "法务经理", "Executive Assistant", "Legal Counsel"},
    };

    /** Products: name, product line (Family), list price in cents (CNY). */
    static final String[][] PRODUCTS = {
        {"ERP 标准版", "ERP Suite", "28000000"},
        {"ERP 集团版", "ERP Suite", "96000000"},
        {"财务共享云", "ERP Suite", "45000000"},
        {"供应链协同平台", "Supply Chain", "38000000"},
        {"智能仓储 WMS", "Supply Chain", "26000000"},
        {"运输管理 TMS", "Supply Chain", "18000000"},
        {"数据中台", "Data & Analytics", "65000000"},
        {"BI 分析套件", "Data & Analytics", "12000000"},
        {"AI 预测引擎", "Data & Analytics", "42000000"},
        {"实施服务包", "Professional Services", "15000000"},
        {"驻场运维服务", "Professional Services", "36000000"},
        {"培训与认证", "Professional Services", "4800000"},
    };
    static final String[] PRODUCT_LINES = {"ERP Suite", "Supply Chain", "Data & Analytics", "Professional Services"};

    static final String[] LEAD_SOURCES_NEW = {"Web", "Phone Inquiry", "Partner Referral", "Trade Show", "展会", "老客户转介绍", "Purchased List", "Seminar - Internal"};

    static final String[][] ACTIVITY_SUBJECTS = {
        // visit
        {"拜访客户，沟通年度合作计划", "Quarterly business review on site", "拜访IT部门，了解系统现状", "Site visit, plant tour and pain points", "高层拜访：讨论\"数字化转型\"路线图"},
        // call
        {"电话跟进报价进展", "Follow-up call re: renewal terms", "电话确认需求细节", "Call with procurement, budget and timeline", "回访客户使用情况"},
        // meeting
        {"项目周例会", "Steering committee meeting", "需求评审会", "Kick-off meeting, scope and plan", "商务谈判会议"},
        // demo
        {"产品演示：数据中台", "Demo of \"BI 分析套件\" for IT team", "供应链平台功能演示", "POC demo, results review", "移动端演示"},
        // proposal
        {"提交技术方案与报价", "Proposal, pricing and SOW review", "方案讲解与答疑", "Revised quote, 3-year term", "投标文件准备"},
        // email
        {"发送合同草稿", "Sent case study, \"best practices\" deck", "邮件确认会议纪要", "Emailed renewal reminder", "发送培训资料"},
        // workshop
        {"需求调研工作坊", "Data platform workshop, day 1", "业务流程梳理研讨会", "Design thinking workshop", "上线前培训工作坊"},
    };

    static final String[] TICKET_CATEGORIES = {"安装部署", "账单问题", "Bug report", "Feature request", "性能问题", "数据迁移", "培训咨询", "Access & permissions"};
    static final String[] TICKET_SUBJECTS = {
        "系统登录后报错 500", "月结报表数据不一致", "Cannot export invoices to PDF", "接口调用超时，请尽快处理",
        "Request: add \"cost center\" field", "仓库扫码枪无法连接", "Slow dashboard, >30s to load", "新员工账号开通",
        "数据迁移后库存数量不对", "How to configure approval workflow?", "打印模板显示乱码", "SSO integration fails with \"invalid_grant\"",
    };

    static final String[] NPS_PROMOTER = {
        "实施团队非常专业，响应及时。", "Great support team, very responsive.", "系统稳定，帮助我们提升了效率。",
        "客户经理很用心，推荐！", "Excellent onboarding, \"best vendor\" this year.", "数据中台上线后报表效率提升明显。",
    };
    static final String[] NPS_PASSIVE = {
        "整体还可以，价格偏高。", "Good product, but the UI could be better.", "功能满足需求，希望多一些培训。",
        "Support is OK, sometimes slow.", "交付周期有点长。",
    };
    static final String[] NPS_DETRACTOR = {
        "问题响应太慢，工单拖了两周。", "Too many bugs after the upgrade.", "续约价格上涨太多，正在评估其他供应商。",
        "Account manager changed three times, nobody knows our history.", "系统经常卡顿，影响业务。",
        "承诺的功能没有按时交付，\"二期\"一直延期。",
    };

    static final String[] REVIEW_COMMENTS_GOOD = {
        "乐于分享经验，协作积极。", "Always helps on cross-team deals.", "方案写得很扎实，值得学习。",
        "Great team player, shares templates.", "沟通顺畅，响应及时。",
    };
    static final String[] REVIEW_COMMENTS_MIXED = {
        "专业能力强，但协作意愿一般。", "Could share more knowledge, often busy.", "交付及时，文档有待完善。",
        "Good results, works mostly alone.",
    };

    static final String[] KB_TITLES_CN = {"制造业ERP实施最佳实践", "供应链项目复盘", "报价模板（2025版）", "数据中台售前FAQ", "大客户拜访话术", "续约谈判要点", "上线检查清单"};
    static final String[] KB_TITLES_EN = {"Renewal playbook", "Demo script: BI suite", "Case study: logistics go-live", "Pricing guide, Q3 update", "Discovery questions checklist"};

    static final String[] MILESTONES = {"项目启动", "需求调研完成", "系统上线", "项目验收"};
    static final String[] MILESTONES_EN = {"Kickoff", "Blueprint sign-off", "Go-live", "Final acceptance"};

    static String chineseName(final SplittableRandom r, final StringBuilder pinyin) {
        final String[] s = Rand.pick(r, SURNAMES);
        final String[] g = Rand.pick(r, GIVEN);
        if (pinyin != null) {
            pinyin.append(g[1]).append('.').append(s[1]);
        }
        return s[0] + g[0];
    }

    static String englishName(final SplittableRandom r, final StringBuilder handle) {
        final String first = Rand.pick(r, ENGLISH_FIRST);
        final String[] s = Rand.pick(r, SURNAMES);
        final String last = Character.toUpperCase(s[1].charAt(0)) + s[1].substring(1);
        if (handle != null) {
            handle.append(first.toLowerCase(java.util.Locale.ROOT)).append('.').append(s[1]);
        }
        return first + " " + last;
    }
}
