"""Valid-looking identifiers, built in bulk: GB 11643 identity numbers, GB 32100 Unified
Social Credit Codes, mainland mobile numbers, device ids, IPs and e-mail addresses.

Everything is vectorised over numpy arrays so 100,000 people take milliseconds.  The
check characters are computed from the standards' own definitions (weights
``2**(17-i) mod 11`` for GB 11643, ``3**i mod 31`` for GB 32100); the unit tests pin the
results to ``creditline.parties.identity`` so the two can never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from creditline.parties.identity import USCC_CHARSET


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # real GB/T 2260 county-level code
    province: str
    city: str  # Hanzi, as used in enterprise names (深圳市, 德安县)
    tier: int  # 1 = Beijing/Shanghai/Guangzhou/Shenzhen ... 4 = county towns
    weight: float  # relative share of applicants


REGIONS: tuple[Region, ...] = (
    Region("110105", "Beijing", "北京市", 1, 2.0),
    Region("110108", "Beijing", "北京市", 1, 1.5),
    Region("310104", "Shanghai", "上海市", 1, 1.2),
    Region("310115", "Shanghai", "上海市", 1, 2.2),
    Region("440106", "Guangdong", "广州市", 1, 1.5),
    Region("440305", "Guangdong", "深圳市", 1, 1.3),
    Region("440304", "Guangdong", "深圳市", 1, 1.0),
    Region("440882", "Guangdong", "雷州市", 4, 0.7),
    Region("120104", "Tianjin", "天津市", 2, 1.0),
    Region("130102", "Hebei", "石家庄市", 2, 1.0),
    Region("130481", "Hebei", "武安市", 4, 0.8),
    Region("140105", "Shanxi", "太原市", 2, 0.9),
    Region("150102", "Inner Mongolia", "呼和浩特市", 2, 0.5),
    Region("210102", "Liaoning", "沈阳市", 2, 1.0),
    Region("220102", "Jilin", "长春市", 2, 0.6),
    Region("230102", "Heilongjiang", "哈尔滨市", 2, 0.8),
    Region("320102", "Jiangsu", "南京市", 2, 1.2),
    Region("320505", "Jiangsu", "苏州市", 2, 1.2),
    Region("320981", "Jiangsu", "东台市", 4, 0.6),
    Region("330106", "Zhejiang", "杭州市", 2, 1.4),
    Region("340102", "Anhui", "合肥市", 2, 1.0),
    Region("341881", "Anhui", "宁国市", 4, 0.5),
    Region("350102", "Fujian", "福州市", 2, 0.8),
    Region("350203", "Fujian", "厦门市", 2, 0.6),
    Region("360102", "Jiangxi", "南昌市", 2, 0.8),
    Region("360426", "Jiangxi", "德安县", 4, 0.4),
    Region("370102", "Shandong", "济南市", 2, 1.2),
    Region("370202", "Shandong", "青岛市", 2, 1.0),
    Region("370781", "Shandong", "青州市", 4, 0.8),
    Region("410102", "Henan", "郑州市", 2, 1.5),
    Region("411323", "Henan", "淅川县", 4, 0.8),
    Region("420106", "Hubei", "武汉市", 2, 1.4),
    Region("430102", "Hunan", "长沙市", 2, 1.2),
    Region("431102", "Hunan", "永州市", 3, 0.6),
    Region("450102", "Guangxi", "南宁市", 2, 0.9),
    Region("450881", "Guangxi", "桂平市", 4, 0.6),
    Region("460105", "Hainan", "海口市", 3, 0.4),
    Region("500103", "Chongqing", "重庆市", 2, 1.6),
    Region("510104", "Sichuan", "成都市", 2, 1.0),
    Region("510107", "Sichuan", "成都市", 2, 1.6),
    Region("513422", "Sichuan", "木里藏族自治县", 4, 0.1),
    Region("520102", "Guizhou", "贵阳市", 2, 0.7),
    Region("530102", "Yunnan", "昆明市", 2, 0.8),
    Region("540102", "Tibet", "拉萨市", 3, 0.1),
    Region("610113", "Shaanxi", "西安市", 2, 1.2),
    Region("610581", "Shaanxi", "韩城市", 4, 0.3),
    Region("620102", "Gansu", "兰州市", 2, 0.5),
    Region("630102", "Qinghai", "西宁市", 3, 0.2),
    Region("640104", "Ningxia", "银川市", 3, 0.2),
    Region("650102", "Xinjiang", "乌鲁木齐市", 2, 0.5),
)

REGION_CODES = np.array([r.code for r in REGIONS])
REGION_PROVINCES = np.array([r.province for r in REGIONS])
REGION_CITIES = np.array([r.city for r in REGIONS])
REGION_TIERS = np.array([r.tier for r in REGIONS], dtype=np.int8)
_REGION_P = np.array([r.weight for r in REGIONS])
_REGION_P = _REGION_P / _REGION_P.sum()

# Real mobile number segments (China Mobile, Unicom, Telecom) and the virtual-operator
# segments (162, 165, 167, 170, 171) that are cheap to buy in bulk, hence loved by fraud.
MOBILE_PREFIXES = np.array([
    134, 135, 136, 137, 138, 139, 147, 150, 151, 152, 157, 158, 159, 178, 182, 183, 184, 187,
    188, 198, 130, 131, 132, 145, 155, 156, 166, 175, 176, 185, 186, 133, 149, 153, 173, 177,
    180, 181, 189, 191, 199,
])
VIRTUAL_PREFIXES = np.array([162, 165, 167, 170, 171])

_ID_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
_ID_CHECK_ASCII = np.frombuffer(b"10X98765432", dtype=np.uint8)
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
_USCC_ASCII = np.frombuffer(USCC_CHARSET.encode(), dtype=np.uint8)
# GB 11714 organisation-code body characters (digits and the letters USCCs allow).
_ORG_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)


def draw_regions(rng: np.random.Generator, n: int) -> np.ndarray:
    """Indexes into ``REGIONS``, weighted by where applicants live."""
    return rng.choice(len(REGIONS), size=n, p=_REGION_P)


def _shift_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February in a non-leap year
        return d.replace(year=d.year + years, day=28)


def birth_dates(rng: np.random.Generator, ages: np.ndarray, as_of: date) -> np.ndarray:
    """Birth dates (``datetime64[D]``) such that each person is exactly ``ages[i]`` whole
    years old on ``as_of``: uniform over the year of birthdays that gives that age."""
    ages = np.asarray(ages, dtype=np.int64)
    out = np.empty(len(ages), dtype="datetime64[D]")
    u = rng.random(len(ages))
    for a in np.unique(ages):
        rows = ages == a
        upper = np.datetime64(_shift_years(as_of, -int(a)), "D")
        lower = np.datetime64(_shift_years(as_of, -int(a) - 1) + timedelta(days=1), "D")
        span = int((upper - lower).astype(np.int64)) + 1
        out[rows] = lower + np.floor(u[rows] * span).astype(np.int64)
    return out


def _digit_matrix(values: np.ndarray, width: int) -> np.ndarray:
    """``(n, width)`` decimal digits of non-negative integers, most significant first."""
    values = np.asarray(values, dtype=np.int64)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers[None, :]) % 10


def _ascii_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows of ASCII codes -> numpy unicode strings."""
    m = np.ascontiguousarray(matrix.astype(np.uint8))
    return m.view(f"S{m.shape[1]}").ravel().astype(f"U{m.shape[1]}")


