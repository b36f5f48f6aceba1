"""Compute a tiered amount from the figure an enterprise gives (financing, revenue, contract value)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .money import UNIT_FACTORS, format_yuan
from .records import TierRecord, TierStepRecord


@dataclass(frozen=True)
class TierResult:
    amount_yuan: Decimal
    explanation: str  # how the amount was found, in Chinese, e.g. "融资额15亿元,属于10亿元(含)至20亿元档,奖补700万元"

    @property
    def amount_text(self) -> str:
        return format_yuan(self.amount_yuan)


def _bound(value: Decimal | None, unit: str) -> str:
    return f"{_plain(value)}{unit}" if value is not None else ""


def _plain(value: Decimal) -> str:
    text = f"{Decimal(value):.4f}".rstrip("0").rstrip(".")
    return text or "0"


def describe_step(step: TierStepRecord, unit: str) -> str:
    """'10亿元(含)至20亿元' / '10亿元以下' / '20亿元(含)以上'."""
    if step.min_value in (None, Decimal(0)) and step.max_value is not None:
        return f"{_bound(step.max_value, unit)}以下"
    if step.max_value is None:
        return f"{_bound(step.min_value, unit)}(含)以上"
    return f"{_bound(step.min_value, unit)}(含)至{_bound(step.max_value, unit)}"


def _in_step(step: TierStepRecord, x: Decimal) -> bool:
    return (step.min_value is None or x >= step.min_value) and (step.max_value is None or x < step.max_value)


def compute(tier: TierRecord, figure_yuan: Decimal) -> TierResult | None:
    """The amount for an enterprise whose figure is `figure_yuan` yuan, or None if no step applies."""
    x = Decimal(figure_yuan) / UNIT_FACTORS[tier.unit]
    given = f"{tier.basis}{format_yuan(figure_yuan)}"
    if tier.mode == "bracket":
        for step in tier.steps:
            if _in_step(step, x) and step.amount_yuan is not None:
                return TierResult(
                    step.amount_yuan,
                    f"{given},属于“{describe_step(step, tier.unit)}”档,对应{format_yuan(step.amount_yuan)}",
                )
        return None
    if tier.mode == "cumulative":
        reached = [s for s in tier.steps if s.min_value is None or x >= s.min_value]
        if not reached:
            return None
        total = sum((s.amount_yuan or Decimal(0) for s in reached), Decimal(0))
        parts = " + ".join(format_yuan(s.amount_yuan or Decimal(0)) for s in reached)
        how = f"{given}:{parts} = {format_yuan(total)}" if len(reached) > 1 else f"{given}:{format_yuan(total)}"
        return TierResult(total, how)
    step = tier.steps[0]  # proportional: one step with a ratio (the loader checks it)
    if step.ratio is None:
        return None
    raw = (Decimal(figure_yuan) * step.ratio).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    amount = min(raw, step.cap_yuan) if step.cap_yuan is not None else raw
    ratio_text = f"{_plain(step.ratio * 1000)}‰" if step.ratio < Decimal("0.01") else f"{_plain(step.ratio * 100)}%"
    how = f"{given} × {ratio_text} = {format_yuan(raw)}"
    if step.cap_yuan is not None and raw > step.cap_yuan:
        how += f",超过上限,按最高{format_yuan(step.cap_yuan)}"
    return TierResult(amount, how)


def describe(tier: TierRecord) -> list[str]:
    """One line per step, for showing the whole table when the enterprise gave no figure."""
    if tier.mode == "proportional":
        step = tier.steps[0]
        if step.ratio is None:
            return []
        ratio = f"{_plain(step.ratio * 1000)}‰" if step.ratio < Decimal("0.01") else f"{_plain(step.ratio * 100)}%"
        cap = f",最高{format_yuan(step.cap_yuan)}" if step.cap_yuan is not None else ""
        return [f"按{tier.basis}的{ratio}计算{cap}"]
    if tier.mode == "cumulative":
        lines = []
        for i, step in enumerate(tier.steps):
            prefix = "基础" if i == 0 else f"{tier.basis}达到{_bound(step.min_value, tier.unit)}再加"
            lines.append(f"{prefix}{format_yuan(step.amount_yuan or Decimal(0))}")
        return lines
    return [
        f"{tier.basis}{describe_step(s, tier.unit)}:{format_yuan(amount)}"
        for s in tier.steps
        if (amount := s.amount_yuan) is not None
    ]
