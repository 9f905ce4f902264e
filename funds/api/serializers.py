from __future__ import annotations

from rest_framework import serializers

from funds.models import (
    Acceptance,
    DisbursementRequest,
    EvaluationScore,
    FundPlan,
    Grade,
    PerformanceEvaluation,
    ProgressReport,
    Project,
    ProjectNotice,
    RectificationOrder,
)
from funds.services import STEPS


class FundProjectSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name", read_only=True)
    location_name = serializers.CharField(source="location.name", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "number",
            "name",
            "year",
            "category",
            "use",
            "location",
            "location_name",
            "township",
            "county",
            "implementer",
            "subsidy",
            "stage",
            "stage_label",
            "planned_start",
            "planned_end",
            "library_on",
            "applied_on",
            "assessed_on",
            "approved_on",
            "plan_submitted_on",
            "plan_review",
            "plan_approved_on",
            "funds_released_on",
            "filed_on",
            "started_on",
            "completed_on",
            "accepted_on",
            "acceptance_grade",
            "acceptance_entered_on",
            "handed_over_on",
            "archive_number",
            "is_continuation",
        ]
        read_only_fields = fields


class FundDeadlineSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    after = serializers.DateField()
    due = serializers.DateField(allow_null=True)
    done = serializers.DateField(allow_null=True)
    state = serializers.CharField()
    late_by = serializers.IntegerField(allow_null=True, help_text="逾期工作日数（完工、报账为自然日）")
    working_days = serializers.BooleanField()
    detail = serializers.CharField()


class FundNoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectNotice
        fields = ["id", "kind", "posted_on", "place", "contents", "photo", "comments"]
        read_only_fields = fields


class FundRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = DisbursementRequest
        fields = [
            "id",
            "project",
            "sequence",
            "amount",
            "progress_percent",
            "requested_on",
            "status",
            "decided_on",
            "reason",
            "paid_on",
        ]
        read_only_fields = fields


class FundReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "trigger",
            "event_on",
            "reported_on",
            "progress_percent",
            "fund_use",
            "households_benefited",
        ]
        read_only_fields = fields


class FundAcceptanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Acceptance
        fields = [
            "id",
            "round",
            "initial_checked_on",
            "requested_on",
            "audit_opinion_on",
            "accepted_on",
            "grade",
            "task_done",
            "funds_managed",
            "benefits",
            "archives",
            "notices_and_boards",
            "maintenance",
        ]
        read_only_fields = fields


class FundOrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = RectificationOrder
        fields = ["id", "project", "reason", "details", "issued_on", "due_on", "outcome", "closed_on"]
        read_only_fields = fields


class FundProjectDetailSerializer(FundProjectSerializer):
    deadlines = serializers.SerializerMethodField()
    notices_missing = serializers.SerializerMethodField()
    disbursement_blocked = serializers.SerializerMethodField()
    notices = FundNoticeSerializer(many=True, read_only=True)
    disbursement_requests = FundRequestSerializer(many=True, read_only=True)
    progress_reports = FundReportSerializer(many=True, read_only=True)
    acceptances = FundAcceptanceSerializer(many=True, read_only=True)
    rectification_orders = FundOrderSerializer(many=True, read_only=True)

    class Meta(FundProjectSerializer.Meta):
        fields = [
            *FundProjectSerializer.Meta.fields,
            "construction_content",
            "person_responsible",
            "deadlines",
            "notices_missing",
            "disbursement_blocked",
            "notices",
            "disbursement_requests",
            "progress_reports",
            "acceptances",
            "rectification_orders",
        ]
        read_only_fields = fields

    def _status(self, project):
        from funds.selectors import statuses

        cache = self.context.setdefault("_status", {})
        if project.pk not in cache:
            cache[project.pk] = statuses([project])[0]
        return cache[project.pk]

    def get_deadlines(self, project) -> list[dict]:
        return [{**FundDeadlineSerializer(d).data, "state": d.state} for d in self._status(project).deadlines]

    def get_notices_missing(self, project) -> list[str]:
        return self._status(project).notices_missing

    def get_disbursement_blocked(self, project) -> str | None:
        from funds.selectors import disbursement_blocked

        return disbursement_blocked(project)


class FundProjectCreateSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=50)
    name = serializers.CharField(max_length=200)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    category = serializers.CharField(help_text="项目类别名称，如 发展资金")
    use = serializers.CharField(help_text="资金用途代码，如 industry")
    location = serializers.CharField(max_length=12, help_text="村或乡镇的行政区划代码")
    implementer = serializers.CharField(max_length=200)
    construction_content = serializers.CharField()
    subsidy = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    library_on = serializers.DateField()
    applicant = serializers.CharField(max_length=200, required=False, allow_blank=True)
    person_responsible = serializers.CharField(max_length=50, required=False, allow_blank=True)
    person_responsible_id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    planned_start = serializers.DateField(required=False, allow_null=True)
    planned_end = serializers.DateField(required=False, allow_null=True)
    is_continuation = serializers.BooleanField(required=False, default=False)


class FundStepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=[(code, label) for code, (label, _perm) in STEPS.items()])
    on = serializers.DateField()
    document = serializers.CharField(required=False, allow_blank=True)
    review = serializers.ChoiceField(choices=["expert", "office"], required=False)
    grade = serializers.ChoiceField(choices=Grade.choices, required=False)
    task_done = serializers.BooleanField(required=False, allow_null=True, default=None)
    funds_managed = serializers.BooleanField(required=False, allow_null=True, default=None)
    benefits = serializers.BooleanField(required=False, allow_null=True, default=None)
    archives = serializers.BooleanField(required=False, allow_null=True, default=None)
    notices_and_boards = serializers.BooleanField(required=False, allow_null=True, default=None)
    maintenance = serializers.BooleanField(required=False, allow_null=True, default=None)
    accepted_by = serializers.CharField(required=False, allow_blank=True)
    to = serializers.CharField(required=False, allow_blank=True)
    handover_list = serializers.CharField(required=False, allow_blank=True)


class FundNoticeCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["approval", "site"])
    posted_on = serializers.DateField()
    contents = serializers.DictField(child=serializers.CharField(allow_blank=True))
    place = serializers.CharField(required=False, allow_blank=True)


class FundRequestCreateSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    on = serializers.DateField()
    progress_percent = serializers.IntegerField(min_value=0, max_value=100, default=0)


class FundDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class FundOrderCreateSerializer(serializers.Serializer):
    reason = serializers.CharField()
    on = serializers.DateField()
    details = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class FundOrderCloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["lifted", "recovered"])
    on = serializers.DateField()


class FundPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = FundPlan
        fields = [
            "id",
            "county",
            "year",
            "name",
            "source",
            "amount",
            "issued_on",
            "guide_published_on",
            "guide_url",
            "approvals_issued_on",
            "discipline_filed_on",
        ]
        read_only_fields = fields


class FundEvaluationScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationScore
        fields = ["id", "unit_name", "department", "scores", "bonus", "deduction", "total"]
        read_only_fields = fields


class FundEvaluationSerializer(serializers.ModelSerializer):
    scores = FundEvaluationScoreSerializer(many=True, read_only=True)
    problems = serializers.SerializerMethodField()

    class Meta:
        model = PerformanceEvaluation
        fields = [
            "id",
            "county",
            "year",
            "started_on",
            "finished_on",
            "published_on",
            "allocation_note",
            "scores",
            "problems",
        ]
        read_only_fields = fields

    def get_problems(self, evaluation) -> list[str]:
        from funds.rules import evaluation_timing

        return evaluation_timing(evaluation.year, evaluation.started_on, evaluation.finished_on)
