"""20% withholding on an offset is capped at the cash paid (Treas. Reg. 31.3405(c)-1 Q&A-11)."""
from datetime import date
from decimal import Decimal as D

import pytest

from rules_core.law.withholding import offset_withholding


@pytest.mark.parametrize("offset, cash, withheld", [
    (D("3000"), D("7000"), D("2000.00")),   # 1.402(c)-2 Q&A-9: 20% of $10,000 from the $7,000
    (D("3000"), D("0"), D("0")),            # offset only: nothing to withhold from
    (D("9000"), D("1000"), D("1000")),      # 20% of $10,000 = $2,000, capped at the $1,000 paid
    (D("0"), D("500"), D("100.00")),
])
def test_offset_withholding(offset, cash, withheld):
    assert offset_withholding(offset, cash, date(2025, 6, 1)) == withheld
