"""The chart of accounts and the reporting segments Marquee starts with.

The seed migration writes these; :func:`ensure_chart` writes any missing
ones (tests that flush the database, a fresh demo). Codes are stable: the
posting rules in ``finance.consumers`` name accounts by code.
"""

from __future__ import annotations

# (code, type, statement line, en, zh-Hans, zh-Hant)
ACCOUNTS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("1010", "asset", "", "Cash at bank", "银行存款", "銀行存款"),
    ("1020", "asset", "", "Receivable from payment gateways", "应收支付渠道款", "應收支付渠道款"),
    ("1100", "asset", "", "Trade receivables", "应收账款", "應收賬款"),
    (
        "1110",
        "asset",
        "",
        "Box office receivable (distribution)",
        "应收票房分账款",
        "應收票房分賬款",
    ),
    ("1200", "asset", "", "Prepayments and deposits", "预付款项及按金", "預付款項及按金"),
    ("1300", "asset", "", "Inventories", "存货", "存貨"),
    ("1400", "asset", "", "Film and content investments", "影视内容投资", "影視內容投資"),
    ("1500", "asset", "", "Property and equipment", "物业及设备", "物業及設備"),
    ("2010", "liability", "", "Payable to cinemas", "应付影院款", "應付影院款"),
    (
        "2020",
        "liability",
        "",
        "Payable to rights holders",
        "应付版权方款",
        "應付版權方款",
    ),
    ("2100", "liability", "", "Trade payables", "应付账款", "應付賬款"),
    ("2200", "liability", "", "Contract liabilities", "合同负债", "合約負債"),
    (
        "2300",
        "liability",
        "",
        "Accruals and other payables",
        "应计费用及其他应付款",
        "應計費用及其他應付款",
    ),
    ("2400", "liability", "", "Tax payable", "应交税费", "應交稅費"),
    ("2500", "liability", "", "Borrowings", "借款", "借款"),
    ("3000", "equity", "", "Share capital", "股本", "股本"),
    ("3100", "equity", "", "Retained earnings", "留存收益", "保留盈利"),
    ("3200", "equity", "", "Other reserves", "其他储备", "其他儲備"),
    ("4010", "revenue", "revenue", "Ticketing service fees", "票务服务费收入", "票務服務費收入"),
    (
        "4020",
        "revenue",
        "revenue",
        "Distribution revenue (box office share)",
        "发行收入（票房分账）",
        "發行收入（票房分賬）",
    ),
    ("4030", "revenue", "revenue", "Licensing revenue", "版权授权收入", "版權授權收入"),
    ("4040", "revenue", "revenue", "Merchandise sales", "商品销售收入", "商品銷售收入"),
    ("4050", "revenue", "revenue", "Other revenue", "其他收入", "其他收入"),
    (
        "5010",
        "expense",
        "cost_of_sales",
        "Content amortisation and production costs",
        "内容摊销及制作成本",
        "內容攤銷及製作成本",
    ),
    ("5020", "expense", "cost_of_sales", "Payment processing fees", "支付手续费", "支付手續費"),
    (
        "5030",
        "expense",
        "cost_of_sales",
        "Cost of merchandise sold",
        "商品销售成本",
        "商品銷售成本",
    ),
    ("5040", "expense", "cost_of_sales", "Other cost of sales", "其他销售成本", "其他銷售成本"),
    (
        "6010",
        "expense",
        "selling_marketing",
        "Selling and marketing expenses",
        "销售及营销费用",
        "銷售及營銷開支",
    ),
    ("6110", "expense", "administrative", "Staff costs", "员工成本", "員工成本"),
    (
        "6120",
        "expense",
        "administrative",
        "Other administrative expenses",
        "其他行政费用",
        "其他行政開支",
    ),
    (
        "6210",
        "revenue",
        "other_operating",
        "Other operating income",
        "其他经营收入",
        "其他經營收入",
    ),
    (
        "6220",
        "expense",
        "other_operating",
        "Other operating expenses",
        "其他经营费用",
        "其他經營開支",
    ),
    ("7010", "revenue", "finance_income", "Interest income", "利息收入", "利息收入"),
    ("7020", "expense", "finance_cost", "Interest expense", "利息支出", "利息支出"),
    ("7030", "expense", "finance_cost", "Exchange differences", "汇兑损益", "匯兌損益"),
    ("8010", "expense", "income_tax", "Income tax expense", "所得税费用", "所得稅開支"),
    # investment
    (
        "1410",
        "asset",
        "",
        "Production costs of slate projects",
        "在制影视项目成本",
        "在製影視項目成本",
    ),
    (
        "2610",
        "liability",
        "",
        "Payable to co-financing participants",
        "应付联合投资方分成款",
        "應付聯合投資方分成款",
    ),
    (
        "5110",
        "expense",
        "cost_of_sales",
        "Participations of co-financiers and talent",
        "联合投资方及主创分成",
        "聯合投資方及主創分成",
    ),
    # crowdfunding
    (
        "2630",
        "liability",
        "",
        "Crowdfunding escrow (backers' pledges)",
        "众筹托管款（支持者认购款）",
        "眾籌託管款（支持者認購款）",
    ),
    (
        "2640",
        "liability",
        "",
        "Crowdfunding funding raised (content investment)",
        "众筹募集资金（内容投资）",
        "眾籌募集資金（內容投資）",
    ),
    (
        "2650",
        "liability",
        "",
        "Crowdfunding returns payable to backers",
        "应付众筹支持者回报",
        "應付眾籌支持者回報",
    ),
    (
        "5130",
        "expense",
        "cost_of_sales",
        "Crowdfunding returns to backers",
        "众筹支持者回报",
        "眾籌支持者回報",
    ),
    # rights
    ("1130", "asset", "", "Licence fees receivable", "应收版权授权费", "應收版權授權費"),
    ("1140", "asset", "", "Acquired content rights", "外购影视版权", "外購影視版權"),
    # merch
    (
        "1310",
        "asset",
        "",
        "Royalties receivable from merchants",
        "应收商户授权费",
        "應收商戶授權費",
    ),
    ("2670", "liability", "", "Payable to merchants", "应付商户款", "應付商戶款"),
    ("2671", "liability", "", "Royalty advances received", "预收授权费", "預收授權費"),
    (
        "4150",
        "revenue",
        "revenue",
        "Merchandise commission",
        "商品销售佣金收入",
        "商品銷售佣金收入",
    ),
    ("4151", "revenue", "revenue", "Merchandise royalties", "商品授权费收入", "商品授權費收入"),
    # marketing
    (
        "2690",
        "liability",
        "",
        "Voucher discounts to be funded",
        "待结算优惠券折扣",
        "待結算優惠券折扣",
    ),
    (
        "6050",
        "expense",
        "selling_marketing",
        "Voucher subsidies (platform campaigns)",
        "优惠券补贴（平台活动）",
        "優惠券補貼（平台活動）",
    ),
)

