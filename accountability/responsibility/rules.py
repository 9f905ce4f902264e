"""Pure rules about responsibility: which posts each unit must have filled (no database)."""

from __future__ import annotations

from dataclasses import dataclass

from accountability.hierarchy.models import AdminLevel
from accountability.responsibility.posts import Post

#: Posts that must be held for every unit of a level on any date (the gaps report).
REQUIRED_POSTS: dict[AdminLevel, tuple[Post, ...]] = {
    AdminLevel.CITY: (Post.CITY_SECRETARY, Post.CITY_MAYOR, Post.CITY_LEADER_IN_CHARGE),
    AdminLevel.COUNTY: (Post.COUNTY_SECRETARY, Post.COUNTY_HEAD, Post.COUNTY_LEADER_IN_CHARGE),
    AdminLevel.TOWNSHIP: (Post.TOWNSHIP_SECRETARY, Post.TOWNSHIP_HEAD, Post.COUNTY_LEADER_FOR_TOWNSHIP),
    AdminLevel.VILLAGE: (Post.VILLAGE_SECRETARY, Post.TOWNSHIP_CADRE_FOR_VILLAGE),
}
#: Further posts a poor village must have (a dispatched first secretary).
REQUIRED_FOR_POOR_VILLAGES: tuple[Post, ...] = (Post.FIRST_SECRETARY,)
HELPING_UNIT_GAP = "helping_unit"
HELPING_UNIT_GAP_LABEL = "包保单位"


@dataclass(frozen=True)
class Gap:
    unit_code: str
    unit_name: str
    level: str
    missing: str  # a post code, or HELPING_UNIT_GAP
    missing_label: str


def missing_posts(
    *, level: AdminLevel, is_poor_village: bool, held: set[str], has_helping_unit: bool
) -> list[str]:
    """Post codes (and HELPING_UNIT_GAP) a unit lacks, in the order of REQUIRED_POSTS."""
    required = list(REQUIRED_POSTS[AdminLevel(level)])
    if is_poor_village:
        required += REQUIRED_FOR_POOR_VILLAGES
    missing = [post.value for post in required if post.value not in held]
    if is_poor_village and not has_helping_unit:
        missing.append(HELPING_UNIT_GAP)
    return missing
