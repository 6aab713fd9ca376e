"""Held members share their repeated strings: a million postings name a few thousand towns.

Every posting parsed from a feed or a row brings its own copy of "FR", "Île-de-France",
"Paris" or its board's name, and keys split each title into fresh word strings. The engine
holds every member for the life of a rebuild, so it keeps one interned copy of each such
string (about a fifth of a member's memory); values and comparisons are unchanged.
"""

from __future__ import annotations

import sys
from dataclasses import replace

from dedupe.cluster import Representative
from dedupe.keys import Keys
from dedupe.records import DedupeRecord


def _shared(value: str | None) -> str | None:
    return sys.intern(value) if value else value


def held_member(record: DedupeRecord, keys: Keys) -> Representative:
    """The member the engine keeps: no raw description (the keys hold what is compared),
    and the strings that repeat across postings interned."""
    place = keys.place
    return Representative(
        replace(
            record,
            description="",
            source=sys.intern(record.source),
            company=_shared(record.company),
            city=_shared(record.city),
            postal_code=_shared(record.postal_code),
            region=_shared(record.region),
            country=_shared(record.country),
            salary_currency=_shared(record.salary_currency),
        ),
        replace(
            keys,
            title_tokens=frozenset(map(sys.intern, keys.title_tokens)),
            company=sys.intern(keys.company),
            company_acronym=sys.intern(keys.company_acronym),
            place=replace(
                place,
                city=sys.intern(place.city),
                department=sys.intern(place.department),
                postal_code=sys.intern(place.postal_code),
                country=sys.intern(place.country),
            ),
        ),
    )
