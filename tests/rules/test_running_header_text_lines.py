"""LAY003 keeps lines of running text that name a weekday or a date, and still removes mastheads.

1916 newspaper OCR names weekdays in every other sentence, and OCR lays its lines out as
blocks of their own (a blank line at every column break, often inside a sentence).  A
line such as ``Miss Louise Clambey left Sunday`` between a cut sentence and its rest is
the sentence's own text; ``THE COUNTY GAZETTE Tuesday, January 4, 1916`` there is a page
header.  The generated pages below mix both: prose about weekdays, hard-wrapped and broken
into one-line blocks at random, and mastheads with a weekday and a date set between the
halves of a cut sentence.  The truth of every block is known, so the test checks both
directions: no prose line is removed, every masthead that interrupts a sentence is.
"""

from __future__ import annotations

import random
import textwrap
from collections import Counter

import pytest

import dedup
from dedup.config import Config
from dedup.rules._layout import furniture_key

LAY003 = Config(select=("LAY003",))
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "October", "November", "December")
PEOPLE = ("Miss Louise Clambey", "Mrs Kate Jennings", "Tom Braaeal", "Judge Good", "the mayor", "the council")
DOINGS = (
    "left {day} for her home in the east",
    "spent {day} with friends in the city",
    "met on {day} evening at the town hall",
    "returned {day} night from a trip to Missouri",
    "will speak next {day} at the church",
    "was elected on {day}, {month} {n}, {year}, by the members",
    "attended the {day} meeting of the club",
    "reported that on {month} {n}, {year}, the bridge was repaired",
)
PAPERS = ("THE COUNTY GAZETTE", "EVENING HERALD", "THE DAILY MISSOURIAN")


def _sentence(rng: random.Random) -> str:
    who = rng.choice(PEOPLE)
    what = rng.choice(DOINGS).format(
        day=rng.choice(DAYS), month=rng.choice(MONTHS), n=rng.randint(1, 28), year=rng.randint(1900, 1916)
    )
    return f"{who[0].upper()}{who[1:]} {what}."


def _page(seed: int) -> tuple[str, set[str], set[str]]:
    """A generated page: its text, its prose lines, and the mastheads set inside cut sentences."""
    rng = random.Random(seed)
    prose = " ".join(_sentence(rng) for _ in range(40))
    lines = textwrap.wrap(prose, width=rng.choice((30, 36, 42)))
    blocks: list[str] = []
    interrupting: set[str] = set()
    current: list[str] = []
    for k, line in enumerate(lines):
        current.append(line)
        nxt = lines[k + 1] if k + 1 < len(lines) else ""
        # OCR breaks the column into blocks, often mid-sentence: here at random, and always
        # where a masthead goes
        cut_here = rng.random() < 0.5
        masthead = bool(nxt) and nxt[0].islower() and not line.endswith(".") and rng.random() < 0.15
        if cut_here or masthead or not nxt:
            blocks.append("\n".join(current))
            current = []
        if masthead:
            header = f"{rng.choice(PAPERS)} {rng.choice(DAYS)}, {rng.choice(MONTHS)} {rng.randint(1, 28)}, 1916"
            blocks.append(header)
            interrupting.add(header)
    return "\n\n".join(blocks), set(lines), interrupting


@pytest.mark.parametrize("seed", range(40))
def test_prose_lines_naming_days_stay_and_mastheads_go(seed: int) -> None:
    text, prose, mastheads = _page(seed)
    findings = dedup.check_text(text, LAY003)
    removed = [f.span.slice(text) for f in findings if f.fix is not None and f.fix.safe]
    # out of this test's scope: a short line that recurs three times (digits aside) goes as a
    # running header whatever it says; the generator's date sentence can make one
    recurring = {k for k, n in Counter(map(furniture_key, prose)).items() if n >= 3}
    lost = [r for r in removed if (r in prose or r not in mastheads) and furniture_key(r) not in recurring]
    assert not lost, f"running text removed as a page header: {lost}"
    assert mastheads, "the generator set no masthead inside a sentence"
    assert mastheads <= set(removed), f"mastheads left in place: {sorted(mastheads - set(removed))}"
    cleaned = dedup.clean_text(text, LAY003).text
    assert all(line in cleaned for line in prose if furniture_key(line) not in recurring)


@pytest.mark.parametrize(
    "line",
    [
        "Miss Louise Clambey left Sunday",
        "January 1, 1916, the",
        "Railway men met tuesday and elected b",
        "light for Tuesday, and it was expect",
    ],
)
def test_a_line_of_text_naming_a_day_between_cut_and_rest_stays(line: str) -> None:
    text = f"The visitors arrived on the noon train and\n\n{line}\n\noard and the rest of the party came later."
    assert not [f for f in dedup.check_text(text, LAY003) if f.fix is not None]


@pytest.mark.parametrize(
    "line",
    [
        "THE COUNTY GAZETTE Tuesday, January 4, 1916",
        "COLUMBIA, MISSOURI, TUESDAY, JANUARY 4, 1916",
        "Bank of England, Monday",
        "(Continued on page 4)",
    ],
)
def test_a_masthead_or_folio_line_between_cut_and_rest_goes(line: str) -> None:
    text = f"The visitors arrived on the noon train and\n\n{line}\n\nthe rest of the party came later."
    findings = dedup.check_text(text, LAY003)
    assert [f.span.slice(text) for f in findings] == [line]