# (code, en, zh-Hans, zh-Hant)
SEGMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("promotion_distribution", "Promotion and distribution", "宣传发行", "宣傳發行"),
    (
        "content",
        "Content (investment, production, licensing)",
        "内容（投资、制作、授权）",
        "內容（投資、製作、授權）",
    ),
    ("merchandising", "Merchandising", "商品授权及销售", "商品授權及銷售"),
    ("corporate", "Corporate", "总部", "總部"),
)


def ensure_chart(account_model: type | None = None, segment_model: type | None = None) -> None:
    """Create every seed account and segment that is missing; change nothing else.

    The models are parameters so the data migration can pass its historical ones.
    """
    if account_model is None or segment_model is None:
        from marquee.finance.models import Account, Segment

        account_model, segment_model = Account, Segment
    account_model.objects.bulk_create(
        [
            account_model(
                code=code,
                type=type_,
                statement_line=line,
                name_en=en,
                name_zh_hans=hans,
                name_zh_hant=hant,
            )
            for code, type_, line, en, hans, hant in ACCOUNTS
        ],
        ignore_conflicts=True,
    )
    segment_model.objects.bulk_create(
        [
            segment_model(code=code, name_en=en, name_zh_hans=hans, name_zh_hant=hant)
            for code, en, hans, hant in SEGMENTS
        ],
        ignore_conflicts=True,
    )
