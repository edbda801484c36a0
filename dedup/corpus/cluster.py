"""Passage nodes, connected components and a deterministic keeper per cluster."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from dedup.corpus.passages import PassageMatch

__all__ = ["KEEP_POLICIES", "Cluster", "Node", "build_clusters", "document_clusters"]

KEEP_POLICIES = ("first", "longest", "most-complete")


@dataclass(slots=True)
class Node:
    """A passage of one document that takes part in at least one match."""

    id: int
    doc: int
    start: int
    end: int
    #: (other node id, similarity) for every match this node is a side of
    links: list[tuple[int, float]] = field(default_factory=list)

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(slots=True)
class Cluster:
    """Passages that are copies of one another (connected by verified matches)."""

    id: int
    nodes: list[Node]
    keeper: Node

    @property
    def docs(self) -> list[int]:
        return sorted({n.doc for n in self.nodes})


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller root wins so components do not depend on the order of unions
            self.parent[max(ra, rb)] = min(ra, rb)


def _nodes(matches: Sequence[PassageMatch]) -> tuple[list[Node], list[tuple[int, int, float]]]:
    """Per document, intervals overlapping by half the shorter one become one node."""
    per_doc: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)  # doc -> (start, end, match, side)
    for i, m in enumerate(matches):
        per_doc[m.a].append((m.a_start, m.a_end, i, 0))
        per_doc[m.b].append((m.b_start, m.b_end, i, 1))
    nodes: list[Node] = []
    side_node: dict[tuple[int, int], int] = {}
    for doc in sorted(per_doc):
        current: Node | None = None
        for start, end, mi, side in sorted(per_doc[doc]):
            if current is not None:
                overlap = min(current.end, end) - start
                if overlap * 2 >= min(len(current), end - start):
                    current.end = max(current.end, end)
                    side_node[(mi, side)] = current.id
                    continue
            current = Node(len(nodes), doc, start, end)
            nodes.append(current)
            side_node[(mi, side)] = current.id
    edges = [(side_node[(i, 0)], side_node[(i, 1)], m.score) for i, m in enumerate(matches)]
    for a, b, score in edges:
        nodes[a].links.append((b, score))
        nodes[b].links.append((a, score))
    return nodes, edges


def build_clusters(matches: Sequence[PassageMatch], keep: str = "first",
                   completeness: Callable[[Node], float] | None = None) -> list[Cluster]:
    """Connected components of matched passages, each with its keeper, in a stable order.

    Args:
        matches: verified passage matches between documents (document numbers in corpus order).
        keep: ``first`` (earliest document, then offset), ``longest`` (most characters) or
            ``most-complete`` (highest ``completeness`` score: the version holding the most of the others).
        completeness: scores a node for ``most-complete``; defaults to its length.
    """
    if keep not in KEEP_POLICIES:
        raise ValueError(f"unknown keep policy {keep!r} (expected one of {', '.join(KEEP_POLICIES)})")
    nodes, edges = _nodes(matches)
    uf = _UnionFind(len(nodes))
    for a, b, _ in edges:
        if a != b:
            uf.union(a, b)
    comps: dict[int, list[Node]] = defaultdict(list)
    for node in nodes:
        comps[uf.find(node.id)].append(node)
    clusters: list[Cluster] = []
    for members in comps.values():
        if len({n.doc for n in members}) < 2:
            continue
        members = _merge_overlapping(members)
        clusters.append(Cluster(0, members, _keeper(members, keep, completeness)))
    clusters.sort(key=lambda c: (c.nodes[0].doc, c.nodes[0].start))
    for i, c in enumerate(clusters):
        c.id = i
    return clusters


def _merge_overlapping(members: list[Node]) -> list[Node]:
    """One node per overlapping stretch of a document within a cluster (the copies of one passage)."""
    members.sort(key=lambda n: (n.doc, n.start, n.end))
    merged: list[Node] = []
    for n in members:
        last = merged[-1] if merged else None
        if last is not None and last.doc == n.doc and n.start < last.end:
            last.end = max(last.end, n.end)
            last.links.extend(n.links)
        else:
            merged.append(n)
    return merged


def _keeper(members: list[Node], keep: str, completeness: Callable[[Node], float] | None) -> Node:
    if keep == "first":
        return members[0]
    if keep == "longest":
        return min(members, key=lambda n: (-len(n), n.doc, n.start))
    score = completeness or (lambda n: float(len(n)))
    return min(members, key=lambda n: (-score(n), -len(n), n.doc, n.start))


def document_clusters(matches: Iterable[PassageMatch], lengths: Sequence[int],
                      min_coverage: float = 0.8) -> list[list[int]]:
    """Groups of documents that mostly repeat one another (a page scanned twice, a reprinted issue).

    Two documents are linked when the passages they share cover ``min_coverage``
    of each one's characters.
    """
    spans: dict[tuple[int, int], tuple[list[tuple[int, int]], list[tuple[int, int]]]] = defaultdict(
        lambda: ([], []))
    for m in matches:
        key = (min(m.a, m.b), max(m.a, m.b))
        sa, sb = ((m.a_start, m.a_end), (m.b_start, m.b_end)) if m.a < m.b else (
            (m.b_start, m.b_end), (m.a_start, m.a_end))
        spans[key][0].append(sa)
        spans[key][1].append(sb)
    uf = _UnionFind(len(lengths))
    for (a, b), (ia, ib) in spans.items():
        if a != b and _covered(ia) >= min_coverage * lengths[a] and _covered(ib) >= min_coverage * lengths[b]:
            uf.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for doc in sorted({d for pair in spans for d in pair}):
        groups[uf.find(doc)].append(doc)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])


def _covered(intervals: list[tuple[int, int]]) -> int:
    total, end = 0, -1
    for s, e in sorted(intervals):
        if e <= end:
            continue
        total += e - max(s, end)
        end = e
    return total
