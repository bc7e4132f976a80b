"""Money is an integer number of fen (分). Never a float.

``Fen`` is a plain ``int`` alias so that arithmetic stays cheap; the helpers here are the only places
where yuan strings become fen and where an amount is split into shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.validation import require_whole

Fen = int

FEN_PER_YUAN = 100
#: the largest single amount the platform records: ¥10 billion (a sum of postings then stays far inside a
#: 64-bit integer on SQLite and PostgreSQL; 2^63 fen once overflowed SUM and broke a compound's pages)
MAX_AMOUNT_FEN: Fen = 10_000_000_000 * FEN_PER_YUAN


def yuan_to_fen(text: str, *, field: str = "amount") -> Fen:
    """Parse a yuan amount written as text ("1234.56", "-0.5") into fen, refusing fractions of a fen."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise InvalidArgument(f"{field} must be a decimal number of yuan, got {text!r}", field=field) from None
    if not value.is_finite():
        raise InvalidArgument(f"{field} must be a finite number", field=field)
    fen = value * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise InvalidArgument(f"{field} has more than two decimal places: {text!r}", field=field)
    return require_fen(int(fen), field=field, minimum=-MAX_AMOUNT_FEN)


def fen_to_yuan(amount: Fen) -> str:
    """Format fen as a yuan string with exactly two decimals ("-12.05")."""
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount), FEN_PER_YUAN)
    return f"{sign}{whole}.{cents:02d}"


def require_fen(value: object, *, field: str = "amount_fen", rule: str | None = None, minimum: int = 1) -> Fen:
    """An integer amount of fen, by default strictly positive, and at most ``MAX_AMOUNT_FEN`` either way."""
    amount = require_whole(value, field=field, rule=rule, minimum=minimum)
    if abs(amount) > MAX_AMOUNT_FEN:
        raise InvalidArgument(
            f"{field} must be at most {MAX_AMOUNT_FEN} fen (¥10,000,000,000), got {amount}",
            field=field, rule="amount_range",
        )
    return amount


def allocate(amount: Fen, weights: Sequence[int]) -> list[Fen]:
    """Split ``amount`` into shares proportional to integer ``weights`` that add up exactly to ``amount``.

    Largest-remainder method: every share first gets the floor of its exact share; the fen left over go
    one each to the largest remainders, ties broken by position (earlier first), so the result is
    deterministic. Weights are integers (e.g. area in hundredths of m²) to keep the arithmetic exact.
    """
    if not weights:
        raise InvalidArgument("cannot allocate over an empty set of shares", field="weights")
    if any(w < 0 for w in weights):
        raise InvalidArgument("weights must not be negative", field="weights")
    total = sum(weights)
    if total == 0:
        raise InvalidArgument("weights must not all be zero", field="weights")
    sign = -1 if amount < 0 else 1
    magnitude = abs(amount)
    floors = [magnitude * w // total for w in weights]
    remainders = [magnitude * w % total for w in weights]
    left = magnitude - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return [sign * share for share in floors]
