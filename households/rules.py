"""Pure rules of the registry (no database)."""

from __future__ import annotations


def missing_four_haves(
    *, status: str, has_handbook: bool, has_contact: bool, has_measures: bool, has_exit_certificate: bool
) -> list[str]:
    """H-4 (seed 000 Art. 26): what of the "four haves" a registered household lacks."""
    missing = []
    if not has_handbook:
        missing.append("扶贫手册")
    if not has_contact:
        missing.append("帮扶联系人")
    if not has_measures:
        missing.append("帮扶措施")
    if status == "exited" and not has_exit_certificate:
        missing.append("脱贫光荣证")
    return missing
