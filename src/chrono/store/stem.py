"""English stems as the index's tokenizer (SQLite FTS5 `porter`) makes them, for ranking and explaining matches.

The index matches words by these stems itself; this copy of the rules (M. F. Porter, "An algorithm for
suffix stripping", 1980, as FTS5 applies them) tells which forms of a word a result holds, so that an
exact form can rank above a stemmed one and `search --explain` can say which form matched.
"""

from __future__ import annotations

# FTS5 leaves shorter and longer tokens as they are.
MIN_LENGTH, MAX_LENGTH = 3, 64
_VOWELS = frozenset("aeiou")


def _consonant(word: str, i: int) -> bool:
    """Whether word[i] is a consonant: not a vowel, and a y only after a vowel (or first)."""
    c = word[i]
    if c in _VOWELS:
        return False
    if c == "y":
        return i == 0 or not _consonant(word, i - 1)
    return True


def _measure(stem: str) -> int:
    """Porter's m: the number of vowel-consonant sequences in [C](VC)^m[V]."""
    m = 0
    i, n = 0, len(stem)
    while i < n and _consonant(stem, i):
        i += 1
    while i < n:
        while i < n and not _consonant(stem, i):
            i += 1
        if i >= n:
            break
        while i < n and _consonant(stem, i):
            i += 1
        m += 1
    return m


def _has_vowel(stem: str) -> bool:
    return any(not _consonant(stem, i) for i in range(len(stem)))


def _double(stem: str) -> bool:
    """Whether the stem ends in a double consonant."""
    return len(stem) >= 2 and stem[-1] == stem[-2] and _consonant(stem, len(stem) - 1)


def _cvc(stem: str) -> bool:
    """Whether the stem ends consonant-vowel-consonant, the last not w, x or y."""
    n = len(stem)
    return (n >= 3 and _consonant(stem, n - 3) and not _consonant(stem, n - 2) and _consonant(stem, n - 1)
            and stem[-1] not in "wxy")


def _m0(stem: str) -> bool:
    return _measure(stem) > 0


def _m1(stem: str) -> bool:
    return _measure(stem) > 1


def _m1_st(stem: str) -> bool:
    return _measure(stem) > 1 and stem[-1:] in ("s", "t")


# (suffix, condition on what remains, replacement); in each step the first suffix that the word ends with
# decides: its rule applies if the condition holds, and no other rule is tried.
_STEP2 = tuple((s, _m0, r) for s, r in (
    ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"), ("bli", "ble"),
    ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"), ("ization", "ize"), ("ation", "ate"),
    ("ator", "ate"), ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous"),
    ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"), ("logi", "log"),
))
_STEP3 = tuple((s, _m0, r) for s, r in (
    ("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""),
))
_STEP4 = tuple((s, _m1_st if s == "ion" else _m1, "") for s in (
    "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism", "ate",
    "iti", "ous", "ive", "ize",
))


def _ends(word: str, suffix: str) -> bool:
    """Whether the word ends with the suffix and has something before it (as FTS5 asks)."""
    return len(word) > len(suffix) and word.endswith(suffix)


def _by_rules(word: str, rules: tuple[tuple[str, object, str], ...]) -> str:
    # The longest suffix first: a rule for "ement" is tried before "ment" and "ent".
    for suffix, condition, replacement in sorted(rules, key=lambda r: -len(r[0])):
        if _ends(word, suffix):
            stem = word[: -len(suffix)]
            return stem + replacement if condition(stem) else word  # type: ignore[operator]
    return word


def _step1(word: str) -> str:
    if _ends(word, "sses"):
        word = word[:-2]
    elif _ends(word, "ies"):
        word = word[:-2]
    elif _ends(word, "s") and not word.endswith("ss"):
        word = word[:-1]
    if _ends(word, "eed"):
        if _m0(word[:-3]):
            word = word[:-1]
    else:
        for suffix in ("ed", "ing"):
            if _ends(word, suffix):
                stem = word[: -len(suffix)]
                if _has_vowel(stem):
                    word = stem
                    if len(word) > 2 and word.endswith(("at", "bl", "iz")):
                        word += "e"
                    elif _double(word) and word[-1] not in "lsz":
                        word = word[:-1]
                    elif _measure(word) == 1 and _cvc(word):
                        word += "e"
                break
    if word.endswith("y") and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    return word


def stem(word: str) -> str:
    """The stem FTS5's porter tokenizer indexes for a word already folded (lowercase, no accents)."""
    if not MIN_LENGTH <= len(word.encode()) <= MAX_LENGTH:
        return word
    word = _step1(word)
    word = _by_rules(word, _STEP2)
    word = _by_rules(word, _STEP3)
    word = _by_rules(word, _STEP4)
    if word.endswith("e"):
        rest = word[:-1]
        m = _measure(rest)
        if m > 1 or (m == 1 and not _cvc(rest)):
            word = rest
    if word.endswith("ll") and _m1(word):
        word = word[:-1]
    return word
