"""Money as staff type it: "45.50" in, whole cents out.

The services take integer cents and refuse anything else, so a typed amount
is checked here first and refused with a message about what was typed, not
about cents the user never saw.
"""

import re
from decimal import Decimal

from operational.errors import InvalidValue
from operational.services.fees import format_cents

# Whole units, optionally grouped by thousands as `format_cents` shows them
# ("1,234.50"), and at most two decimals.
_AMOUNT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?")
_TOO_PRECISE = re.compile(r"[\d,]*\.\d{3,}")

# The ledger's amount columns are 32-bit integers.
MAX_CENTS = 2**31 - 1


def parse_cents(typed: str | None, what: str) -> int:
    """The whole cents of a positive amount typed as money; `what` names it
    in the refusal ("the payment")."""
    text = (typed or "").strip()
    if not text:
        raise InvalidValue(f"enter {what}, such as 45.50")
    if text.startswith("-"):
        raise InvalidValue(
            f"{what} cannot be negative ({text}); type it without a sign"
        )
    if _TOO_PRECISE.fullmatch(text):
        raise InvalidValue(
            f"{what} has more than two decimals ({text}); amounts are in cents, "
            "such as 45.50"
        )
    if not _AMOUNT.fullmatch(text):
        raise InvalidValue(f"{what} must be an amount such as 45.50, not {text!r}")

    cents = int(Decimal(text.replace(",", "")) * 100)
    if cents == 0:
        raise InvalidValue(f"{what} must be more than 0.00")
    if cents > MAX_CENTS:
        raise InvalidValue(f"{what} can be at most {format_cents(MAX_CENTS)}")
    return cents
