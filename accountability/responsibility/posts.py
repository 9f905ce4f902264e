"""The fixed vocabulary of responsibility posts (岗位), with their level and kind of responsibility.

Codes are stable: quotas and escalation rules name posts by code. The responsibility kinds follow
the Suzhou rules (seed 000, Art. 4, 9, 20, 23, 28); see docs/responsibility.md for the choices made
where the seed is silent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from accountability.hierarchy.models import AdminLevel


class Post(models.TextChoices):
    CITY_SECRETARY = "city_secretary", _("市委书记")
    CITY_MAYOR = "city_mayor", _("市长")
    CITY_LEADER_IN_CHARGE = "city_leader_in_charge", _("分管市领导")
    CITY_LEADER = "city_leader", _("市四大班子领导")
    COUNTY_SECRETARY = "county_secretary", _("县(区)委书记")
    COUNTY_HEAD = "county_head", _("县(区)长")
    COUNTY_LEADER_IN_CHARGE = "county_leader_in_charge", _("分管县(区)领导")
    COUNTY_LEADER = "county_leader", _("县四大班子领导")
    COUNTY_LEADER_FOR_TOWNSHIP = "county_leader_for_township", _("包乡镇县领导")
    TOWNSHIP_SECRETARY = "township_secretary", _("乡镇党委书记")
    TOWNSHIP_HEAD = "township_head", _("乡镇长")
    TOWNSHIP_LEADER_IN_CHARGE = "township_leader_in_charge", _("分管乡镇领导")
    TOWNSHIP_CADRE_FOR_VILLAGE = "township_cadre_for_village", _("包村干部")
    VILLAGE_SECRETARY = "village_secretary", _("村党组织书记")
    VILLAGE_DIRECTOR = "village_director", _("村委会主任")
    FIRST_SECRETARY = "first_secretary", _("第一书记(驻村工作队长)")
    WORK_TEAM_MEMBER = "work_team_member", _("驻村工作队员")
    VILLAGE_HOUSEHOLD_CADRE = "village_household_cadre", _("村包户干部")
    HELPING_UNIT_HEAD = "helping_unit_head", _("包保单位主要负责人")
    HELPING_CADRE = "helping_cadre", _("帮扶责任人(包保干部)")


class ResponsibilityKind(models.TextChoices):
    FIRST = "first", _("第一责任人")
    DIRECT = "direct", _("直接责任人")
    SPECIFIC = "specific", _("具体责任人")
    JOINT = "joint", _("连带责任")


@dataclass(frozen=True)
class PostSpec:
    level: AdminLevel
    kind: ResponsibilityKind
    single_holder: bool = False  # at most one holder per unit at any date
    joint_liability: bool = False  # also jointly liable (连带责任), seed 000 Art. 28
    leadership_team: bool = False  # counts as a member of the level's "four leadership teams"


F, D, S, J = (
    ResponsibilityKind.FIRST,
    ResponsibilityKind.DIRECT,
    ResponsibilityKind.SPECIFIC,
    ResponsibilityKind.JOINT,
)
CITY, COUNTY, TOWNSHIP, VILLAGE = AdminLevel.CITY, AdminLevel.COUNTY, AdminLevel.TOWNSHIP, AdminLevel.VILLAGE

POSTS: dict[Post, PostSpec] = {
    Post.CITY_SECRETARY: PostSpec(CITY, F, single_holder=True, leadership_team=True),
    Post.CITY_MAYOR: PostSpec(CITY, F, single_holder=True, leadership_team=True),
    Post.CITY_LEADER_IN_CHARGE: PostSpec(CITY, D, single_holder=True, leadership_team=True),
    Post.CITY_LEADER: PostSpec(CITY, S, leadership_team=True),
    Post.COUNTY_SECRETARY: PostSpec(COUNTY, F, single_holder=True, leadership_team=True),
    Post.COUNTY_HEAD: PostSpec(COUNTY, F, single_holder=True, leadership_team=True),
    Post.COUNTY_LEADER_IN_CHARGE: PostSpec(COUNTY, D, single_holder=True, leadership_team=True),
    Post.COUNTY_LEADER: PostSpec(COUNTY, S, leadership_team=True),
    Post.COUNTY_LEADER_FOR_TOWNSHIP: PostSpec(TOWNSHIP, D),
    Post.TOWNSHIP_SECRETARY: PostSpec(TOWNSHIP, F, single_holder=True),
    Post.TOWNSHIP_HEAD: PostSpec(TOWNSHIP, F, single_holder=True),
    Post.TOWNSHIP_LEADER_IN_CHARGE: PostSpec(TOWNSHIP, D, single_holder=True),
    Post.TOWNSHIP_CADRE_FOR_VILLAGE: PostSpec(VILLAGE, S),
    Post.VILLAGE_SECRETARY: PostSpec(VILLAGE, F, single_holder=True),
    Post.VILLAGE_DIRECTOR: PostSpec(VILLAGE, D, single_holder=True),
    Post.FIRST_SECRETARY: PostSpec(VILLAGE, D, single_holder=True, joint_liability=True),
    Post.WORK_TEAM_MEMBER: PostSpec(VILLAGE, J, joint_liability=True),
    Post.VILLAGE_HOUSEHOLD_CADRE: PostSpec(VILLAGE, D),
    Post.HELPING_UNIT_HEAD: PostSpec(VILLAGE, D, joint_liability=True),
    Post.HELPING_CADRE: PostSpec(VILLAGE, D, joint_liability=True),
}

SINGLE_HOLDER_POSTS = tuple(post.value for post, spec in POSTS.items() if spec.single_holder)


def leadership_team_posts(level: AdminLevel) -> tuple[str, ...]:
    """Posts whose holders count as members of the level's leadership team (for quotas)."""
    return tuple(post.value for post, spec in POSTS.items() if spec.level == level and spec.leadership_team)


def post_by_label() -> dict[str, Post]:
    """Chinese post names (and a few common variants) to posts, for imports."""
    labels: dict[str, Post] = {str(post.label): post for post in Post}
    labels.update(
        {
            "第一书记": Post.FIRST_SECRETARY,
            "驻村工作队长": Post.FIRST_SECRETARY,
            "帮扶责任人": Post.HELPING_CADRE,
            "包保干部": Post.HELPING_CADRE,
            "县委书记": Post.COUNTY_SECRETARY,
            "区委书记": Post.COUNTY_SECRETARY,
            "县长": Post.COUNTY_HEAD,
            "区长": Post.COUNTY_HEAD,
            "分管县领导": Post.COUNTY_LEADER_IN_CHARGE,
            "乡镇党委书记": Post.TOWNSHIP_SECRETARY,
            "乡(镇)长": Post.TOWNSHIP_HEAD,
            "镇长": Post.TOWNSHIP_HEAD,
            "乡长": Post.TOWNSHIP_HEAD,
            "村支书": Post.VILLAGE_SECRETARY,
        }
    )
    return labels
