"""Words as people mean them: stop words, numbers and ordinals in every spelling, British and American forms.

A query word becomes the forms that should match it ('fifteenth' -> 15th, XV); the index's tokenizer
matches inflections by their stem itself (store.stem says which).
"""

from __future__ import annotations

import re

# Words that carry no meaning of their own in a question; they need not match (unless a query has no other).
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing done down during each either ever few for from further get got had has
have having he her here hers herself him himself his how i if in into is it its itself just let me might
more most much must my myself neither no nor not now of off on once only onto or other ought our ours ourselves
out over own per same shall she should so some such than that the their theirs them themselves then there these
they this those through to too under until up upon us very via was we were what whatever when whenever where
whereas whether which while who whom whose why with within without would yet you your yours yourself
yourselves
""".split())

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL_UNITS = ("zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
                  "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth").split()
_ORDINAL_TENS = "_ _ twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split()
# Roman numerals stand for ordinals (the XV Congress, Pius XII) from II to L; single letters (I, V, X) are
# too often something else.
ROMAN_MAX = 50
_ROMAN = (("l", 50), ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


def roman(n: int) -> str:
    """n (1 to 399) in lowercase Roman numerals."""
    out = ""
    for letters, value in _ROMAN if n < 90 else (("c", 100), ("xc", 90), *_ROMAN):
        while n >= value:
            out += letters
            n -= value
    return out


def _spelled(n: int, ordinal: bool) -> str:
    """n (0 to 100) in words, e.g. 'twenty five' or 'twenty fifth' (words as the index reads 'twenty-five')."""
    units, tens = (_ORDINAL_UNITS, _ORDINAL_TENS) if ordinal else (_UNITS, _TENS)
    if n == 100:
        return "hundredth" if ordinal else "hundred"
    if n < 20:
        return units[n]
    if n % 10 == 0:
        return tens[n // 10]
    return f"{_TENS[n // 10]} {units[n % 10]}"


_CARDINALS = {_spelled(n, False): n for n in range(101)}
_ORDINALS = {_spelled(n, True): n for n in range(101)}
_ROMANS = {roman(n): n for n in range(2, ROMAN_MAX + 1) if len(roman(n)) > 1}
_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}


def ordinal_digits(n: int) -> str:
    """n as digits with its English ordinal ending: 1st, 2nd, 11th, 23rd."""
    return f"{n}{'th' if 10 <= n % 100 <= 20 else _SUFFIXES.get(n % 10, 'th')}"


def _ordinal_forms(n: int) -> list[str]:
    forms = [ordinal_digits(n)]
    if n <= 100:
        forms.append(_spelled(n, True))
    if 2 <= n <= ROMAN_MAX and len(roman(n)) > 1:
        forms.append(roman(n))
    return forms


def _grouped(digits: str) -> str:
    """A long number as the index reads '320,000': its groups of three as separate words ('320 000')."""
    head = len(digits) % 3 or 3
    return " ".join([digits[:head], *(digits[i:i + 3] for i in range(head, len(digits), 3))])


def number_forms(word: str) -> list[str]:
    """Every spelling of a number or ordinal ('15th' -> 15th, fifteenth, xv); [] if the word is none."""
    if word.isascii() and word.isdigit():
        forms = [word]
        n = int(word)
        if n <= 100 and not (len(word) > 1 and word[0] == "0"):
            forms.append(_spelled(n, False))
        if len(word) >= 5 and word[0] != "0":
            forms.append(_grouped(word))
        return forms
    digits = word[:-2]
    if word[-2:] in ("st", "nd", "rd", "th") and 0 < len(digits) <= 4 and digits.isascii() and digits.isdigit():
        n = int(digits)
        return _ordinal_forms(n) if n and word == ordinal_digits(n) else []
    if word in _ORDINALS:
        return _ordinal_forms(_ORDINALS[word])
    if word in _CARDINALS:
        n = _CARDINALS[word]
        return [word, str(n)]
    if word in _ROMANS:
        return [word, *_ordinal_forms(_ROMANS[word])[:2]]
    return []


# British and American spellings, as pairs of endings: -ise/-ize (and -isation), -yse/-yze, -our/-or, -tre/-ter;
# in each group the longest ending that fits decides. -our/-or and -tre/-ter need three letters before them.
_ISE = ("e", "es", "ed", "ing", "er", "ers", "ation", "ations", "ational")
_SPELLINGS = tuple(
    (tuple(sorted(pairs, key=lambda p: -len(p[0]))), before) for pairs, before in (
        ([(f"is{e}", f"iz{e}") for e in _ISE] + [(f"iz{e}", f"is{e}") for e in _ISE], 1),
        ([(f"ys{e}", f"yz{e}") for e in _ISE[:4]] + [(f"yz{e}", f"ys{e}") for e in _ISE[:4]], 1),
        ([(f"our{e}", f"or{e}") for e in ("", "s", "ed", "ing", "ite", "ites")]
         + [(f"or{e}", f"our{e}") for e in ("", "s", "ed", "ing", "ite", "ites")], 3),
        ([("tre", "ter"), ("tres", "ters"), ("ter", "tre"), ("ters", "tres")], 3),
    )
)


def spellings(word: str) -> list[str]:
    """The word's other spelling (British or American), if it has one: collectivisation -> collectivization."""
    out = []
    for pairs, before in _SPELLINGS:
        for ending, other in pairs:
            if word.endswith(ending):
                stem = word[: -len(ending)]
                if len(stem) >= before and (before == 1 or stem[-3:].isalpha() and stem[-3:].isascii()):
                    out.append(stem + other)
                break
    return out