def id_numbers(rng: np.random.Generator, region_codes: np.ndarray, births: np.ndarray,
               male: np.ndarray) -> np.ndarray:
    """GB 11643 identity numbers: region, birth date, a sequence whose last digit is odd
    for men and even for women, and the MOD 11-2 check character.  Sequences are redrawn
    until every number is unique."""
    n = len(region_codes)
    ymd = births.astype("datetime64[D]")
    years = ymd.astype("datetime64[Y]").astype(np.int64) + 1970
    months = ymd.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (ymd - ymd.astype("datetime64[M]")).astype(np.int64) + 1
    head = region_codes.astype(np.int64) * 10**8 + years * 10**4 + months * 100 + days
    seq = rng.integers(0, 500, size=n) * 2 + male.astype(np.int64)
    redo = np.ones(n, dtype=bool)
    for _ in range(100):
        key = head * 1000 + seq
        _, first = np.unique(key, return_index=True)
        redo = np.ones(n, dtype=bool)
        redo[first] = False
        if not redo.any():
            break
        seq[redo] = rng.integers(0, 500, size=int(redo.sum())) * 2 + male[redo].astype(np.int64)
    else:  # pragma: no cover - needs ~500 people born the same day in one county
        raise ValueError("could not make identity numbers unique; too many people per region-day")
    body = np.concatenate([_digit_matrix(head, 14), _digit_matrix(seq, 3)], axis=1)
    check = _ID_CHECK_ASCII[(body @ _ID_WEIGHTS) % 11]
    return _ascii_rows(np.concatenate([body + 48, check[:, None]], axis=1))


