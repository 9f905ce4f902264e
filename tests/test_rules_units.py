import pytest

from accountability.hierarchy.rules import code_problem, level_problem, parent_code
from accountability.models import AdminLevel

C, X, T, V = AdminLevel.CITY, AdminLevel.COUNTY, AdminLevel.TOWNSHIP, AdminLevel.VILLAGE


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("341302100201", None),
        ("34130210020", "应为 12 位数字"),
        ("3413021002011", "应为 12 位数字"),
        ("34130210020A", "只能包含数字"),
        ("", "只能包含数字"),
    ],
)
def test_code_problem(code, problem):
    result = code_problem(code)
    assert (result is None) if problem is None else (problem in result)


@pytest.mark.parametrize(
    ("code", "level", "ok"),
    [
        ("341300000000", C, True),
        ("340000000000", C, False),  # the city segment is zeros: that is a province
        ("341302000000", C, False),
        ("341302000000", X, True),
        ("341300000000", X, False),
        ("341302100000", X, False),
        ("341302100000", T, True),
        ("341302000000", T, False),
        ("341302100201", T, False),
        ("341302100201", V, True),
        ("341302100000", V, False),
    ],
)
def test_level_problem(code, level, ok):
    assert (level_problem(code, level) is None) is ok


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("341300000000", C, None),
        ("341302000000", X, "341300000000"),
        ("341302100000", T, "341302000000"),
        ("341302100201", V, "341302100000"),
    ],
)
def test_parent_code_is_derived_from_the_code(code, level, parent):
    assert parent_code(code, level) == parent
