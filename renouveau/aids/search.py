"""Text normalisation for the aid search.

PostgreSQL does the real work (``french_unaccent`` configuration: unaccent + french_stem, a
weighted ``tsvector`` and ``pg_trgm`` for typos). These helpers build the normalised
``search_text`` column used everywhere else: SQLite search (accent- and case-insensitive,
singular = plural through a light stemmer), the trigram fallback, and relevance on SQLite.
"""

from __future__ import annotations

import re
import unicodedata

MAX_QUERY_TOKENS = 12

STOPWORDS = frozenset(
    """a au aux avec ce ces d dans de des du elle en et eux il je l la le les leur lui ma
    mais me meme mes moi mon n ne nos notre nous on ou par pas pour qu que qui s sa se ses
    son sur ta te tes toi ton tu un une vos votre vous y c j m t est sont""".split()
)

_WORD = re.compile(r"[a-z0-9]+")


def unaccent(text: str) -> str:
    """``"Énergie"`` → ``"Energie"``; also folds ligatures (œ → oe) and apostrophes."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Lower-case, accent-free text (the input of the trigram comparison)."""
    return unaccent(text or "").lower()


# Irregular plurals a suffix rule cannot pair ("œil" is folded to "oeil" by ``unaccent``).
IRREGULAR_NUMBERS = {"oeil": "yeux", "yeux": "oeil", "ciel": "cieux", "cieux": "ciel"}
IRREGULAR_STEMS = {"yeux": "oeil", "cieux": "ciel", "baux": "bail"}


def stem(word: str) -> str:
    """A deliberately light French stemmer: plural and a few frequent endings.

    ``energies``/``énergie`` → ``energie``; ``travaux``/``travail`` → ``traval``;
    ``sociaux`` → ``social``; ``jeux`` → ``jeu``; ``yeux`` → ``oeil``.
    The same function runs on the indexed text and on the query, so both sides agree.
    """
    if word in IRREGULAR_STEMS:
        return IRREGULAR_STEMS[word]
    if len(word) > 4 and word.endswith("aux"):
        return word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 4 and word.endswith("ail"):
        return word[:-3] + "al"
    return word


def tokens(text: str, *, keep_stopwords: bool = False) -> list[str]:
    words = _WORD.findall(normalise(text))
    return [stem(w) for w in words if keep_stopwords or w not in STOPWORDS]


def index_text(*parts: str) -> str:
    """The ``search_text`` column: stemmed tokens, space-separated, with a leading space so
    that ``" " + token`` matches the start of a word (prefix search). The first part (the
    title) comes first: on SQLite, an earlier match ranks higher."""
    words: list[str] = []
    for part in parts:
        if part:
            words.extend(tokens(part, keep_stopwords=False))
    return " " + " ".join(words) + " "


def query_tokens(q: str) -> list[str]:
    """Distinct tokens of a user query (stopwords dropped), at most ``MAX_QUERY_TOKENS``."""
    seen: list[str] = []
    for token in tokens(q):
        if token not in seen:
            seen.append(token)
    return seen[:MAX_QUERY_TOKENS]


def lexicon_words(*parts: str) -> set[str]:
    """Accent-free, lower-case words of 3 to 60 letters (no stopwords), for the lexicon."""
    words: set[str] = set()
    for part in parts:
        if part:
            words.update(
                w for w in _WORD.findall(normalise(part)) if 3 <= len(w) <= 60 and not w.isdigit()
            )
    return words - STOPWORDS


def number_variant(word: str) -> str | None:
    """The other grammatical number of a query word, for the stemmer's misses: the French
    Snowball stemmer gives "loyer" -> ``loi`` but "loyers" -> ``loyer``, so each form alone
    misses the other. A final ``s`` is dropped, or added (words of 4 letters or more; words in
    ``x``/``z`` are left alone). Where both forms stem alike the variant changes nothing."""
    if len(word) < 4 or word.isdigit() or word[-1] in "xz":
        return None
    if word.endswith("s"):
        return word[:-1] if len(word) > 4 and not word.endswith("ss") else None
    return word + "s"


def irregular_variants(word: str) -> list[str]:
    """The other number of a query word when French forms it irregularly, for PostgreSQL's
    stemmer, which pairs neither "travail"/"travaux" (``travail``/``traval``) nor
    "jeu"/"jeux", "genou"/"genoux", "cheveu"/"cheveux", "œil"/"yeux":
    ``-ail`` ↔ ``-aux``, ``-eu``/``-ou``/``-au`` ↔ ``-eux``/``-oux``/``-aux``, and a short
    list of exceptions. A variant that is not a French word finds nothing and costs little."""
    if word in IRREGULAR_NUMBERS:
        return [IRREGULAR_NUMBERS[word]]
    if len(word) >= 4 and word.endswith("ail"):
        return [word[:-3] + "aux"]
    if len(word) >= 4 and word.endswith("aux"):
        return [word[:-3] + "ail"]
    if len(word) >= 4 and word.endswith(("eux", "oux")):
        return [word[:-1]]
    if len(word) >= 3 and word.endswith(("eu", "ou", "au")):
        return [word + "x"]
    return []


def query_words(q: str) -> list[str]:
    """Distinct accent-free words of a query (no stopwords, not stemmed)."""
    seen: list[str] = []
    for word in _WORD.findall(normalise(q)):
        if word not in STOPWORDS and word not in seen:
            seen.append(word)
    return seen[:MAX_QUERY_TOKENS]
