"""The official-document writer (accountability/platform/documents.py): GB/T 9704 layout."""

import datetime as dt
import io

import docx
from docx.shared import Pt

from accountability.platform.documents import (
    Heading,
    OfficialDocument,
    Paragraph,
    Table,
    date_text,
    render_docx,
)


def _render(**kwargs):
    defaults = dict(title="关于督查情况的报告", issuer="某市扶贫办", date=dt.date(2026, 1, 5), blocks=[])
    return docx.Document(io.BytesIO(render_docx(OfficialDocument(**{**defaults, **kwargs}))))


def test_page_is_a4_with_the_standard_margins_and_numbers_on_both_page_kinds():
    document = _render()
    section = document.sections[0]
    measured = (section.page_width, section.page_height, section.top_margin, section.bottom_margin)
    measured += (section.left_margin, section.right_margin)
    # Word stores twentieths of a point: millimetres come back within a hundredth
    assert [round(length.mm, 1) for length in measured] == [210, 297, 37, 35, 28, 26]
    assert document.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in xml and "— " in footer.paragraphs[0].text


def test_title_heading_levels_and_body_use_their_fonts_and_sizes():
    document = _render(
        blocks=[Heading("一、总体情况"), Heading("（一）问题", 2), Heading("1. 细项", 3), Paragraph("正文")]
    )
    by_text = {p.text: p for p in document.paragraphs if p.text}

    def east_asian_font(paragraph):
        return paragraph.runs[0]._r.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )

    assert east_asian_font(by_text["关于督查情况的报告"]) == "方正小标宋简体"
    assert by_text["关于督查情况的报告"].runs[0].font.size == Pt(22)
    assert east_asian_font(by_text["一、总体情况"]) == "黑体"
    assert east_asian_font(by_text["（一）问题"]) == "楷体_GB2312"
    assert by_text["1. 细项"].runs[0].font.bold
    body = by_text["正文"]
    assert east_asian_font(body) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)


def test_date_in_arabic_numerals_without_leading_zeros_and_issuer_last():
    document = _render()
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[-2:] == ["某市扶贫办", "2026年1月5日"]
    assert date_text(dt.date(2026, 10, 1)) == "2026年10月1日"


def test_tables_keep_every_cell_as_text():
    document = _render(blocks=[Table(["县", "问题数"], [["甲县", "=1+1"], ["乙县", None]], caption="表1")])
    table = document.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["县", "问题数"],
        ["甲县", "=1+1"],
        ["乙县", ""],
    ]
