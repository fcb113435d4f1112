"""Full-text search functions at a basic tokenised level.

Text is split into lower-case alphanumeric tokens. ``FullTextContains`` matches a phrase (its tokens
consecutively), ``FullTextContainsAll``/``Any`` match terms, and ``FullTextScore`` is a per-document BM25
term-frequency score (saturating in the term count). The service's score also weighs terms by their rarity
across the container; this emulator has no container statistics at that point, so rare and common terms
weigh the same. Only relative order within one query matters to clients.
"""
from __future__ import annotations

import re
from typing import List

from ..values import UNDEFINED, is_array, is_string
from .registry import builtin

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_K1 = 1.2


def tokens(text: str) -> List[str]:
    return [token.lower() for token in _TOKEN.findall(text)]


def _terms(values) -> List[str]:
    terms: List[str] = []
    for value in values:
        if is_array(value):
            terms.extend(term for item in value if is_string(item) for term in tokens(item))
        elif is_string(value):
            terms.extend(tokens(value))
    return terms


def _contains_phrase(haystack: List[str], phrase: List[str]) -> bool:
    if not phrase:
        return False
    width = len(phrase)
    return any(haystack[index:index + width] == phrase for index in range(len(haystack) - width + 1))


@builtin("FullTextContains", 2)
def full_text_contains(text, phrase):
    if not (is_string(text) and is_string(phrase)):
        return UNDEFINED
    return _contains_phrase(tokens(text), tokens(phrase))


@builtin("FullTextContainsAll", 2, None)
def full_text_contains_all(text, *terms):
    if not is_string(text):
        return UNDEFINED
    present = set(tokens(text))
    wanted = _terms(terms)
    return bool(wanted) and all(term in present for term in wanted)


@builtin("FullTextContainsAny", 2, None)
def full_text_contains_any(text, *terms):
    if not is_string(text):
        return UNDEFINED
    present = set(tokens(text))
    return any(term in present for term in _terms(terms))


@builtin("FullTextScore", 2, None)
def full_text_score(text, *terms):
    if not is_string(text):
        return 0
    counts = {}
    for token in tokens(text):
        counts[token] = counts.get(token, 0) + 1
    score = 0.0
    for term in _terms(terms):
        frequency = counts.get(term, 0)
        score += frequency * (_K1 + 1) / (frequency + _K1) if frequency else 0.0
    return score


# The internal forms the gateway's hybrid search plans send to every range (``query/hybrid_search.py``): the
# score with the container-wide statistics the client gathered (document count, word count, hits per term),
# and the word count those statistics sum. The statistics are accepted and, like FullTextScore's, not weighed.
@builtin("_FullTextScore", 5)
def full_text_score_with_statistics(text, terms, document_count, word_count, hit_counts):
    return full_text_score(text, terms)


@builtin("_FullTextWordCount", 1)
def full_text_word_count(text):
    return len(tokens(text)) if is_string(text) else 0
