"""Import kind ``fund_entries``: the ledgers counties keep in spreadsheets, posted entry by entry
through the same services as the browser — every ledger rule applies to every row, in file order.

``check`` posts the rows inside a transaction that it then rolls back (each row in its own
savepoint, so a refused row leaves no trace and the rows after it see the ledger without it);
``write`` posts the valid rows for real, in the same order. Strict mode writes nothing when any
row has an error (the framework's all-or-nothing).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accountability.importing.kinds import (
    CellError,
    Column,
    ImportKind,
    Row,
    choice_parser,
    parse_date,
    parse_unit_code,
    register,
)
from accountability.models import AdminLevel, AdminUnit
from accountability.platform.validators import nfkc
from funds.ledger import rules, services
from funds.ledger.models import AccountKind, EntryKind, LedgerAccount, LedgerEntry
from funds.models import FundLevel

KINDS = {
    "资金下达": EntryKind.ALLOCATION,
    "项目拨付": EntryKind.DISBURSEMENT,
    "报账": EntryKind.REIMBURSEMENT,
    "质保金扣留": EntryKind.DEPOSIT_WITHHELD,
    "质保金退还": EntryKind.DEPOSIT_RETURNED,
    "收回": EntryKind.RECOVERY,
    "更正": EntryKind.CORRECTION,
}
LEVELS = {str(label): value for value, label in FundLevel.choices}
STAGES = {"首期": rules.FIRST, "二期": rules.SECOND, "尾款": rules.FINAL}


def parse_amount(text: str) -> Decimal:
    """The amount cell through the ledger's one money check (``services.money_value``, which is
    ``funds.rules.money_problem`` and > 0): yuan to the cent, never rounded, within the columns."""
    try:
        return services.money_value(nfkc(text))
    except ValidationError as error:
        raise CellError(f"{_message(error)}") from None


class _Rollback(Exception):
    pass


@register
class FundEntriesImport(ImportKind):
    name = "fund_entries"
    label = "资金台账分录"
    permissions = ("funds.add_ledgerentry", "funds.add_ledgeraccount")  # and posting (the services)
    description = (
        "每行一笔业务，按文件中的顺序逐笔记账，规则与网页记账相同（如二期拨付早于首期为该行错误）。"
        "项目拨付从“资金来源文号”指定的指标中拨付，未记过下达到项目的，自动按所需金额下达；"
        "更正行在“原凭证号”中注明被冲销的凭证。预算科目不在方案科目中、缺少发票的，作为分录提示，不作为错误。"
    )
    columns = (
        Column("凭证号", "voucher_number", required=True),
        Column("日期", "date", required=True, parse=parse_date),
        Column("项目编号", "project_number", help="资金下达类可不填"),
        Column("资金来源文号", "document_number"),
        Column(
            "行政区划代码",
            "county_code",
            parse=parse_unit_code,
            help="资金所属的县(区)；填了项目编号的可不填",
        ),
        Column(
            "资金级次",
            "fund_level",
            parse=choice_parser(LEVELS, "资金级次"),
            help="中央/省级/市级/县级（资金下达必填）",
        ),
        Column("业务类型", "kind", required=True, parse=choice_parser(KINDS, "业务类型")),
        Column(
            "拨付阶段",
            "stage",
            parse=choice_parser(STAGES, "拨付阶段"),
            help="首期/二期/尾款（项目拨付必填）",
        ),
        Column("金额（元）", "amount", required=True, parse=parse_amount, aliases=("金额(元)", "金额")),
        Column("预算科目", "budget_line"),
        Column("摘要", "summary"),
        Column("原凭证号", "reverses", help="更正行必填：被冲销的凭证号"),
    )
    compared_fields = ("amount", "date")

    # --- classification --------------------------------------------------------------------

    def key(self, values: dict[str, Any]) -> Hashable:
        return (values.get("_county"), values.get("voucher_number"), values.get("kind"))

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, dict[str, Any]]:
        keys = {k for k in keys if k[0]}
        if not keys:
            return {}
        found = {}
        entries = LedgerEntry.objects.filter(
            account__county_id__in={k[0] for k in keys}, voucher_number__in={k[1] for k in keys}
        ).values_list("account__county_id", "voucher_number", "kind", "amount", "date")
        for county, voucher, kind, amount, date in entries:
            key = (county, voucher, kind)
            if key in keys and key not in found:
                found[key] = {"amount": amount, "date": date}
        return found

    # --- checking: post every row, then roll back ---------------------------------------------

    def check(self, rows: list[Row]) -> None:
        self._prepare(rows)
        already = self.existing([self.key(r.values) for r in rows if r.valid])
        try:
            with transaction.atomic():
                for row in rows:
                    if not row.valid:
                        continue
                    before = already.get(self.key(row.values))
                    if before is not None:
                        if before != {"amount": row.values["amount"], "date": row.values["date"]}:
                            row.error(
                                "凭证号",
                                "该凭证已记账且金额或日期不同；已过账的分录不可修改，请用“更正”冲销后重新记账",
                            )
                        continue  # the same entry, already posted: unchanged
                    try:
                        with transaction.atomic():
                            self._post(row)
                    except _AlreadyBooked:
                        pass
                    except (ValidationError, PermissionDenied) as error:
                        row.error(self._column_of(row), _message(error))
                raise _Rollback
        except _Rollback:
            pass

    def write(self, new: list[Row], changed: list[Row]) -> int:
        for row in sorted(new, key=lambda r: r.number):
            try:
                self._post(row)
            except _AlreadyBooked:
                continue
            except (ValidationError, PermissionDenied) as error:  # the ledger moved since the check
                raise ValidationError(f"第 {row.number} 行：{_message(error)}") from error
        return len(new)

    # --- one row -------------------------------------------------------------------------------

    def _prepare(self, rows: list[Row]) -> None:
        """Resolve projects and counties (two queries), and the per-kind required columns."""
        from funds.selectors import projects_visible_to

        numbers = {r.values["project_number"] for r in rows if r.values.get("project_number")}
        by_number: dict[str, list] = {}
        self.row_projects = {}  # row number → its project (numbers are unique per county only)
        for found in projects_visible_to(self.user).filter(number__in=numbers).order_by("county_id"):
            by_number.setdefault(found.number, []).append(found)
        counties = {r.values["county_code"] for r in rows if r.values.get("county_code")}
        self.counties = {u.code: u for u in AdminUnit.objects.filter(code__in=counties)}
        for row in rows:
            v = row.values
            kind = v.get("kind")
            county = v.get("county_code")
            # numbers are unique per county only: the row's county picks among the candidates
            candidates = by_number.get(v.get("project_number") or "", [])
            project = next((p for p in candidates if p.county_id == county), None) if county else None
            if project is None and len(candidates) == 1:
                project = candidates[0]
            if v.get("project_number") and not candidates:
                row.error("项目编号", f"项目 {v['project_number']} 不存在")
            elif project is None and candidates:
                row.error(
                    "行政区划代码",
                    f"项目 {v['project_number']} 不属于 {county}"
                    if county
                    else f"项目编号 {v['project_number']} 在多个县使用，请填写项目所在县的行政区划代码",
                )
            self.row_projects[row.number] = project
            if county and (county not in self.counties or self.counties[county].level != AdminLevel.COUNTY):
                row.error("行政区划代码", f"{county} 不是已登记的县(区)代码")
            if project is not None:
                if county and county != project.county_id:
                    row.error(
                        "行政区划代码",
                        f"项目 {project.number} 属于 {project.county_id}，与本行的 {county} 不一致",
                    )
                county = project.county_id
            v["_county"] = county
            if kind is None:
                continue
            needs = {
                EntryKind.ALLOCATION: ("资金来源文号", "行政区划代码", "资金级次"),
                EntryKind.DISBURSEMENT: ("项目编号", "拨付阶段"),
                EntryKind.REIMBURSEMENT: ("项目编号",),
                EntryKind.DEPOSIT_WITHHELD: ("项目编号",),
                EntryKind.DEPOSIT_RETURNED: ("项目编号",),
                EntryKind.RECOVERY: ("项目编号", "资金来源文号"),
                EntryKind.CORRECTION: ("原凭证号",),
            }[kind]
            fields = {
                "资金来源文号": "document_number",
                "行政区划代码": "county_code",
                "资金级次": "fund_level",
                "项目编号": "project_number",
                "拨付阶段": "stage",
                "原凭证号": "reverses",
            }
            for header in needs:
                if not v.get(fields[header]) and not any(h == header for h, _m in row.errors):
                    row.error(header, f"“{KIND_LABEL[kind]}”须填写{header}")
            if kind == EntryKind.CORRECTION and not county:
                row.error("行政区划代码", "更正行须填写项目编号或行政区划代码")

    def _column_of(self, row: Row) -> str:
        return {
            EntryKind.DISBURSEMENT: "拨付阶段",
            EntryKind.CORRECTION: "原凭证号",
            EntryKind.RECOVERY: "金额（元）",
        }.get(row.values["kind"], "金额（元）")

    def _allocation(self, county: str, document: str, level: str | None) -> LedgerAccount:
        accounts = LedgerAccount.objects.filter(
            kind=AccountKind.ALLOCATION, county_id=county, document_number=document
        )
        if level:
            accounts = accounts.filter(fund_level=level)
        found = list(accounts[:2])
        if not found:
            raise ValidationError(f"资金来源 {document} 在 {county} 尚未下达（须先有“资金下达”行）")
        if len(found) > 1:
            raise ValidationError(f"资金来源 {document} 有多个资金级次，请填写资金级次")
        return found[0]

    def _post(self, row: Row) -> None:
        v = row.values
        actor, kind, voucher, date, amount = self.user, v["kind"], v["voucher_number"], v["date"], v["amount"]
        summary = v.get("summary") or ""
        project = self.row_projects.get(row.number)
        if kind == EntryKind.ALLOCATION:
            account = services.ledger_allocation_open(
                actor=actor,
                county=self.counties[v["county_code"]],
                fund_level=v["fund_level"],
                document_number=v["document_number"],
                document_date=date,
                year=date.year,
            )
            services.ledger_allocation_receive(
                actor=actor,
                account=account,
                voucher_number=voucher,
                date=date,
                amount=amount,
                summary=summary,
            )
        elif kind == EntryKind.DISBURSEMENT:
            account = services.ledger_project_account_open(actor=actor, project=project)
            payment = services.disbursement_check(
                project=project, account=account, stage=v["stage"], date=date, amount=amount
            )
            self._implied_release(row, project, payment.amount + payment.deposit)
            services.ledger_disburse(
                actor=actor,
                project=project,
                stage=v["stage"],
                voucher_number=voucher,
                date=date,
                amount=amount,
                summary=summary,
            )
        elif kind == EntryKind.REIMBURSEMENT:
            services.ledger_reimburse(
                actor=actor,
                project=project,
                voucher_number=voucher,
                date=date,
                amount=amount,
                budget_line=v.get("budget_line") or "",
                summary=summary,
                warnings_allowed=True,  # what a spreadsheet cannot carry is a warning on the entry
            )
        elif kind == EntryKind.DEPOSIT_WITHHELD:
            account = LedgerAccount.objects.filter(project=project).first()
            withheld = services.net_total(account, EntryKind.DEPOSIT_WITHHELD) if account else Decimal(0)
            if withheld != amount:
                raise ValidationError(
                    f"质量保证金随尾款拨付自动扣留（本项目已扣留 {withheld} 元）；"
                    f"本行金额 {amount} 元与之不符"
                )
            raise _AlreadyBooked
        elif kind == EntryKind.DEPOSIT_RETURNED:
            account = LedgerAccount.objects.filter(project=project).first()
            held = account.deposit_held if account else Decimal(0)
            if held != amount:
                raise ValidationError(f"退还的质量保证金应为扣留中的全部 {held} 元，而不是 {amount} 元")
            services.ledger_deposit_return(
                actor=actor, project=project, voucher_number=voucher, date=date, summary=summary
            )
        elif kind == EntryKind.RECOVERY:
            allocation = self._allocation(project.county_id, v["document_number"], v.get("fund_level"))
            services.ledger_recover(
                actor=actor,
                project=project,
                allocation=allocation,
                voucher_number=voucher,
                date=date,
                amount=amount,
                summary=summary,
            )
        elif kind == EntryKind.CORRECTION:
            originals = LedgerEntry.objects.filter(
                account__county_id=v["_county"], voucher_number=v["reverses"]
            ).exclude(kind=EntryKind.CORRECTION)
            if project is not None:
                originals = originals.filter(account__project=project)
            original = originals.select_related("account").order_by("pk").first()
            if original is None:
                raise ValidationError(f"原凭证号 {v['reverses']} 不存在")
            if original.amount != amount:
                raise ValidationError(f"更正金额应等于原凭证金额 {original.amount} 元，而不是 {amount} 元")
            services.ledger_reverse(
                actor=actor, entry=original, voucher_number=voucher, date=date, reason=summary or "导入的更正"
            )

    def _implied_release(self, row: Row, project, amount: Decimal) -> None:
        """项目拨付 draws on the allocation the row names: what the project account lacks is released
        from it first (the spreadsheet has no separate release rows)."""
        account = LedgerAccount.objects.filter(project=project).first()
        available = account.available if account else Decimal("0.00")
        if available >= amount:
            return
        document = row.values.get("document_number")
        if not document:
            raise ValidationError(
                f"项目专账可用余额 {available} 元不足，请在“资金来源文号”中注明从哪个指标拨付"
            )
        allocation = self._allocation(project.county_id, document, row.values.get("fund_level"))
        services.ledger_release(
            actor=self.user,
            allocation=allocation,
            project=project,
            voucher_number=row.values["voucher_number"],
            date=row.values["date"],
            amount=amount - available,
            summary="导入：项目拨付所需的资金下达",
        )


class _AlreadyBooked(Exception):
    """A 质保金扣留 row that matches the deposit withheld with the final stage: nothing to post."""


KIND_LABEL = {value: key for key, value in KINDS.items()}


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error) or "无权操作"
