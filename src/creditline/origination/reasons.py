"""The reason-code catalogue for application decisions, in one place.

Every check that fires and every policy outcome names a code here; the answer to an
applicant carries the code with plain text in English and Chinese.  Score reasons (the
A-card's top adverse factors) come from the scorecard with their own texts and are merged
in by :func:`ranked`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MAX_REASONS = 4


@dataclass(frozen=True)
class ReasonCode:
    code: str
    en: str
    zh: str
    source: str  # screening | policy | score

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "en": self.en, "zh": self.zh, "source": self.source}


def _r(code: str, en: str, zh: str, source: str) -> tuple[str, ReasonCode]:
    return code, ReasonCode(code, en, zh, source)


CATALOGUE: dict[str, ReasonCode] = dict([
    # identity and consent
    _r("ID_INVALID", "Identity number failed validation", "身份证件号码校验未通过", "screening"),
    _r("USCC_INVALID", "Unified Social Credit Code failed validation", "统一社会信用代码校验未通过",
       "screening"),
    _r("PHONE_INVALID", "Mobile number failed validation", "手机号码校验未通过", "screening"),
    _r("NO_CREDIT_CONSENT", "No consent to a credit check", "未授权征信查询", "screening"),
    _r("AGE_BELOW_MIN", "Applicant is below the minimum age", "申请人未达到最低年龄要求", "screening"),
    _r("AGE_ABOVE_MAX", "Applicant is above the maximum age", "申请人超过最高年龄限制", "screening"),
    # blacklists
    _r("BLACKLIST_ID", "Identity is on the blacklist", "身份信息命中黑名单", "screening"),
    _r("BLACKLIST_PHONE", "Phone number is on the blacklist", "手机号码命中黑名单", "screening"),
    _r("BLACKLIST_DEVICE", "Device is on the blacklist", "设备命中黑名单", "screening"),
    # velocity
    _r("VELOCITY_ID_24H", "Too many applications with this identity in 24 hours",
       "同一身份24小时内申请次数过多", "screening"),
    _r("VELOCITY_ID_30D", "Too many applications with this identity in 30 days",
       "同一身份30天内申请次数过多", "screening"),
    _r("VELOCITY_PHONE_24H", "Too many applications with this phone in 24 hours",
       "同一手机号24小时内申请次数过多", "screening"),
    _r("VELOCITY_PHONE_30D", "Too many applications with this phone in 30 days",
       "同一手机号30天内申请次数过多", "screening"),
    _r("VELOCITY_DEVICE_24H", "Too many applications from this device in 24 hours",
       "同一设备24小时内申请次数过多", "screening"),
    _r("VELOCITY_DEVICE_30D", "Too many applications from this device in 30 days",
       "同一设备30天内申请次数过多", "screening"),
    _r("VELOCITY_IP_24H", "Too many applications from this IP address in 24 hours",
       "同一IP地址24小时内申请次数过多", "screening"),
    _r("VELOCITY_IP_30D", "Too many applications from this IP address in 30 days",
       "同一IP地址30天内申请次数过多", "screening"),
    # rings and cool-down
    _r("RING_SIZE", "Applicant is linked to a group of three or more applicants sharing "
       "contacts, devices or IP addresses", "申请人与三人及以上共用紧急联系人、设备或IP的申请群体关联",
       "screening"),
    _r("PHONE_NEW", "The mobile number has been in service for less than 6 months",
       "手机号码在网时长不足6个月", "screening"),
    _r("COOLDOWN", "A recent application was declined; please wait before reapplying",
       "近期申请被拒绝，冷静期内不可再次申请", "screening"),
    # person policy
    _r("INCOME_BELOW_MIN", "Income is below the product minimum", "收入低于产品最低要求", "policy"),
    _r("SCORE_BELOW_CUTOFF", "Credit score is below the approval cut-off",
       "信用评分低于审批门槛", "policy"),
    _r("SCORE_REFER_BAND", "Credit score is in the manual review band",
       "信用评分处于人工审核区间", "policy"),
    _r("DEBT_BURDEN", "Monthly repayments would be too high relative to income",
       "月还款额相对收入过高", "policy"),
    _r("LIMIT_MATRIX", "Limit set by score band and income band", "额度由评分等级与收入等级决定",
       "policy"),
    _r("PRODUCT_MAX", "Limit capped at the product maximum", "额度受产品上限限制", "policy"),
    _r("REQUESTED_LIMIT", "Limit granted as requested", "按申请额度授信", "policy"),
    _r("FIRST_LIMIT", "A first credit line with us starts at the product's first limit",
       "首次在本机构授信，额度以产品的首次授信额度为上限", "policy"),
    _r("LIMIT_BELOW_MIN", "The limit the policy allows is below the product minimum",
       "可授信额度低于产品最低额度", "policy"),
    # enterprise policy
    _r("BUSINESS_TOO_YOUNG", "Business has not been registered long enough",
       "企业成立时间不足", "policy"),
    _r("INDUSTRY_EXCLUDED", "Industry is outside the lending policy", "所属行业不在授信政策范围内",
       "policy"),
    _r("DSCR_LOW", "Cash flow does not cover debt service", "经营现金流不足以覆盖偿债支出", "policy"),
    _r("LEVERAGE_HIGH", "Debt is high relative to assets", "资产负债率偏高", "policy"),
    _r("LIQUIDITY_LOW", "Current assets are low relative to current liabilities",
       "流动比率偏低", "policy"),
    _r("LOSS_MAKING", "The business is making a loss", "企业处于亏损状态", "policy"),
    _r("CASHFLOW_CAPACITY", "Limit set by cash-flow repayment capacity", "额度受现金流偿债能力限制",
       "policy"),
    _r("COLLATERAL_SHORTFALL", "Limit set by collateral value after haircut",
       "额度受抵押物折后价值限制", "policy"),
    _r("INDUSTRY_CAP", "Limit capped by the industry cap", "额度受行业上限限制", "policy"),
    _r("SPECIAL_TERMS", "Limit set by approved special terms for this enterprise",
       "额度按经审批的一企一策特殊条款确定", "policy"),
    # review
    _r("MANUAL_REVIEW", "Decided by a credit reviewer", "由信贷审核员人工决定", "policy"),
])


def lookup(code: str) -> ReasonCode:
    """The catalogue entry; an unknown code still explains itself by name."""
    found = CATALOGUE.get(code)
    if found is not None:
        return found
    return ReasonCode(code, f"Reason {code}", f"原因 {code}", "policy")


def ranked(codes: Iterable[str], score_texts: Mapping[str, Mapping[str, str]] | None = None,
           limit: int = MAX_REASONS) -> list[dict[str, str]]:
    """The first ``limit`` distinct reasons, in the order the policy ranked them, with texts.
    Codes of the A-card's adverse factors take their texts from ``score_texts``."""
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    texts = score_texts or {}
    for code in codes:
        if code in seen:
            continue
        seen.add(code)
        if code in texts and code not in CATALOGUE:
            t = texts[code]
            out.append({"code": code, "en": t.get("en", code), "zh": t.get("zh", code),
                        "source": "score"})
        else:
            out.append(lookup(code).as_dict())
        if len(out) == limit:
            break
    return out
