"""Dedupe quality against ground truth: pairwise and B-cubed precision / recall / F1.

Pairwise counts every pair of records put together (a false merge of two big clusters costs
many pairs); B-cubed averages per record, so small clusters weigh as much as big ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Quality:
    """Pairwise and B-cubed scores of a clustering, with the pair counts behind them."""

    pair_precision: float
    pair_recall: float
    pair_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    records: int


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(predicted: Mapping[str, Iterable[str]], truth: Mapping[str, str]) -> Quality:
    """Score predicted clusters (cluster id -> record keys) against truth (record key -> entity).

    Only records present in both are scored.
    """
    label = {key: cid for cid, keys in predicted.items() for key in keys if key in truth}
    joint: Counter[tuple[str, str]] = Counter((label[k], truth[k]) for k in label)
    pred_sizes: Counter[str] = Counter(label.values())
    true_sizes: Counter[str] = Counter(truth[k] for k in label)
    correct = sum(_pairs(n) for n in joint.values())
    predicted_pairs = sum(_pairs(n) for n in pred_sizes.values())
    true_pairs = sum(_pairs(n) for n in true_sizes.values())
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    total = len(label)
    b_precision = b_recall = 0.0
    for (cid, entity), n in joint.items():
        b_precision += n * n / pred_sizes[cid]
        b_recall += n * n / true_sizes[entity]
    b_precision = b_precision / total if total else 1.0
    b_recall = b_recall / total if total else 1.0
    return Quality(
        pair_precision=precision,
        pair_recall=recall,
        pair_f1=_f1(precision, recall),
        bcubed_precision=b_precision,
        bcubed_recall=b_recall,
        bcubed_f1=_f1(b_precision, b_recall),
        true_pairs=true_pairs,
        predicted_pairs=predicted_pairs,
        correct_pairs=correct,
        records=total,
    )
