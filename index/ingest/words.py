"""Common English words, so that a place named like one ("Mobile", "Reading", "Nice", "Of")
is not read where the word is meant.

A word is common when it is among the most frequent English words (the frequency list that
ships with symspellpy, counted over a large corpus, where proper nouns appear lower-cased too)
and an ordinary dictionary word, written in lower case in Webster's Second (english-words'
web2 list, where "Paris" and "London" are capitalized). The first test alone would take
"london" and "chicago" for words; the second alone would take "porto" (the wine). Words of up
to three letters count when the dictionary has them at all ("bar", "van").
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from english_words import get_english_words_set

MOST_FREQUENT = 5000  # how far down the frequency list "common" reaches
_SHORT = 3


@cache
def _dictionary() -> frozenset[str]:
    """Webster's words as written: "Paris", "nice". Loaded once, on first use."""
    return frozenset(get_english_words_set(["web2"], lower=False))


@cache
def _frequent() -> tuple[str, ...]:
    listed = files("symspellpy").joinpath("frequency_dictionary_en_82_765.txt")
    frequent = []
    with listed.open(encoding="utf-8") as lines:
        for line in lines:
            frequent.append(line.split(" ", 1)[0])
            if len(frequent) == MOST_FREQUENT:
                break
    return tuple(frequent)


@cache
def common_words() -> frozenset[str]:
    """Built once, on first use."""
    dictionary = _dictionary()
    short = {w for w in dictionary if len(w) <= _SHORT and w.islower()}
    return frozenset({w for w in _frequent() if w in dictionary} | short)


def is_common_word(key: str) -> bool:
    """Whether a folded one-word name is a common English word."""
    return key in common_words()


def is_dictionary_word(key: str) -> bool:
    """Whether a folded one-word name is an English word at all, or a frequent token."""
    return key in _dictionary() or key in _frequent_set()


@cache
def _frequent_set() -> frozenset[str]:
    return frozenset(_frequent())
