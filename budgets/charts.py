"""Bar charts without JavaScript or inline style: SVG geometry computed here, mirrored for right-to-left.

Each bar is an SVG whose rectangles get their x and width as attributes, in a 0–100 view box stretched to
the row. In Arabic the bars grow from the right, like the text: x is 100 minus the width. The label and the
figures are HTML text next to the bar, and every chart comes with a table of the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

VIEW_BOX_WIDTH = Decimal(100)


def svg_number(value: Decimal) -> str:
    """Return a coordinate as SVG reads it: a decimal point, whatever the language of the page."""
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"


def share_percent(part: Decimal, whole: Decimal) -> Decimal:
    """Return part as a percentage of whole with one decimal, or 0 when whole is 0."""
    if not whole:
        return Decimal(0)
    return (100 * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Geometry:
    x: str
    width: str


def geometry(value: Decimal, scale: Decimal, *, rtl: bool) -> Geometry:
    """Return the x and width of a bar for value on a scale whose largest value fills the view box."""
    width = (VIEW_BOX_WIDTH * value / scale) if scale else Decimal(0)
    width = min(max(width, Decimal(0)), VIEW_BOX_WIDTH)
    x = VIEW_BOX_WIDTH - width if rtl else Decimal(0)
    return Geometry(x=svg_number(x), width=svg_number(width))


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    note: str
    amount: Decimal
    share: Decimal
    executed: Decimal | None
    bar: Geometry
    executed_bar: Geometry | None


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    label_heading: str
    bars: list[Bar]
    total: Decimal
    total_executed: Decimal | None
    # Shares of a total and a total row make sense when the bars are parts of one whole.
    is_breakdown: bool = True

    @property
    def has_executed(self) -> bool:
        return any(bar.executed is not None for bar in self.bars)


Item = tuple[str, str, str, Decimal, Decimal | None]


def chart_build(
    *, slug: str, title: str, label_heading: str, items: list[Item], rtl: bool, breakdown: bool = True
) -> Chart:
    """Return a bar chart of (key, label, note, amount, executed) items.

    A breakdown (the parts of one whole) is sorted largest first, with each bar's share; otherwise the bars
    keep their order and compare with each other.
    """
    if breakdown:
        items = sorted(items, key=lambda item: item[3], reverse=True)
    total = sum((item[3] for item in items), Decimal(0))
    executed_values = [item[4] for item in items]
    total_executed = (
        sum(executed_values, Decimal(0)) if items and all(value is not None for value in executed_values) else None
    )
    scale = max(
        [item[3] for item in items] + [value for value in executed_values if value is not None], default=Decimal(0)
    )
    bars = [
        Bar(
            key=key,
            label=label,
            note=note,
            amount=amount,
            share=share_percent(amount, total),
            executed=executed,
            bar=geometry(amount, scale, rtl=rtl),
            executed_bar=None if executed is None else geometry(executed, scale, rtl=rtl),
        )
        for key, label, note, amount, executed in items
    ]
    return Chart(
        slug=slug,
        title=title,
        label_heading=label_heading,
        bars=bars,
        total=total,
        total_executed=total_executed,
        is_breakdown=breakdown,
    )
