"""Numbers written the way a Dutch reader expects them (63%, 1.004, 2,5, 'een op de vijf')."""
from __future__ import annotations

_NUMBERS = {2: "twee", 3: "drie", 4: "vier", 5: "vijf", 6: "zes", 7: "zeven", 8: "acht", 9: "negen", 10: "tien"}
# Fractions a writer would round to, as words; the nearest one is chosen.
_FRACTIONS = {1 / 10: "een tiende", 1 / 8: "een achtste", 1 / 5: "een vijfde", 1 / 4: "een kwart",
              1 / 3: "een derde", 2 / 5: "twee vijfde", 1 / 2: "de helft", 3 / 5: "drie vijfde",
              2 / 3: "twee derde", 3 / 4: "driekwart", 4 / 5: "vier vijfde"}


def getal(value: float, decimals: int = 0) -> str:
    """1004 -> '1.004'; 2.5 with one decimal -> '2,5'."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def procent(share: float, decimals: int = 0) -> str:
    """A share (0..1) as a rounded Dutch percentage: 0.634 -> '63%'; halves are rounded up."""
    scaled = share * 100
    if decimals == 0:
        scaled = int(scaled + 0.5)
    return f"{getal(scaled, decimals)}%"


def een_op_de(share: float) -> str:
    """0.2 -> 'een op de vijf': the nearest 1/N for N from 2 to 10."""
    n = min(_NUMBERS, key=lambda k: abs(share - 1 / k))
    return f"een op de {_NUMBERS[n]}"


def ongeveer_deel(share: float) -> str:
    """0.34 -> 'ongeveer een derde': the nearest common fraction, in words."""
    fraction = min(_FRACTIONS, key=lambda f: abs(share - f))
    return f"ongeveer {_FRACTIONS[fraction]}"


def beide(first: float, second: float) -> str:
    """Two shares that round alike read 'beide 63%'; otherwise '63% en 61%'."""
    a, b = procent(first), procent(second)
    return f"beide {a}" if a == b else f"{a} en {b}"


_MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"]


def datum(value) -> str:
    """A date as Dutch readers write it: 2019-01-01 -> '1 januari 2019'; a year alone stays a year."""
    if hasattr(value, "month"):
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    return str(value)


def p_waarde(p: float, threshold: float = 0.05) -> str:
    """A p-value with as many decimals as needed to stay on the right side of the threshold: 0.0497 is
    '0,0497', not '0,050' (which would read as not below 0,05)."""
    if p < 0.001:
        return "< 0,001"
    for decimals in (3, 4, 5):
        shown = round(p, decimals)
        if (shown < threshold) == (p < threshold):
            return getal(p, decimals)
    return getal(p, 6)


def opsomming(items: list[str]) -> str:
    """'a, b en c'."""
    return " en ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)
