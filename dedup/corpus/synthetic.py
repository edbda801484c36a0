"""A generated corpus with known cross-document duplicates, for tests and benchmarks.

Documents are Zipf-distributed pseudo-English (hard-wrapped like newspaper OCR, or
in blank-line paragraphs) and Chinese (full-width punctuation, wrapped or not).
Injected duplicates, each recorded with its offsets in every document:

* ``exact``: a passage copied into another document (re-wrapped, same words);
* ``noisy``: copied with OCR noise (confusable letters, dropped and doubled characters);
* ``partial``: a part of a passage copied into the middle of a longer document;
* ``scan``: a whole document present twice, the second time with OCR noise.

:func:`evaluate` scores a :class:`~dedup.corpus.pipeline.DedupResult` against that truth.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Instance", "SyntheticCorpus", "evaluate", "generate_corpus"]

_CONS = [
    "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
    "br", "ch", "cl", "dr", "gr", "pl", "st", "th", "tr",
]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"]
_OCR_LATIN = {"e": "c", "c": "e", "l": "1", "i": "l", "o": "0", "m": "rn", "n": "u", "u": "n", "h": "b",
              "t": "f", "a": "n", "s": "a", "r": "t"}


@dataclass(frozen=True, slots=True)
class Instance:
    """One copy of a duplicated passage: document name, offsets, group and variant."""

    doc: str
    start: int
    end: int
    group: int
    variant: str


@dataclass
class SyntheticCorpus:
    """Generated documents (name -> text) and the injected duplicates."""

    docs: dict[str, str]
    instances: list[Instance] = field(default_factory=list)

    def write(self, folder: str | Path) -> list[Path]:
        """Write each document as UTF-8 and ``truth.json`` beside the folder; returns the document paths."""
        root = Path(folder)
        root.mkdir(parents=True, exist_ok=True)
        out = []
        for name, text in self.docs.items():
            path = root / name
            path.write_text(text, encoding="utf-8", newline="")
            out.append(path)
        truth = [[i.doc, i.start, i.end, i.group, i.variant] for i in self.instances]
        (root.parent / f"{root.name}.truth.json").write_text(json.dumps(truth), encoding="utf-8")
        return out

    @property
    def size(self) -> int:
        return sum(len(t.encode("utf-8")) for t in self.docs.values())


class _Lang:
    def __init__(self, rng: random.Random, chinese: bool) -> None:
        self.rng = rng
        self.chinese = chinese
        if chinese:
            pool = [chr(c) for c in range(0x4E00, 0x9FA5)]
            self.vocab = rng.sample(pool, 3500)
        else:
            words: set[str] = set()
            while len(words) < 12000:
                words.add("".join(rng.choice(_CONS) + rng.choice(_VOWELS) for _ in range(rng.randint(1, 3)))
                          + rng.choice(["", "", "n", "s", "t", "d"]))
            self.vocab = sorted(words)
            rng.shuffle(self.vocab)
        weights = [1.0 / (r + 1) ** 1.05 for r in range(len(self.vocab))]
        total = 0.0
        self.cum = []
        for w in weights:
            total += w
            self.cum.append(total)

    def sentence(self) -> str:
        rng = self.rng
        if self.chinese:
            n = rng.randint(8, 30)
            chars = rng.choices(self.vocab, cum_weights=self.cum, k=n)
            if n > 14:
                chars.insert(rng.randint(5, n - 5), "，")
            return "".join(chars) + rng.choice("。。。；！")
        words = rng.choices(self.vocab, cum_weights=self.cum, k=rng.randint(6, 20))
        words[0] = words[0].capitalize()
        if len(words) > 10:
            words[rng.randint(3, len(words) - 4)] += ","
        return " ".join(words) + "."


def _noisy(text: str, rng: random.Random, rate: float, chinese_pool: Sequence[str]) -> str:
    out = []
    for ch in text:
        r = rng.random()
        if ch.isspace() or r >= rate:
            out.append(ch)
        elif r < rate * 0.5:
            if "\u4e00" <= ch <= "\u9fff":
                out.append(rng.choice(chinese_pool))
            else:
                out.append(_OCR_LATIN.get(ch, ch))
        elif r < rate * 0.75:
            continue
        else:
            out.append(ch + ch)
    return "".join(out)


class _Builder:
    """A document being assembled from sentences, with wrapping and the offsets of tagged runs."""

    def __init__(self, chinese: bool, wrapped: bool, width: int) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.col = 0
        self.chinese = chinese
        self.wrapped = wrapped
        self.width = width

    def _put(self, s: str) -> None:
        self.parts.append(s)
        self.length += len(s)
        nl = s.rfind("\n")
        self.col = len(s) - nl - 1 if nl >= 0 else self.col + len(s)

    def sentence(self, s: str) -> tuple[int, int]:
        """Append ``s``; returns its offsets (line breaks inside it included)."""
        if self.col and not self.chinese:
            self._put("\n" if self.wrapped and self.col >= self.width else " ")
        start = self.length
        if not self.wrapped:
            self._put(s)
            return start, self.length
        if self.chinese:
            i = 0
            while i < len(s):
                room = max(1, self.width - self.col)
                self._put(s[i : i + room])
                i += room
                if self.col >= self.width and i < len(s):
                    self._put("\n")
        else:
            words = s.split(" ")
            for k, w in enumerate(words):
                if k:
                    self._put("\n" if self.col + 1 + len(w) > self.width else " ")
                self._put(w)
        return start, self.length

    def paragraph_break(self) -> None:
        if self.length:
            self._put("\n\n" if not self.wrapped or self.chinese else "\n")
            self.col = 0

    def text(self) -> str:
        return "".join(self.parts) + "\n"


def generate_corpus(n_docs: int = 2000, *, seed: int = 7, chinese_share: float = 0.4,
                    groups: int | None = None, scans: int | None = None,
                    doc_sentences: tuple[int, int] = (25, 70)) -> SyntheticCorpus:
    """Generate ``n_docs`` documents with injected cross-document duplicates (deterministic for ``seed``).

    Args:
        n_docs: number of documents (including the second scans).
        seed: random seed; the same seed gives the same corpus.
        chinese_share: share of Chinese documents.
        groups: duplicated passages (default ``n_docs // 8``), each copied into 1-3 other documents.
        scans: documents present twice (default ``n_docs // 40``).
        doc_sentences: range of sentences per document (about 12 words or 20 characters each).
    """
    rng = random.Random(seed)
    langs = {False: _Lang(random.Random(seed + 1), False), True: _Lang(random.Random(seed + 2), True)}
    groups = n_docs // 8 if groups is None else groups
    scans = n_docs // 40 if scans is None else scans
    n_base = n_docs - scans
    # each document: list of paragraphs of (sentence, tag) where tag = (group, variant) for injected runs
    base: list[dict[str, Any]] = []
    for i in range(n_base):
        chinese = rng.random() < chinese_share
        lang = langs[chinese]
        sentences = [lang.sentence() for _ in range(rng.randint(*doc_sentences))]
        base.append({"name": f"doc-{i:05d}.txt", "chinese": chinese, "sentences": sentences,
                     "wrapped": rng.random() < 0.6, "width": rng.choice([28, 34, 40]) if chinese else
                     rng.choice([45, 55, 70]), "inserts": defaultdict(list), "source": {}})
    scan_sources = set(rng.sample(range(n_base), scans))
    free = [i for i in range(n_base) if i not in scan_sources]
    pool = langs[True].vocab
    for g in range(groups):
        src = rng.choice(free)
        doc = base[src]
        sents = doc["sentences"]
        length = min(len(sents) - 2, rng.randint(6, 14))
        first = rng.randint(1, len(sents) - length - 1)
        if any(first <= s < first + length or s <= first < s + ln for s, ln in doc["source"].values()):
            continue
        doc["source"][g] = (first, length)
        passage = sents[first : first + length]
        for _ in range(rng.randint(1, 3)):
            tgt = rng.choice(free)
            if tgt == src or base[tgt]["chinese"] != doc["chinese"]:
                continue
            variant = rng.choice(["exact", "noisy", "partial"])
            copy = list(passage)
            if variant == "partial":
                keep = max(4, int(len(copy) * rng.uniform(0.5, 0.8)))
                at = rng.randint(0, len(copy) - keep)
                copy = copy[at : at + keep]
            if variant != "exact":
                copy = [_noisy(s, rng, rng.uniform(0.01, 0.04), pool) for s in copy]
            where = rng.randint(1, len(base[tgt]["sentences"]) - 1)
            base[tgt]["inserts"][where].append((g, variant, copy))
    docs: dict[str, str] = {}
    instances: list[Instance] = []
    for i, doc in enumerate(base):
        text, found = _render(doc, rng)
        docs[doc["name"]] = text
        instances.extend(found)
        if i in scan_sources:
            name = doc["name"].replace(".txt", "-rescan.txt")
            noisy = _noisy(text, rng, 0.02, pool)
            docs[name] = noisy
            g = groups + len(scan_sources) + i
            instances.append(Instance(doc["name"], 0, len(text), g, "scan"))
            instances.append(Instance(name, 0, len(noisy), g, "scan"))
    return SyntheticCorpus(dict(sorted(docs.items())), instances)


def _render(doc: dict[str, Any], rng: random.Random) -> tuple[str, list[Instance]]:
    b = _Builder(doc["chinese"], doc["wrapped"], doc["width"])
    found: list[Instance] = []
    sources = {first: (g, length) for g, (first, length) in doc["source"].items()}
    open_src: tuple[int, int, int] | None = None  # group, start, last sentence index
    pending: list[tuple[int, str, list[str]]] = []
    for k, s in enumerate(doc["sentences"]):
        pending.extend(doc["inserts"].get(k, []))
        if open_src is not None:
            pending_now: list[tuple[int, str, list[str]]] = []  # never inside a source passage
        else:
            pending_now, pending = pending, []
        for g, variant, copy in pending_now:
            b.paragraph_break()
            start = -1
            end = 0
            for c in copy:
                s0, end = b.sentence(c)
                start = s0 if start < 0 else start
            found.append(Instance(doc["name"], start, end, g, variant))
            b.paragraph_break()
        if k in sources and open_src is None:
            g, length = sources[k]
            open_src = (g, -1, k + length - 1)
        if rng.random() < 0.15 and open_src is None:
            b.paragraph_break()
        s0, s1 = b.sentence(s)
        if open_src is not None:
            g, start, last = open_src
            start = s0 if start < 0 else start
            open_src = (g, start, last)
            if k == last:
                found.append(Instance(doc["name"], start, s1, g, "source"))
                open_src = None
    return b.text(), found


def evaluate(result: Any, truth: Sequence[Instance], names: dict[str, str] | None = None) -> dict[str, float]:
    """Passage-level precision and recall of ``result`` (a DedupResult) against injected ``truth``.

    A cluster member matches a true copy when they are in one document and overlap by
    half the shorter of the two.  ``precision``: share of cluster members that match a
    true copy; ``recall``: share of true copies matched by a member of a cluster that
    also holds another copy of the same group.  The pairwise figures count pairs of
    members in one cluster (``pair_precision``: of one group) and pairs of copies of
    one group (``pair_recall``: found in one cluster).

    Args:
        result: the clusters to score.
        truth: the injected copies.
        names: document path in the result -> document name in ``truth`` (default: the file name).
    """
    by_doc: dict[str, list[Instance]] = defaultdict(list)
    for inst in truth:
        by_doc[inst.doc].append(inst)

    def matches(doc: str, start: int, end: int) -> list[Instance]:
        return [i for i in by_doc.get(doc, ()) if min(end, i.end) - max(start, i.start)
                >= 0.5 * min(end - start, i.end - i.start)]

    members = 0
    good = 0
    found: set[Instance] = set()
    pairs = 0
    good_pairs = 0
    true_pairs_found: set[tuple[Instance, Instance]] = set()
    for c in result.clusters:
        node_inst = []
        for n in c.nodes:
            path = result.documents[n.doc].path
            doc = names[path] if names else Path(path).name
            hits = matches(doc, n.start, n.end)
            node_inst.append((n, hits))
            members += 1
            good += bool(hits)
        groups_here: dict[int, list[Instance]] = defaultdict(list)
        for _, insts_of_node in node_inst:
            for i in insts_of_node:
                groups_here[i.group].append(i)
        for same_group in groups_here.values():
            if len(set(same_group)) > 1:
                found.update(same_group)
                uniq = sorted(set(same_group), key=lambda i: (i.doc, i.start))
                for x in range(len(uniq)):
                    for y in range(x + 1, len(uniq)):
                        true_pairs_found.add((uniq[x], uniq[y]))
        for x in range(len(node_inst)):
            for y in range(x + 1, len(node_inst)):
                (nx, ix), (ny, iy) = node_inst[x], node_inst[y]
                if nx.doc == ny.doc:
                    continue
                pairs += 1
                good_pairs += bool({i.group for i in ix} & {i.group for i in iy})
    groups: dict[int, list[Instance]] = defaultdict(list)
    for inst in truth:
        groups[inst.group].append(inst)
    dup_groups = {g: v for g, v in groups.items() if len(v) > 1}
    total_instances = sum(len(v) for v in dup_groups.values())
    total_pairs = sum(len(v) * (len(v) - 1) // 2 for v in dup_groups.values())
    return {
        "precision": good / members if members else 1.0,
        "recall": len(found) / total_instances if total_instances else 1.0,
        "pair_precision": good_pairs / pairs if pairs else 1.0,
        "pair_recall": len(true_pairs_found) / total_pairs if total_pairs else 1.0,
        "members": members,
        "instances": total_instances,
    }
