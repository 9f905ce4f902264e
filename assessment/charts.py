"""The report's charts: one definition (``Chart``) drawn twice — as PNG images for the Word report
(matplotlib, with a CJK font installed by the project's setup) and as interactive Chart.js charts in
the web report (the chart data as JSON; ``static/js/report-charts.js`` draws them with the vendored
``static/vendor/chart.js``).
"""

from __future__ import annotations

import html
import io
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

logger = logging.getLogger(__name__)

#: fonts tried in order for the chart images: Debian's fonts-noto-cjk and fonts-wqy-microhei
#: (installed by .ci/run and docs/operations.md), then what an office machine may have
CJK_FONTS = (
    "Noto Sans CJK SC",
    "WenQuanYi Micro Hei",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "SimHei",
)
#: the same fonts for the web page (CSS font-family; the reader's machine chooses)
WEB_FONTS = "'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei','PingFang SC',sans-serif"
BAR_COLOUR = "#b0281e"
INTERVAL_COLOUR = "#333333"


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart: one bar per label, optionally with an interval (low–high) per bar."""

    key: str
    title: str
    labels: list[str]
    values: list[Decimal]
    maximum: Decimal
    unit: str = ""
    low: list[Decimal] = field(default_factory=list)
    high: list[Decimal] = field(default_factory=list)

    def as_json(self) -> dict:
        """The data for Chart.js (numbers as floats: the chart draws, the tables state)."""
        return {
            "key": self.key,
            "title": self.title,
            "labels": self.labels,
            "values": [float(v) for v in self.values],
            "maximum": float(self.maximum),
            "unit": self.unit,
            "low": [float(v) for v in self.low],
            "high": [float(v) for v in self.high],
        }


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The name of an installed font that draws Chinese, or None (then the charts' text would be
    empty boxes: logged, and the setup check of docs/operations.md names the packages)."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in names:
            return name
    # fonts installed after matplotlib built its cache: look at the files themselves
    for path in font_manager.findSystemFonts():
        lowered = path.lower()
        if "notosanscjk" in lowered or "wqy" in lowered or "sourcehansans" in lowered:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError):
                continue
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in names:
            return name
    logger.warning("没有找到中文字体：图表中的中文无法显示（请安装 fonts-noto-cjk）")
    return None


def png(chart: Chart, *, width_mm: float = 150, dpi: int = 200) -> bytes:
    """The chart as a PNG image (for the Word report)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    font = cjk_font()
    rc = {"font.family": [font, "sans-serif"] if font else ["sans-serif"], "axes.unicode_minus": False}
    with matplotlib.rc_context(rc):
        height_in = max(1.6, 0.38 * len(chart.labels) + 0.9)
        figure = Figure(figsize=(width_mm / 25.4, height_in), dpi=dpi)
        axes = figure.add_subplot()
        positions = list(range(len(chart.labels)))
        values = [float(v) for v in chart.values]
        axes.barh(positions, values, color=BAR_COLOUR, height=0.6)
        if chart.low and chart.high:
            left = [v - float(lo) for v, lo in zip(values, chart.low, strict=True)]
            right = [float(hi) - v for v, hi in zip(values, chart.high, strict=True)]
            axes.errorbar(
                values, positions, xerr=[left, right], fmt="none", ecolor=INTERVAL_COLOUR, capsize=3
            )
        ends = [float(h) for h in chart.high] if chart.high else values  # the label after the interval
        for y, value, end in zip(positions, chart.values, ends, strict=True):
            axes.text(end, y, f" {value}", va="center", fontsize=8)
        axes.set_yticks(positions, labels=chart.labels, fontsize=9)
        axes.invert_yaxis()
        axes.set_xlim(0, float(chart.maximum) * 1.12 if chart.maximum else 1)
        axes.set_title(chart.title, fontsize=11)
        if chart.unit:
            axes.set_xlabel(chart.unit, fontsize=9)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


SVG_WIDTH = 640


def svg_bars(title: str, bars: list[tuple[str, Decimal]], maximum: Decimal) -> str:
    """A small horizontal bar chart as inline SVG, for the dashboard's tiles (no script: the
    dashboard stays light; a bar's tooltip gives its value)."""
    height = 28 * len(bars) + 40
    parts = [
        f'<svg class="chart" viewBox="0 0 {SVG_WIDTH} {height}" role="img" '
        f'aria-label="{html.escape(title)}">',
        f'<text x="0" y="18" class="chart-title">{html.escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(bars):
        y = 32 + 28 * i
        width = 0 if not maximum else float(value / maximum) * (SVG_WIDTH - 260)
        parts.append(
            f"<g><title>{html.escape(label)}：{value}</title>"
            f'<text x="0" y="{y + 15}" class="chart-label">{html.escape(label[:12])}</text>'
            f'<rect x="170" y="{y}" width="{width:.1f}" height="20" class="chart-bar"></rect>'
            f'<text x="{176 + width:.1f}" y="{y + 15}" class="chart-value">{value}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
