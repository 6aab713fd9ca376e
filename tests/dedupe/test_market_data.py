"""The sandbox market through the real adapters: every posting is linked to its vacancy."""

from __future__ import annotations

from pathlib import Path

from dedupe.engine import Deduper
from dedupe.evaluate import evaluate
from dedupe.fingerprint import containment, description_print
from dedupe.market_data import normalized_market
from dedupe.records import DedupeRecord, posting_key

from .cases import LUMEN_TEXT


def test_small_market_is_crawled_mapped_linked_and_cached(tmp_path: Path) -> None:
    postings, truth = normalized_market(3, 0.03, cache_dir=tmp_path)
    assert len(postings) > 300
    assert {posting_key(p) for p in postings} == set(truth)
    assert len({p.source for p in postings}) > 40  # most boards, every wire format
    assert len(set(truth.values())) < len(truth)  # cross-posted vacancies
    cached, cached_truth = normalized_market(3, 0.03, cache_dir=tmp_path)
    assert cached_truth == truth and [p.title for p in cached] == [p.title for p in postings]
    records = [DedupeRecord.from_posting(p, key=posting_key(p)) for p in postings]
    deduper = Deduper()
    deduper.add(records)
    quality = evaluate(deduper.clusters(), truth)
    assert quality.pair_precision >= 0.95, quality
    assert quality.pair_recall >= 0.5, quality


def test_containment_keeps_a_copy_with_an_added_line_near_one() -> None:
    full = description_print(
        LUMEN_TEXT + " Rémunération : 35 000 € brut annuel, tickets restaurant."
    )
    base = description_print(LUMEN_TEXT)
    assert full is not None and base is not None
    assert containment(base, full) == 1.0
    other = description_print(
        "Poste de soudeur en atelier, travail en équipe, horaires fixes. " * 3
    )
    assert other is not None and containment(base, other) < 0.2
