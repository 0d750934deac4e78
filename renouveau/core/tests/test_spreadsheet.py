"""CSV cells that spreadsheets would run as formulas are neutralised; data values are kept."""

from decimal import Decimal

import pytest

from renouveau.core.spreadsheet import safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 6 00", "'+33 6 00"),
        ("-rien", "'-rien"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1", "'\r=1"),
        ("Rue de la Paix", "Rue de la Paix"),
        ("", ""),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("-0,75", "-0,75"),
        ("-1e3", "-1e3"),
        (-12, -12),
        (Decimal("-3.5"), Decimal("-3.5")),
        (None, None),
        (True, True),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
