"""Official documents (公文) as Word files, in the layout of GB/T 9704-2012.

Reports that leave the system on paper — a supervision round's report, the annual assessment
report — are written by the apps as an ``OfficialDocument`` of plain blocks and rendered here, so
every document has the same layout: A4, margins 37/35/28/26 mm, the title in 2号小标宋 centred,
body text in 3号仿宋 with a two-character first-line indent on a fixed 28.95 pt line (22 lines a
page), first-level headings (一、) in 黑体, second-level (（一）) in 楷体, third-level (1.) in bold
仿宋, the issuer and the date (Arabic numerals) at the right, page numbers "— N —" in 4号宋体,
odd pages right and even pages left. Tables use 4号 text so that they fit the type area.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONTS = {1: "黑体", 2: "楷体_GB2312", 3: BODY_FONT}
PAGE_NUMBER_FONT = "宋体"
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
LINE = Pt(28.95)


@dataclass(frozen=True)
class Heading:
    text: str  # with its own numbering, e.g. "一、总体情况"
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass(frozen=True)
class Image:
    """A picture (PNG or JPEG bytes), centred, ``width_mm`` wide (the type area is 156 mm)."""

    content: bytes
    width_mm: float = 150
    caption: str = ""


Block = Heading | Paragraph | Table | Image


@dataclass(frozen=True)
class OfficialDocument:
    title: str
    issuer: str  # 发文机关署名
    date: dt.date | str  # 成文日期 (a text: a template's placeholder)
    blocks: list[Block] = field(default_factory=list)
    number: str = ""  # 发文字号, e.g. "惠扶办〔2026〕12号"
    recipients: str = ""  # 主送机关
    attachments: list[str] = field(default_factory=list)  # 附件说明, names only


def render_docx(document: OfficialDocument) -> bytes:
    word = Document()
    _page_setup(word)
    if document.number:
        _paragraph(word, document.number, align=WD_ALIGN_PARAGRAPH.CENTER)
        _paragraph(word, "")
    _paragraph(word, document.title, font=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
    _paragraph(word, "")
    if document.recipients:
        _paragraph(word, f"{document.recipients}：")
    write_blocks(word, document.blocks)
    if document.attachments:
        _paragraph(word, "")
        for number, name in enumerate(document.attachments, start=1):
            prefix = "附件：" if number == 1 else "　　　"
            label = f"{number}. {name}" if len(document.attachments) > 1 else name
            _paragraph(word, f"{prefix}{label}", indent=True)
    _paragraph(word, "")
    _paragraph(word, document.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=4)
    _paragraph(word, date_text(document.date), align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=4)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def write_blocks(word, blocks: list[Block]) -> None:
    """Append ``blocks`` in the official layout to a python-docx document (or a template's subdocument)."""
    for block in blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 3)
            _paragraph(word, block.text, font=HEADING_FONTS[level], bold=level == 3, indent=True)
        elif isinstance(block, Table):
            _table(word, block)
        elif isinstance(block, Image):
            _image(word, block)
        else:
            _paragraph(word, block.text, indent=True)


def date_text(day: dt.date | str) -> str:
    """成文日期 in Arabic numerals without leading zeros (GB/T 9704-2012 §7.3.5.4); a text (a
    template's placeholder) as it is."""
    if isinstance(day, str):
        return day
    return f"{day.year}年{day.month}月{day.day}日"


def _page_setup(word) -> None:
    section = word.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    word.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    normal = word.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = SIZE_3
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)


def _page_number(footer, align) -> None:
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    _run(paragraph, "— ", PAGE_NUMBER_FONT, SIZE_4)
    run = _run(paragraph, "", PAGE_NUMBER_FONT, SIZE_4)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    _run(paragraph, " —", PAGE_NUMBER_FONT, SIZE_4)


def _run(paragraph, text: str, font: str, size, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = size
    run.font.bold = bold
    run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return run


def _paragraph(
    word,
    text: str,
    *,
    font: str = BODY_FONT,
    size=SIZE_3,
    bold: bool = False,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = False,
    right_indent: int = 0,
    line=LINE,
):
    paragraph = word.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    if right_indent:
        fmt.right_indent = Pt(size.pt * right_indent)
    if text:
        _run(paragraph, text, font, size, bold)
    return paragraph


def _table(word, block: Table) -> None:
    if block.caption:
        _paragraph(word, block.caption, font="黑体", size=SIZE_4, align=WD_ALIGN_PARAGRAPH.CENTER)
    table = word.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, block.header, strict=True):
        _cell(cell, text, bold=True)
    for row in block.rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            _cell(cell, text)


def _image(word, block: Image) -> None:
    paragraph = word.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run().add_picture(io.BytesIO(block.content), width=Mm(min(block.width_mm, 156)))
    if block.caption:
        _paragraph(word, block.caption, font="黑体", size=SIZE_4, align=WD_ALIGN_PARAGRAPH.CENTER)


def _cell(cell, text, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, "" if text is None else str(text), BODY_FONT, SIZE_4, bold)


# --- office-editable templates ------------------------------------------------------------------
#
# A report can be produced from a Word template that the office edits (letterhead, wording, the
# order of the sections): a .docx with Jinja placeholders in the docxtpl syntax ({{ 标题 }},
# {%p for 段 in 基本情况 %}…{%p endfor %}, {{p 图表 }} for a block of tables and charts written by
# the application). Templates come from users, so they are rendered in Jinja's sandbox: a template
# reads the values it is given and nothing else.


class TemplateProblem(ValueError):
    """The template cannot be used (the message is for the user, in Chinese)."""


def render_template(template: bytes, context: dict, blocks: dict[str, list[Block]]) -> bytes:
    """Fill ``template`` with ``context`` (texts and lists of texts) and ``blocks`` (each name
    becomes a subdocument written in the official layout, placed with ``{{p name }}``)."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError
    from jinja2.sandbox import SandboxedEnvironment

    try:
        document = DocxTemplate(io.BytesIO(template))
        values = dict(context)
        for name, content in blocks.items():
            sub = document.new_subdoc()
            write_blocks(sub.subdocx, content)
            values[name] = sub
        document.render(values, jinja_env=SandboxedEnvironment(autoescape=True), autoescape=True)
        buffer = io.BytesIO()
        document.save(buffer)
    except TemplateError as error:
        raise TemplateProblem(f"模板中的占位符有误：{error.message or error}") from error
    except Exception as error:  # not a zip, no word/document.xml, broken XML: not a Word file
        raise TemplateProblem("不是可用的 Word 模板（.docx）") from error
    return buffer.getvalue()