# Irregular verbs, each with its forms: the stems of 'died' (di) and 'die' (die) differ, and no stem joins
# 'fled' to 'flee'. Forms that are also common other words (left, found, saw, rose, bore) are left out.
# The first groups join the words a chronology uses for a life's events: born, birth; died, death; married.
_IRREGULAR = """
die dies died dying death deaths|born birth|marry marries married marriage|flee flees fled fleeing
shoot shoots shot|win wins won|send sends sent|meet meets met|write writes wrote written
begin begins began begun|take takes took taken|give gives gave given|make makes made|hold holds held
build builds built|rebuild rebuilt|sell sells sold|buy buys bought|bring brings brought|fight fights fought
choose chooses chose chosen|drive drives drove driven|rise rises risen|break breaks broke broken
speak speaks spoke spoken|steal steals stole stolen|freeze freezes froze frozen|come comes came|become became
go goes went gone|see sees seen|know knows knew known|grow grows grew grown|throw throws threw thrown
overthrow overthrows overthrew overthrown|withdraw withdraws withdrew withdrawn|draw draws drew drawn
fly flies flew flown|run runs ran|sit sits sat|stand stands stood|understand understood|tell tells told
say says said|pay pays paid|hang hangs hung|strike strikes struck|swear swears swore sworn|teach taught
think thought|catch caught|seek sought|keep kept|sleep slept|feel feels felt|lose loses lost|spend spent
forget forgot forgotten|forbid forbade forbidden|hide hides hid hidden|eat ate eaten|fall falls fell fallen
lead leads led|arise arose arisen|sink sank sunk|shake shook shaken|slay slew slain
undertake undertook undertaken|wear wore worn|sing sang sung|drink drank drunk|beat beaten|bite bitten
mistake mistook mistaken
"""
_VERB_FORMS = {w: group for group in (tuple(g.split()) for g in _IRREGULAR.replace("\n", "|").split("|") if g.strip())
               for w in group}
