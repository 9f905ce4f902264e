"""The upload form of the import pages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accountability.access.imports import importable_kinds


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入类型"))
    file = forms.FileField(label=_("Excel 文件 (.xlsx)"))
    strict = forms.BooleanField(
        label=_("严格模式：任何一行有错误时不写入任何数据"), required=False, initial=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(name, kind.label) for name, kind in importable_kinds(user).items()]
        self.fields["file"].widget.attrs["accept"] = ".xlsx"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件过大（%(size).1f MB），上限为 %(limit).1f MB。"),
                params={"size": upload.size / 1048576, "limit": limit / 1048576},
            )
        return upload
