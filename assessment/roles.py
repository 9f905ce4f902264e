"""What the assessment contributes to the core's roles (accountability/roles.py; docs/roles.md)."""

from accountability.access.roles import contribute_permissions

MODELS = (
    "indicatorsystem",
    "indicator",
    "assessmentround",
    "roundstep",
    "samplehousehold",
    "omittedfamily",
    "enteredvalue",
    "assessmentresult",
    "assessmentreport",
    "quarterlyscore",
    "reporttemplate",
)
VIEW = tuple(f"assessment.view_{model}" for model in MODELS)
#: the poverty offices run the rounds of their level: open them, draw and check the sample, enter
#: values, compute results and generate reports (the indicator system itself: system administrators)
RUN = (
    "assessment.add_assessmentround",
    "assessment.change_assessmentround",
    "assessment.change_roundstep",
    "assessment.add_samplehousehold",
    "assessment.change_samplehousehold",
    "assessment.delete_samplehousehold",
    "assessment.add_omittedfamily",
    "assessment.change_omittedfamily",
    "assessment.add_enteredvalue",
    "assessment.change_enteredvalue",
    "assessment.add_assessmentresult",
    "assessment.add_assessmentreport",
    "assessment.add_quarterlyscore",
    "assessment.change_quarterlyscore",
    "assessment.add_reporttemplate",
)


def contribute() -> None:
    for role in (
        "township_staff",
        "county_office",
        "city_office",
        "auditor",
        "inspector",
        "discipline_officer",
    ):
        contribute_permissions(role, *VIEW)
    for office in ("township_staff", "county_office", "city_office"):
        contribute_permissions(office, *RUN)
