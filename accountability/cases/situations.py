"""Situations that call for accountability (Jinan measures, seed 001 Art. 5–10: A-5 … A-10) and the
forms of accountability (Art. 11) as stable codes with their Chinese labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

SITUATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "A-5": (
        "不重视、不担当、不作为",
        (
            "未落实主体责任、直接责任或责任落实不到位",
            "决策部署传达贯彻不及时、执行落实不到位",
            "工作机制不健全，走过场、被动应付",
            "未逐级签订责任书或签订后不督导不考核",
            "敷衍塞责、推诿扯皮，有令不行",
            "政策措施失误或偏差造成严重后果",
            "未完成年度减贫计划任务",
            "其他影响脱贫攻坚进展的行为",
        ),
    ),
    "A-6": (
        "不落实精准算账，底数不清、措施不明",
        (
            "贫困村、贫困户识别不精准",
            "违反退出规定，“数字脱贫”、假脱贫",
            "精准算账不力，群众认可度低",
            "未落实精准施策和动态调整，返贫严重",
            "其他影响脱贫攻坚成效的行为",
        ),
    ),
    "A-7": (
        "扶贫资金项目监管不到位",
        (
            "项目安排不科学、资金分配不合理",
            "申报审批把关不严、程序不规范、拨付不及时",
            "项目未按时开工、竣工",
            "违反资金使用方向范围标准，管理混乱",
            "其他违反资金项目监管规定的行为",
        ),
    ),
    "A-8": (
        "不履行帮扶责任",
        (
            "帮挂团队、方案、任务落实不到位",
            "第一书记派驻单位不重视、不支持",
            "第一书记任务落实不到位、群众满意度低",
            "联系贫困户不细致，未入户走访",
            "其他不履行帮扶职责的行为",
        ),
    ),
    "A-9": (
        "不践行群众路线，作风不严不实",
        (
            "违反八项规定精神，损害群众利益",
            "方式简单粗暴，漠视群众诉求",
            "信访、12345 热线等转办问题消极应付",
            "政策宣传不到位，应享未享",
            "其他违反群众纪律的行为",
        ),
    ),
    "A-10": (
        "不落实一岗双责，违纪违规突出",
        (
            "“两个责任”落实不力",
            "虚报冒领、截留私分、贪污挪用扶贫资金",
            "重大事项盲目决策造成严重失误或损失",
            "对发现的问题处理不严、整改不力",
            "其他违规违纪应予追究的行为",
        ),
    ),
}


def situation_choices() -> list[tuple[str, str]]:
    """``A-6.1`` style codes for every sub-item, labelled for forms and filters."""
    return [
        (f"{code}.{n}", f"{code}（{title}）第{n}项：{item}")
        for code, (title, items) in SITUATIONS.items()
        for n, item in enumerate(items, start=1)
    ]


def situation_label(code: str) -> str:
    return dict(situation_choices()).get(code, code)


class Severity(models.TextChoices):
    MINOR = "minor", _("较轻")
    SERIOUS = "serious", _("较重")
    SEVERE = "severe", _("严重")


class AccountabilityForm(models.TextChoices):
    # for units (Art. 11) and individuals; 002 §11(10) and Suzhou (seed 000 Art. 39, 41) add the rest
    WRITTEN_SELF_EXAMINATION = "written_self_examination", _("责令作出书面检查")
    DEADLINE_RECTIFICATION = "deadline_rectification", _("责令限期整改")
    PUBLIC_APOLOGY = "public_apology", _("责令公开道歉")
    CIRCULATED_CRITICISM = "circulated_criticism", _("通报批评")
    ADMONISHING_TALK = "admonishing_talk", _("约谈")
    CIRCULATION = "circulation", _("通报")
    ADMONITION = "admonition", _("诫勉")
    ORGANISATIONAL_HANDLING = "organisational_handling", _("组织调整或者组织处理")
    DISCIPLINARY_SANCTION = "disciplinary_sanction", _("纪律处分")
    REMOVAL = "removal", _("免职")
    RESIGNATION = "resignation", _("引咎辞职")
    SELF_CRITICISM_TO_UPPER = "self_criticism_to_upper", _("写出检查")
    AWARD_INELIGIBLE = "award_ineligible", _("取消评先评优资格")
    CORRESPONDING_HANDLING = "corresponding_handling", _("相应处理")
    # seed 000 Art. 39 in its own words
    HOLD_ACCOUNTABLE = "hold_accountable", _("追究责任")
    AT_DISCRETION = "at_discretion", _("视情追究")
    PARTY_GOVERNMENT_DISCIPLINE = "party_government_discipline", _("党纪政纪处分")
    PERFORMANCE_AWARD_INELIGIBLE = "performance_award_ineligible", _("取消年度绩效考评评优资格")
    # seed 000 Art. 41, 002 §11(12)
    ONE_VOTE_VETO = "one_vote_veto", _("一票否决")
    # seed 002 §11(10)
    CRITICISM_EDUCATION = "criticism_education", _("批评教育")
    TRANSFER_FROM_POST = "transfer_from_post", _("调离现工作岗位")
    SUSPENSION = "suspension", _("停职检查")
    ORDERED_RESIGNATION = "ordered_resignation", _("责令辞职")


F = AccountabilityForm

UNIT_FORMS = {
    F.WRITTEN_SELF_EXAMINATION,
    F.DEADLINE_RECTIFICATION,
    F.PUBLIC_APOLOGY,
    F.CIRCULATED_CRITICISM,
    F.AWARD_INELIGIBLE,
    F.CRITICISM_EDUCATION,
    F.PERFORMANCE_AWARD_INELIGIBLE,
    F.ONE_VOTE_VETO,
}

#: forms that take effect only after the authority above approves (seed 000 Art. 39(6)
#: 「报请上级批准同意后」; removal and resignation are decided per cadre-management authority)
NEEDS_APPROVAL = frozenset({F.REMOVAL, F.RESIGNATION, F.ORDERED_RESIGNATION})

#: 「通报批评及以上问责」 (Art. 41): circulated criticism and every heavier form, for units and persons
#: (Jinan Art. 11–12 order: 通报 ranks with 通报批评; 诫勉, organisational handling, discipline, and the
#: 002 §11(10) forms after 通报批评 are heavier)
CIRCULATED_CRITICISM_OR_HEAVIER = frozenset(
    {
        F.CIRCULATED_CRITICISM,
        F.CIRCULATION,
        F.ADMONITION,
        F.ORGANISATIONAL_HANDLING,
        F.DISCIPLINARY_SANCTION,
        F.PARTY_GOVERNMENT_DISCIPLINE,
        F.TRANSFER_FROM_POST,
        F.SUSPENSION,
        F.ORDERED_RESIGNATION,
        F.REMOVAL,
        F.RESIGNATION,
        F.ONE_VOTE_VETO,
    }
)


class FaultTolerance(models.TextChoices):
    """容错 (seed 001 Art. 14): responsibility lightened, reduced or exempted."""

    NONE = "", _("—")
    LIGHTER = "lighter", _("从轻")
    REDUCED = "reduced", _("减轻")
    EXEMPTED = "exempted", _("免除")
