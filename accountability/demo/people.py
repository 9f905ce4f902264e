"""Deterministic fictional people: names, valid ID numbers and mobile numbers."""

from __future__ import annotations

import datetime as dt
import random

from accountability.platform.idnumbers import check_character

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉林文斌志峰辉海波宁鹏"
    "飞雪琳晨阳浩然子涵欣怡思远嘉怡佳琪雨桐宇轩梓萱"
)


class People:
    """Draws people from a seeded generator so that every run makes the same ones."""

    def __init__(self, seed: int = 2020) -> None:
        self.random = random.Random(seed)
        self.used_ids: set[str] = set()

    def name(self) -> str:
        given = "".join(self.random.choice(GIVEN) for _ in range(self.random.choice((1, 2))))
        return self.random.choice(SURNAMES) + given

    def id_number(
        self, region: str, *, born_from: int = 1960, born_to: int = 1995, sex: str | None = None
    ) -> str:
        while True:
            birth = dt.date(born_from, 1, 1) + dt.timedelta(
                days=self.random.randrange((dt.date(born_to, 12, 31) - dt.date(born_from, 1, 1)).days)
            )
            sequence = self.random.randrange(0, 999)
            if (sex == "male" and sequence % 2 == 0) or (sex == "female" and sequence % 2 == 1):
                sequence = (sequence + 1) % 1000
            first17 = f"{region[:6]}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + check_character(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def mobile(self) -> str:
        return "1" + self.random.choice("3589") + "".join(self.random.choice("0123456789") for _ in range(9))