# Nouns and the verbs they are made from, by their endings (expulsion, expel; invasion, invade), which no
# stem joins. Each pair works both ways; a verb is recognised by its stem (invaded -> invad).
_DERIVED = (("ulsion", "el"), ("mission", "mit"), ("ension", "end"), ("ansion", "and"), ("asion", "ade"),
            ("ision", "ide"), ("osion", "ode"), ("usion", "ude"), ("uction", "uce"), ("ription", "ribe"),
            ("umption", "ume"), ("ence", "end"), ("ense", "end"))


def derived(word: str) -> list[str]:
    """The verb a noun is made from, or the noun made from a verb: expulsion <-> expel, defence <-> defend.

    A verb is taken as one only in a form that shows it (invade, invaded, expels, expelling), so that names
    such as Poland and Leningrad are left alone.
    """
    from chrono.store.stem import stem

    out = []
    noun = word[:-1] if word.endswith("s") else word
    base = stem(word)
    verb = base != word or word.endswith("e")
    for noun_end, verb_end in _DERIVED:
        if noun.endswith(noun_end) and len(noun) - len(noun_end) >= 2:
            out.append(noun[: -len(noun_end)] + verb_end)
            continue
        verb_stem = verb_end.removesuffix("e")
        if verb and base.endswith(verb_stem) and len(base) - len(verb_stem) >= 2:
            out.append(base[: -len(verb_stem)] + noun_end)
    return out


def forms(word: str) -> tuple[str, ...]:
    """The forms a folded query word matches besides itself: number spellings, the other spelling, other forms
    of an irregular verb, the noun or verb it is made from or makes."""
    from chrono.store.stem import stem

    found = number_forms(word) or [*spellings(word), *_VERB_FORMS.get(word, ()), *derived(word)]
    # One form for each stem: the index holds 'dies' and 'died' alike, and bm25 would count them twice.
    stems = {" ".join(map(stem, f.split())): f for f in reversed([word, *found])}
    return tuple(f for f in stems.values() if f != word)[::-1]


# What separates words that people join (late-tsarist, Molotov–Ribbentrop, 1936/37); a possessive's ending.
_JOINERS = r"[-\u2010-\u2015/]+"
_POSSESSIVE = r"(?<=[^\W_])['\u2019\u02bc]s?$"
_EDGES = r"^[^\w'\u2019\u02bc]+|[^\w'\u2019\u02bc*]+$"
_THOUSANDS = r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,]*\d)"


def split_words(token: str) -> list[str]:
    """The words of one unquoted query token: possessives and edge punctuation off, joined words apart.

    'Russia's' -> ['Russia'], 'late-tsarist' -> ['late', 'tsarist'], 'twenty-fifth' -> ['twenty fifth'],
    '320,000' -> ['320000'], 'Lenin?' -> ['Lenin']. A part with other punctuation inside ('U.S.S.R',
    "O'Brien") is kept whole: the index reads it as a phrase.
    """
    if token.isalnum():
        return [token]
    edges = re.compile(_EDGES).sub
    token = re.sub(_THOUSANDS, lambda m: m.group(0).replace(",", ""), edges("", token))
    out: list[str] = []
    for part in re.split(_JOINERS, token):
        part = edges("", re.sub(_POSSESSIVE, "", edges("", part)))
        if not part:
            continue
        low = part.casefold()
        # 'twenty-five', 'forty-sixth': one number in two words.
        if out and out[-1].casefold() in _TENS and 1 <= _CARDINALS.get(low, _ORDINALS.get(low, 0)) <= 9:
            out[-1] = f"{out[-1]} {part}"
            continue
        out.append(part)
    return out


def is_stop(word: str) -> bool:
    """Whether a (folded) word is a stop word."""
    return word in STOP_WORDS


def prefix_forms(prefix: str) -> tuple[str, ...]:
    """Stems a prefix also stands for: the index holds 'emancipation' as 'emancip', which 'emancipat*' misses."""
    from chrono.store.stem import stem

    found = {stem(prefix + ending) for ending in ("e", "ion", "ing")}
    return tuple(sorted(s for s in found if len(s) < len(prefix) and len(s) >= 4))
