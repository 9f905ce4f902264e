from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("已上传")
    VALIDATING = "validating", _("校验中")
    VALIDATED = "validated", _("已校验，待确认")
    WRITING = "writing", _("写入中")
    DONE = "done", _("已完成")
    REJECTED = "rejected", _("文件被拒绝")
    FAILED = "failed", _("失败")


class ImportJob(models.Model):
    """One upload of an Excel file of some import kind: who, when, which file, what it did.

    The job is itself the audit record of the import; the rows it wrote are in each table's
    history under a context that names this job.
    """

    kind = models.CharField(_("导入类型"), max_length=40)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件哈希(SHA-256)"), max_length=64)
    size = models.PositiveBigIntegerField(_("文件大小(字节)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    jurisdiction = models.ForeignKey(
        "accountability.AdminUnit",
        verbose_name=_("管辖范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    #: when ``status`` last changed (set by ``save``): how long a job has been in its state, for
    #: the periodic task that fails jobs stuck in an intermediate state (accountability.tasks)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True, editable=False)
    strict = models.BooleanField(_("严格模式"), default=False, help_text=_("任何一行有错误时不写入任何数据"))
    status = models.CharField(
        _("状态"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    message = models.TextField(_("说明"), blank=True)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    new_rows = models.PositiveIntegerField(_("新增"), default=0)
    changed_rows = models.PositiveIntegerField(_("变更"), default=0)
    unchanged_rows = models.PositiveIntegerField(_("未变"), default=0)
    invalid_rows = models.PositiveIntegerField(_("有错误"), default=0)
    written_rows = models.PositiveIntegerField(_("已写入"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    jurisdiction_path = "jurisdiction__code"

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if (update_fields is None or "status" in update_fields) and (
            self._state.adding or self.status != getattr(self, "_status_loaded", None)
        ):
            self.status_changed_at = timezone.now()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "status_changed_at"}
        super().save(*args, **kwargs)
        self._status_loaded = self.status

    @classmethod
    def from_db(cls, db, field_names, values):
        job = super().from_db(db, field_names, values)
        job._status_loaded = job.__dict__.get("status")
        return job

    @property
    def kind_label(self) -> str:
        from accountability.importing.kinds import REGISTRY

        kind = REGISTRY.get(self.kind)
        return kind.label if kind else self.kind

    @property
    def is_running(self) -> bool:
        return self.status in {ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.WRITING}

    @property
    def can_confirm(self) -> bool:
        if self.status != ImportStatus.VALIDATED:
            return False
        if self.strict and self.invalid_rows:
            return False
        return bool(self.new_rows or self.changed_rows)


class ExportRecord(models.Model):
    """Every export a user downloads: who, what, when (an audit trail for personal data)."""

    kind = models.CharField(_("导出类型"), max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("导出时间"), auto_now_add=True)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    masked = models.BooleanField(_("个人信息已脱敏"), default=True)

    class Meta:
        verbose_name = _("导出记录")
        verbose_name_plural = _("导出记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"