def usccs(rng: np.random.Generator, region_codes: np.ndarray) -> np.ndarray:
    """GB 32100 Unified Social Credit Codes for companies registered with market
    regulation (``91``), a real region code, a GB 11714 organisation code (with its own
    check character) and the MOD 31 check character; unique."""
    n = len(region_codes)
    body = np.empty((n, 8), dtype=np.int64)
    redo = np.ones(n, dtype=bool)
    for _ in range(100):
        k = int(redo.sum())
        fresh = rng.integers(0, 10, size=(k, 8))
        letters = rng.random((k, 8)) < 0.03  # a few organisation codes carry letters
        fresh[letters] = rng.integers(10, len(_ORG_BODY), size=int(letters.sum()))
        body[redo] = fresh
        key = body @ (len(_ORG_BODY) ** np.arange(7, -1, -1, dtype=np.int64))
        _, first = np.unique(key, return_index=True)
        redo = np.ones(n, dtype=bool)
        redo[first] = False
        if not redo.any():
            break
    org_values = np.array([int(c, 36) for c in _ORG_BODY])[body]  # GB 11714 values: A=10
    c9 = 11 - (org_values @ _ORG_WEIGHTS) % 11
    org_check = np.where(c9 == 10, USCC_CHARSET.index("X"), np.where(c9 == 11, 0, c9))
    # Characters as indexes into the USCC charset (organisation-code letters are a subset).
    org_idx = np.array([USCC_CHARSET.index(c) for c in _ORG_BODY])[body]
    head = np.tile(np.array([9, 1]), (n, 1))
    region = _digit_matrix(region_codes.astype(np.int64), 6)
    first17 = np.concatenate([head, region, org_idx, org_check[:, None]], axis=1)
    check = (31 - (first17 @ _USCC_WEIGHTS) % 31) % 31
    return _ascii_rows(_USCC_ASCII[np.concatenate([first17, check[:, None]], axis=1)])


def unique_mobiles(rng: np.random.Generator, n: int, *, virtual: np.ndarray | None = None,
                   exclude: np.ndarray | None = None) -> np.ndarray:
    """``n`` distinct mobile numbers (as int64), none of them in ``exclude``.  Rows where
    ``virtual`` is true get a virtual-operator segment; elsewhere 1 in 100 does, as in
    real life."""
    virtual = np.zeros(n, dtype=bool) if virtual is None else np.asarray(virtual, dtype=bool)
    banned = np.asarray(exclude if exclude is not None else [], dtype=np.int64)
    out = np.zeros(n, dtype=np.int64)
    todo = np.arange(n)
    while len(todo):
        k = len(todo)
        on_virtual = virtual[todo] | (rng.random(k) < 0.01)
        prefix = np.where(on_virtual, rng.choice(VIRTUAL_PREFIXES, size=k),
                          rng.choice(MOBILE_PREFIXES, size=k))
        out[todo] = prefix.astype(np.int64) * 10**8 + rng.integers(0, 10**8, size=k)
        _, first = np.unique(out, return_index=True)
        clash = np.ones(n, dtype=bool)
        clash[first] = False
        if len(banned):
            clash |= np.isin(out, banned)
        todo = np.flatnonzero(clash)
    return out


