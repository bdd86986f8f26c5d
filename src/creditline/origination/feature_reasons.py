"""What each A-card feature tells an applicant when it cost them points, in English and
Chinese: what was adverse and, where it is fair to say, what would help.

The texts live next to the feature names (``origination.features``) because the names are
defined here: the shipped cards are trained with these texts (``default_cards`` hands them
to the training service as ``reason_texts``), so a card's variables and its reasons cannot
drift apart.  Before, the texts were looked up by name in scoring's generic catalogue,
whose names (``inquiries``, ``utilization``, ...) are not the platform's (``inquiries_6m``,
``revolving_utilization``, ...), and 12 of the 14 shipped variables fell back to
"Risk factor: <variable>".

Age and industry name the factor and say nothing about what would help: nobody can change
them, and a lender should not suggest it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from creditline.origination.features import ENTERPRISE_FEATURES, PERSON_FEATURES
from creditline.scoring.reasons import derive_code


def _t(en: str, zh: str) -> tuple[str, str]:
    return en, zh


_TEXTS: dict[str, tuple[str, str]] = {
    # persons: the customer record and the credit-bureau block of the application
    "age": _t("Applicants in your age group have repaid less reliably in our experience",
              "在我们的经验中，您所在年龄段的申请人还款表现相对较弱"),
    "employment": _t(
        "Your employment status is linked to more missed repayments; a regular, "
        "verifiable income from employment would help",
        "您的就业状况与较高的逾期风险相关；稳定且可核实的工作收入将有助于提高评分"),
    "monthly_income": _t(
        "Your declared monthly income is low for this product; a higher or verified "
        "income would help",
        "您申报的月收入对本产品而言偏低；更高或经核实的收入将有助于提高评分"),
    "existing_debt_monthly": _t(
        "Your monthly repayments to other lenders are high; paying down existing debts "
        "would help",
        "您每月需偿还其他机构的金额较高；减少现有负债将有助于提高评分"),
    "debt_to_income": _t(
        "Existing repayments take a large share of your income; reducing other debts "
        "would help",
        "现有还款占您收入的比例较高；减少其他负债将有助于提高评分"),
    "credit_history_months": _t(
        "Your credit history is short; a longer record of on-time repayments would help",
        "您的信用记录时间较短；更长时间的按时还款记录将有助于提高评分"),
    "num_credit_accounts": _t(
        "The number of credit accounts on your credit report is linked to higher risk; "
        "keeping only the accounts you use would help",
        "您信用报告中的信贷账户数量与较高风险相关；仅保留实际使用的账户将有助于提高评分"),
    "revolving_utilization": _t(
        "Your credit cards and credit lines are heavily used; bringing balances well "
        "below their limits would help",
        "您的信用卡及授信额度使用率较高；将欠款降至额度的较低比例将有助于提高评分"),
    "inquiries_6m": _t(
        "You applied for credit many times in the last 6 months; fewer new credit "
        "applications would help",
        "您近6个月申请信贷的次数较多；减少新的信贷申请将有助于提高评分"),
    "delinquencies_24m": _t(
        "Your credit report shows late or missed payments in the last 24 months; keeping "
        "every account up to date would help",
        "您的信用报告显示近24个月内存在逾期或未还款记录；保持所有账户按时还款将有助于提高评分"),
    "num_contacts": _t(
        "Few emergency contacts were given; adding contacts who agree to be listed "
        "would help",
        "您提供的紧急联系人较少；补充经本人同意的紧急联系人将有助于提高评分"),
    # enterprises: the register, the financial statements and the collateral
    "industry": _t("Businesses in your industry have repaid less reliably in our experience",
                   "在我们的经验中，贵企业所属行业的还款表现相对较弱"),
    "firm_age_years": _t(
        "The business has been registered for a short time; a longer trading record "
        "would help",
        "企业成立时间较短；更长的经营记录将有助于提高评分"),
    "employees": _t(
        "The number of employees is linked to higher risk for businesses of this kind; "
        "payroll records showing stable staffing would help",
        "员工人数与此类企业的较高风险相关；提供显示人员稳定的工资记录将有助于提高评分"),
    "annual_revenue": _t(
        "Annual revenue is low for the credit applied for; evidence of higher or growing "
        "sales would help",
        "年营业收入相对申请额度偏低；提供更高或持续增长的销售证明将有助于提高评分"),
    "net_margin": _t(
        "The business earns a thin or negative margin on its sales; improving "
        "profitability would help",
        "企业销售净利率偏低或为负；提升盈利能力将有助于提高评分"),
    "net_income": _t(
        "Net profit is low or negative; a record of steady profits would help",
        "企业净利润偏低或为负；持续稳定的盈利记录将有助于提高评分"),
    "total_assets": _t(
        "Total assets are small for the credit applied for; a stronger balance sheet "
        "would help",
        "企业总资产相对申请额度偏小；更稳健的资产负债表将有助于提高评分"),
    "total_liabilities": _t(
        "Total liabilities are high; reducing the business's debts would help",
        "企业负债总额偏高；减少企业负债将有助于提高评分"),
    "leverage": _t(
        "Debts are high relative to the business's assets; reducing debt or adding "
        "equity would help",
        "企业资产负债率偏高；减少负债或增加资本投入将有助于提高评分"),
    "current_assets": _t(
        "Current assets are low; more cash and short-term receivables would help",
        "企业流动资产偏少；增加现金及短期应收款将有助于提高评分"),
    "current_liabilities": _t(
        "Short-term liabilities are high; reducing debts due within a year would help",
        "企业流动负债偏高；减少一年内到期的负债将有助于提高评分"),
    "current_ratio": _t(
        "Current assets cover short-term liabilities poorly; improving liquidity would help",
        "企业流动资产对流动负债的覆盖不足；改善流动性将有助于提高评分"),
    "operating_cash_flow": _t(
        "Cash flow from operations is weak; stronger operating cash flow would help",
        "企业经营活动现金流偏弱；提升经营现金流将有助于提高评分"),
    "annual_debt_service": _t(
        "Yearly repayments on existing debt are high; refinancing or reducing debt "
        "would help",
        "企业现有债务的年度还本付息额偏高；减少或重新安排债务将有助于提高评分"),
    "dscr": _t(
        "Cash flow covers debt repayments with little to spare; a higher cash-flow "
        "cover of repayments would help",
        "企业现金流对偿债支出的覆盖倍数偏低；提高现金流偿债覆盖率将有助于提高评分"),
    "collateral_kind": _t(
        "The collateral offered is of a kind that recovers less in our experience; "
        "stronger collateral such as property would help",
        "所提供抵押物的类型在我们的经验中回收率较低；提供房产等更优质的抵押物将有助于提高评分"),
    "collateral_value": _t(
        "Little or no collateral was pledged; pledging more collateral would help",
        "抵押物价值较低或未提供抵押；增加抵押物将有助于提高评分"),
}


def feature_reasons(features: Iterable[str], prefix: str = "A") -> dict[str, dict[str, str]]:
    """``{feature: {"code", "en", "zh"}}`` for the given features, as a card's
    ``reason_texts``; a feature without a text here is an error, not a generic reason."""
    out: dict[str, dict[str, str]] = {}
    for name in features:
        if name not in _TEXTS:
            raise KeyError(f"feature {name!r} has no reason text in origination.feature_reasons")
        en, zh = _TEXTS[name]
        out[name] = {"code": derive_code(name, prefix), "en": en, "zh": zh}
    return out


PERSON_REASONS: Mapping[str, Mapping[str, str]] = feature_reasons(PERSON_FEATURES)
ENTERPRISE_REASONS: Mapping[str, Mapping[str, str]] = feature_reasons(ENTERPRISE_FEATURES)
