"""Plausible Chinese names in Hanzi, with their pinyin for e-mail addresses.

Surnames carry their rough share of the population, so 王, 李 and 张 are common and
诸葛 is rare; given names are one or two characters from pools that lean male or
female.  Small built-in lists are enough: the point is realistic-looking data that
never names a real person on purpose, not onomastics.
"""

from __future__ import annotations

import numpy as np

# (Hanzi, pinyin, weight ~ share of the population in per cent)
_SURNAMES: tuple[tuple[str, str, float], ...] = (
    ("王", "wang", 7.1), ("李", "li", 7.0), ("张", "zhang", 6.7), ("刘", "liu", 5.4),
    ("陈", "chen", 4.5), ("杨", "yang", 3.1), ("黄", "huang", 2.2), ("赵", "zhao", 2.0),
    ("吴", "wu", 1.8), ("周", "zhou", 1.7), ("徐", "xu", 1.3), ("孙", "sun", 1.3),
    ("马", "ma", 1.1), ("朱", "zhu", 1.1), ("胡", "hu", 1.0), ("郭", "guo", 0.97),
    ("何", "he", 0.9), ("林", "lin", 0.9), ("高", "gao", 0.9), ("罗", "luo", 0.87),
    ("郑", "zheng", 0.8), ("梁", "liang", 0.7), ("谢", "xie", 0.6), ("宋", "song", 0.5),
    ("唐", "tang", 0.5), ("许", "xu", 0.5), ("韩", "han", 0.5), ("冯", "feng", 0.45),
    ("邓", "deng", 0.45), ("曹", "cao", 0.45), ("彭", "peng", 0.4), ("曾", "zeng", 0.4),
    ("肖", "xiao", 0.4), ("田", "tian", 0.4), ("董", "dong", 0.35), ("袁", "yuan", 0.35),
    ("潘", "pan", 0.35), ("于", "yu", 0.34), ("蒋", "jiang", 0.34), ("蔡", "cai", 0.33),
    ("余", "yu", 0.32), ("杜", "du", 0.32), ("叶", "ye", 0.31), ("程", "cheng", 0.31),
    ("苏", "su", 0.3), ("魏", "wei", 0.3), ("吕", "lv", 0.3), ("丁", "ding", 0.28),
    ("任", "ren", 0.28), ("沈", "shen", 0.27), ("姚", "yao", 0.26), ("卢", "lu", 0.26),
    ("姜", "jiang", 0.25), ("崔", "cui", 0.25), ("钟", "zhong", 0.24), ("谭", "tan", 0.24),
    ("陆", "lu", 0.23), ("汪", "wang", 0.23), ("范", "fan", 0.22), ("金", "jin", 0.22),
    ("石", "shi", 0.21), ("廖", "liao", 0.21), ("贾", "jia", 0.2), ("夏", "xia", 0.2),
    ("韦", "wei", 0.2), ("付", "fu", 0.2), ("方", "fang", 0.2), ("白", "bai", 0.19),
    ("邹", "zou", 0.19), ("孟", "meng", 0.18), ("熊", "xiong", 0.18), ("秦", "qin", 0.18),
    ("邱", "qiu", 0.17), ("江", "jiang", 0.17), ("尹", "yin", 0.17), ("薛", "xue", 0.16),
    ("闫", "yan", 0.16), ("段", "duan", 0.16), ("雷", "lei", 0.15), ("侯", "hou", 0.15),
    ("龙", "long", 0.15), ("史", "shi", 0.15), ("陶", "tao", 0.14), ("黎", "li", 0.14),
    ("贺", "he", 0.14), ("顾", "gu", 0.13), ("毛", "mao", 0.13), ("郝", "hao", 0.13),
    ("龚", "gong", 0.12), ("邵", "shao", 0.12), ("万", "wan", 0.12), ("钱", "qian", 0.12),
    ("严", "yan", 0.12), ("覃", "qin", 0.11), ("武", "wu", 0.11), ("戴", "dai", 0.11),
    ("莫", "mo", 0.1), ("孔", "kong", 0.1), ("向", "xiang", 0.1), ("汤", "tang", 0.1),
    ("欧阳", "ouyang", 0.03), ("司马", "sima", 0.01), ("诸葛", "zhuge", 0.005),
    ("上官", "shangguan", 0.005),
)

