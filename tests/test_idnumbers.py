import datetime as dt

import pytest

from accountability.platform.idnumbers import (
    check_character,
    id_facts,
    id_number_problem,
    mask_id_number,
    mask_mobile,
)

VALID = "11010519491231002X"  # the standard's own example


def test_the_standards_example_is_valid():
    assert check_character("11010519491231002") == "X"
    assert id_number_problem(VALID) is None
    assert id_number_problem(VALID.lower()) is None


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("110105194912310021", "校验位错误（应为 X）"),
        ("11010519491231002", "应为 18 位"),
        ("1101051949123100XX", "格式不对"),
        ("110105194902300023", "出生日期 19490230 不存在"),
        ("110105180001010010", "不合理"),
    ],
)
def test_invalid_numbers_say_why(number, problem):
    assert problem in id_number_problem(number)


def test_birth_date_and_sex_are_derived():
    facts = id_facts(VALID)
    assert facts.birth_date == dt.date(1949, 12, 31)
    assert facts.sex == "female"  # 17th digit 2 is even


def test_masking_keeps_region_and_last_four():
    assert mask_id_number(VALID) == "110105********002X"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_id_number("") == ""
