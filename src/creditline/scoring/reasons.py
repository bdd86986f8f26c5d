"""Reason codes: every decline or limit cut names its top adverse factors, in English and
Chinese.  A catalogue maps variables to a code and texts; variables it does not know get a
derived code ``A_<VARIABLE>`` and a generic text, so a model never lacks an explanation."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ReasonText:
    code: str
    en: str
    zh: str


@dataclass(frozen=True)
class Reason:
    """One adverse factor for one applicant: how many points it cost against the best bin."""

    code: str
    variable: str
    text: str
    text_zh: str
    points_lost: float


# Texts for variables that consumer-credit data commonly carry.
_KNOWN: dict[str, tuple[str, str]] = {
    "age": ("Applicant age band carries higher observed risk", "申请人年龄段的历史风险较高"),
    "income": ("Income is low relative to other applicants", "收入水平相对偏低"),
    "monthly_income": ("Income is low relative to other applicants", "收入水平相对偏低"),
    "debt_ratio": ("Debt burden is high relative to income", "负债收入比偏高"),
    "dti": ("Debt burden is high relative to income", "负债收入比偏高"),
    "utilization": ("Credit utilisation is high", "授信额度使用率偏高"),
    "utilisation": ("Credit utilisation is high", "授信额度使用率偏高"),
    "inquiries": ("Many recent credit inquiries", "近期征信查询次数较多"),
    "n_inquiries": ("Many recent credit inquiries", "近期征信查询次数较多"),
    "dpd": ("Recent days past due", "近期存在逾期"),
    "max_dpd": ("Recent days past due", "近期存在逾期"),
    "months_on_book": ("Short relationship with us", "在本机构的合作时间较短"),
    "tenure": ("Short time in current job or address", "当前工作或居住时间较短"),
    "employment_years": ("Short time in current employment", "当前工作年限较短"),
    "credit_history": ("Credit history shows adverse records", "信用历史存在不良记录"),
    "credit_history_length": ("Short credit history", "信用历史较短"),
    "delinquencies": ("Past delinquencies on file", "存在历史逾期记录"),
    "savings": ("Low savings balance", "储蓄余额较低"),
    "purpose": ("Loan purpose carries higher observed risk", "借款用途的历史风险较高"),
    "region": ("Region carries higher observed risk", "所在地区的历史风险较高"),
    "province": ("Region carries higher observed risk", "所在地区的历史风险较高"),
    "device_risk": ("Device signals indicate elevated risk", "设备信号显示风险偏高"),
    "spend_growth": ("Spending has risen sharply", "消费金额增长过快"),
    "payment_ratio": ("Low share of the bill repaid", "账单还款比例偏低"),
}


GENERIC_EN = "Risk factor: "
GENERIC_ZH = "风险因素："


def is_generic(en: str, zh: str) -> bool:
    """Whether a reason is the fallback that only names the variable (a shipped card must
    never give one; ``creditline.origination.feature_reasons`` holds their texts)."""
    return en.startswith(GENERIC_EN) or zh.startswith(GENERIC_ZH)


def derive_code(variable: str, prefix: str = "A") -> str:
    """``A_<VARIABLE>`` in upper snake case, stable for a given variable name."""
    body = re.sub(r"[^0-9A-Za-z]+", "_", variable).strip("_").upper() or "VAR"
    return f"{prefix}_{body}"


def reason_text(variable: str, overrides: Mapping[str, Mapping[str, str]] | None = None,
                prefix: str = "A") -> ReasonText:
    """Catalogue entry for ``variable``: overrides first (keys ``code``/``en``/``zh``), then the
    known texts, then a generic text that still names the variable."""
    over = dict((overrides or {}).get(variable, {}))
    key = variable.lower()
    en, zh = _KNOWN.get(key, (f"{GENERIC_EN}{variable}", f"{GENERIC_ZH}{variable}"))
    return ReasonText(code=over.get("code", derive_code(variable, prefix)),
                      en=over.get("en", en), zh=over.get("zh", zh))
