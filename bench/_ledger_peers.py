"""The peers of the ledger export (run by export_ledger.py): the same rows, same order, same
columns as the detail sheet, written (naive) into a normal openpyxl workbook — every row held in
memory, formats on each cell — or (csv) with the csv module, the floor.

    python bench/_ledger_peers.py naive|csv OUT
"""

from __future__ import annotations

import csv
import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from funds.ledger.exporters import DETAIL_COLUMNS, DETAIL_QUERY, KIND_LABELS  # noqa: E402
from funds.ledger.models import LedgerEntry  # noqa: E402


def entries():
    return (
        LedgerEntry.objects.filter(date__year=2024)
        .order_by("account_id", "sequence")
        .values_list(*DETAIL_QUERY)
    )


def flat(row) -> list:
    (
        account,
        project,
        document,
        source,
        sequence,
        voucher,
        date,
        kind,
        _corrects,
        stage,
        delta,
        amount,
        balance,
        counterpart,
        id_number,
        budget,
        invoice,
        text,
        reversed_voucher,
        warnings,
        posted_by,
        posted_at,
        digest,
    ) = row
    return [
        account,
        project,
        document or source,
        sequence,
        voucher,
        date,
        KIND_LABELS[kind],
        stage,
        delta if delta > 0 else None,
        -delta if delta < 0 else None,
        amount,
        balance,
        counterpart,
        id_number,
        budget,
        invoice,
        text,
        reversed_voucher,
        "；".join(warnings),
        posted_by,
        timezone.localtime(posted_at).replace(tzinfo=None),
        digest,
    ]


def naive(out: str) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([header for header, _w, _k in DETAIL_COLUMNS])
    for row in list(entries()):
        sheet.append(flat(row))
        current = sheet._current_row
        for column in (9, 10, 11, 12):
            sheet.cell(current, column).number_format = "#,##0.00"
        sheet.cell(current, 6).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.save(out)


def floor(out: str) -> None:
    with open(out, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([header for header, _w, _k in DETAIL_COLUMNS])
        for row in entries().iterator(chunk_size=4000):
            writer.writerow(flat(row))


if __name__ == "__main__":
    {"naive": naive, "csv": floor}[sys.argv[1]](sys.argv[2])