def mobile_strings(numbers: np.ndarray) -> np.ndarray:
    return np.asarray(numbers, dtype=np.int64).astype("U11")


def device_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """Distinct 16-hex-digit device ids (Android-ID style)."""
    values = np.empty(0, dtype=np.int64)
    while len(values) < n:
        fresh = rng.integers(0, 2**63 - 1, size=n - len(values), dtype=np.int64)
        values = np.concatenate([values, fresh])
        _, first = np.unique(values, return_index=True)
        values = values[np.sort(first)]
    return np.array([f"{v:016x}" for v in values.tolist()], dtype="U16")


# First octets of address blocks allocated to Chinese networks (APNIC), for plausible IPs.
_CN_FIRST_OCTETS = np.array([36, 39, 42, 49, 58, 59, 60, 61, 101, 106, 110, 111, 112, 113, 114,
                             115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 180, 182,
                             183, 202, 210, 211, 218, 219, 220, 221, 222, 223])


def ipv4s(rng: np.random.Generator, n: int) -> np.ndarray:
    """Public IPv4 addresses in Chinese-allocated blocks (not guaranteed distinct:
    households and carrier NAT share addresses in real life too)."""
    octets = np.stack([rng.choice(_CN_FIRST_OCTETS, size=n), rng.integers(0, 256, size=n),
                       rng.integers(0, 256, size=n), rng.integers(1, 255, size=n)], axis=1)
    parts = octets.astype("U3")
    out = parts[:, 0]
    for j in range(1, 4):
        out = np.strings.add(np.strings.add(out, "."), parts[:, j])
    return out


_MAIL_DOMAINS = np.array(["163.com", "126.com", "sina.com", "outlook.com", "foxmail.com",
                          "139.com", "aliyun.com"])


def emails(rng: np.random.Generator, pinyin: np.ndarray, *, random_local: np.ndarray | None = None
           ) -> np.ndarray:
    """Distinct e-mail addresses: a third are QQ numbers at qq.com, the rest pinyin plus
    digits at a mainland provider; ``random_local`` rows get a throwaway-looking name."""
    n = len(pinyin)
    qq = rng.random(n) < 0.35
    qq_numbers = rng.integers(10**5, 3 * 10**9, size=n).astype("U10")
    digits = rng.integers(0, 10**rng.integers(2, 5, size=n)).astype("U4")
    domain = _MAIL_DOMAINS[rng.integers(0, len(_MAIL_DOMAINS), size=n)]
    local = np.where(qq, qq_numbers, np.strings.add(pinyin, digits))
    domain = np.where(qq, "qq.com", domain)
    if random_local is not None and random_local.any():
        k = int(random_local.sum())
        letters = rng.integers(97, 123, size=(k, 8))
        letters[:, 4:] = rng.integers(48, 58, size=(k, 4))
        local[random_local] = _ascii_rows(letters)
        domain[random_local] = "outlook.com"
    out = np.strings.add(np.strings.add(local, "@"), domain)
    # Make duplicates distinct the way people do: add the row number to the local part.
    dup = ~pl.Series(out.tolist()).is_first_distinct().to_numpy()
    if dup.any():
        tagged = np.strings.add(np.strings.add(local, "."), np.arange(n).astype("U9"))
        out = np.where(dup, np.strings.add(np.strings.add(tagged, "@"), domain), out)
    return out
