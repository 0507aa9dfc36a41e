"""Text folding for matching: accents, case, punctuation, phonetic codes and nicknames."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_DIGITS = re.compile(r"\D+")
_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}
# A short list of common English given-name variants; both sides map to one canonical form.
NICKNAMES = {
    "bill": "william",
    "will": "william",
    "billy": "william",
    "bob": "robert",
    "rob": "robert",
    "bobby": "robert",
    "dick": "richard",
    "rick": "richard",
    "jim": "james",
    "jimmy": "james",
    "jamie": "james",
    "mike": "michael",
    "mick": "michael",
    "tom": "thomas",
    "tommy": "thomas",
    "liz": "elizabeth",
    "beth": "elizabeth",
    "betty": "elizabeth",
    "kate": "katherine",
    "katie": "katherine",
    "kathy": "katherine",
    "cathy": "catherine",
    "alex": "alexander",
    "sandy": "alexandra",
    "dan": "daniel",
    "danny": "daniel",
    "dave": "david",
    "chris": "christopher",
    "matt": "matthew",
    "nick": "nicholas",
    "tony": "anthony",
    "andy": "andrew",
    "drew": "andrew",
    "joe": "joseph",
    "joey": "joseph",
    "sam": "samuel",
    "ben": "benjamin",
    "steve": "stephen",
    "jen": "jennifer",
    "jenny": "jennifer",
    "meg": "margaret",
    "maggie": "margaret",
    "peggy": "margaret",
    "sue": "susan",
    "ed": "edward",
    "ted": "edward",
    "eddie": "edward",
    "greg": "gregory",
    "jon": "jonathan",
    "pat": "patrick",
    "becky": "rebecca",
    "vicky": "victoria",
    "tim": "timothy",
    "fred": "frederick",
    "charlie": "charles",
    "chuck": "charles",
    "larry": "lawrence",
    "harry": "henry",
    "hank": "henry",
    "jack": "john",
    "johnny": "john",
}


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation turned into single spaces."""
    if text.isascii():
        return _NON_ALNUM.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_ALNUM.sub(" ", bare).strip()


def compact(text: str) -> str:
    """Folded with no spaces at all: "Mc Carthy" and "mccarthy" become one key."""
    return fold(text).replace(" ", "")


def digits(text: str) -> str:
    return _DIGITS.sub("", text)


def canonical_given_name(folded: str) -> str:
    return NICKNAMES.get(folded, folded)


def soundex(word: str) -> str:
    """American Soundex of an already folded word; "" for a word with no letters."""
    letters = [char for char in word if "a" <= char <= "z"]
    if not letters:
        return ""
    code = letters[0]
    previous = _SOUNDEX_CODES.get(letters[0], "")
    for char in letters[1:]:
        digit = _SOUNDEX_CODES.get(char, "")
        if digit and digit != previous:
            code += digit
            if len(code) == 4:
                break
        if char not in "hw":
            previous = digit
    return code.ljust(4, "0")