_MALE_GIVEN: tuple[tuple[str, str], ...] = (
    ("伟", "wei"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"),
    ("杰", "jie"), ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("辉", "hui"), ("鹏", "peng"),
    ("浩", "hao"), ("宇", "yu"), ("俊", "jun"), ("峰", "feng"), ("斌", "bin"), ("刚", "gang"),
    ("建", "jian"), ("华", "hua"), ("志", "zhi"), ("文", "wen"), ("博", "bo"), ("凯", "kai"),
    ("鑫", "xin"), ("晨", "chen"), ("昊", "hao"), ("天", "tian"), ("子", "zi"), ("轩", "xuan"),
    ("睿", "rui"), ("泽", "ze"), ("宏", "hong"), ("海", "hai"), ("龙", "long"), ("飞", "fei"),
    ("林", "lin"), ("波", "bo"), ("国", "guo"), ("成", "cheng"), ("永", "yong"), ("家", "jia"),
    ("振", "zhen"), ("毅", "yi"), ("晓", "xiao"), ("东", "dong"), ("亮", "liang"), ("平", "ping"),
    ("旭", "xu"), ("阳", "yang"),
)

_FEMALE_GIVEN: tuple[tuple[str, str], ...] = (
    ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("艳", "yan"),
    ("娟", "juan"), ("霞", "xia"), ("燕", "yan"), ("玲", "ling"), ("婷", "ting"), ("雪", "xue"),
    ("慧", "hui"), ("颖", "ying"), ("琳", "lin"), ("欣", "xin"), ("怡", "yi"), ("佳", "jia"),
    ("悦", "yue"), ("梦", "meng"), ("萱", "xuan"), ("雨", "yu"), ("晶", "jing"), ("倩", "qian"),
    ("洁", "jie"), ("秀", "xiu"), ("英", "ying"), ("红", "hong"), ("梅", "mei"), ("兰", "lan"),
    ("萍", "ping"), ("丹", "dan"), ("璐", "lu"), ("瑶", "yao"), ("诗", "shi"), ("思", "si"),
    ("涵", "han"), ("可", "ke"), ("月", "yue"), ("春", "chun"), ("晓", "xiao"), ("文", "wen"),
    ("彤", "tong"), ("馨", "xin"), ("薇", "wei"), ("琪", "qi"), ("蕾", "lei"), ("莉", "li"),
)

# Characters for enterprise trade names (字号), e.g. 华信, 恒泰.
BRAND_CHARS = np.array(list("华鑫盛恒泰达兴源诚信宏远嘉瑞博通祥汇德安永丰隆昌创新科金星宇天海中佳万联和晟耀"))

SURNAME_HANZI = np.array([s[0] for s in _SURNAMES])
SURNAME_PINYIN = np.array([s[1] for s in _SURNAMES])
_SURNAME_P = np.array([s[2] for s in _SURNAMES])
_SURNAME_P = _SURNAME_P / _SURNAME_P.sum()

# Female pool first, then male: a person of sex ``m`` draws from
# ``[_GIVEN_OFFSET[m], _GIVEN_OFFSET[m] + _GIVEN_SIZE[m])``.
_GIVEN_HANZI = np.array([g[0] for g in _FEMALE_GIVEN + _MALE_GIVEN])
_GIVEN_PINYIN = np.array([g[1] for g in _FEMALE_GIVEN + _MALE_GIVEN])
_GIVEN_OFFSET = np.array([0, len(_FEMALE_GIVEN)])
_GIVEN_SIZE = np.array([len(_FEMALE_GIVEN), len(_MALE_GIVEN)])


def draw_surnames(rng: np.random.Generator, n: int) -> np.ndarray:
    """Indexes into ``SURNAME_HANZI`` / ``SURNAME_PINYIN``, weighted by frequency."""
    return rng.choice(len(_SURNAMES), size=n, p=_SURNAME_P)


def draw_names(rng: np.random.Generator, male: np.ndarray,
               surname: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Full names (Hanzi) and their pinyin (lower case, no spaces) for people of the
    given sexes.  Pass ``surname`` indexes to keep a family name (parents, siblings)."""
    n = len(male)
    if surname is None:
        surname = draw_surnames(rng, n)
    sex = np.asarray(male, dtype=np.int64)
    picks = (_GIVEN_OFFSET[sex][:, None]
             + np.floor(rng.random((n, 2)) * _GIVEN_SIZE[sex][:, None]).astype(np.int64))
    two_chars = rng.random(n) < 0.7
    hanzi = np.strings.add(SURNAME_HANZI[surname], _GIVEN_HANZI[picks[:, 0]])
    pinyin = np.strings.add(SURNAME_PINYIN[surname], _GIVEN_PINYIN[picks[:, 0]])
    hanzi = np.where(two_chars, np.strings.add(hanzi, _GIVEN_HANZI[picks[:, 1]]), hanzi)
    pinyin = np.where(two_chars, np.strings.add(pinyin, _GIVEN_PINYIN[picks[:, 1]]), pinyin)
    return hanzi, pinyin
