"""Search as you type: residents and households by name, pinyin, initials, address or digits.

The query's shape picks what is searched, and each rank is read through an index in its own
order (:func:`_tiers`), best rank first, until ``limit`` hits are found, so a keystroke costs
about the same in a small community, a large one, or a street office's hub of many:

* Chinese text: names (exact > prefix > substring) and addresses (凤飞园3栋2单元501, 凤飞园3栋,
  3栋2单元501): an address typed from its start first, in address order, then one holding it.
* Latin letters: full pinyin (zhangaiqin, zhangai) and initials (zaq), stored with each name
  by the store, so pypinyin is never imported here.
* Digits: 4 or more match the tail of a phone or ID number (an ID may end in X); any number
  also matches a door (501). 3-2-501 and 3-2 are address keys.
* One or two letters or characters are looked for at the start of a pinyin, initials or
  address only: the trigram index needs three, and anything else would read every row.
* Shops (个体工商户) by their name, their owner's name, their street address (凤凰大道29号)
  or the tail of the owner's phone; a community has a few hundred, so a scan is nothing.

Results are ranked exact name > name prefix > name substring > pinyin > initials > address >
phone/ID tail > door, and within a rank by pinyin (initials: by initials, then pinyin),
address or walking order, each read in an index's own order where a rank can match thousands
(a street office's hub of twenty communities), so the order is stable and a keystroke reads a page.
The indexes (:func:`gridtui.core.dialect.search_index_ddl`): the name, its suffixes, the pinyin
and initials (prefix ranges), a trigram index over pinyin and addresses (a substring of three
or more), and the last four digits of phones and ID numbers; on the hub also a name's second and
third character with its pinyin, and the buildings' walking order
(:data:`gridtui.core.dialect.HUB_INDEXES`).
ID numbers and phones are masked in every hit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gridtui.core import dialect
from gridtui.core.models import database
from gridtui.domain.businesses import kind_label
from gridtui.domain.privacy import mask_id, mask_phone
from gridtui.domain.visits import household_heads
from gridtui.i18n import t

__all__ = [
    "ADDRESS_KEY",
    "CJK",
    "DIGITS",
    "Hit",
    "RANK_ADDRESS",
    "RANK_DOOR",
    "RANK_SHOP",
    "RANK_TAIL",
    "TAIL",
    "search",
]

CJK = re.compile(r"[\u3400-\u9fff]")
DIGITS = re.compile(r"\d+")
TAIL = re.compile(r"\d{4,}|\d{3,}X")
ADDRESS_KEY = re.compile(r"\d+(?:-\d+){1,2}")

CACHE_KIB = 16_000
"""The page cache of a connection kept for searching (:func:`prepare`): what a search reads at
full scale (residents, households, buildings, shops: ~1,500 pages, ~6.5 MB) and room to grow."""

RANK_SHOP = 2  # a shop's name holds the query: as good as a resident's name holding it
RANK_TAIL = 7
RANK_ADDRESS = 6
RANK_DOOR = 8


@dataclass(frozen=True)
class Hit:
    """One search result; ``resident_id`` is None for a household found by its address."""

    kind: str  # resident | household | business
    household_id: str  # "" for a shop
    resident_id: str | None
    title: str  # the resident's name, the household's address, or the shop's name
    subtitle: str  # the address, or the household's head and size, or the shop's kind and address
    id_masked: str = ""
    phone_masked: str = ""
    rank: int = 0
    business_id: str | None = None


def prepare() -> None:
    """Ready this thread's connection for a run of searches, one a keystroke.

    A run of keystrokes reads the same name, pinyin, address and digit indexes, more pages than
    the usual cache holds, so each keystroke would read them from disk again (and on an
    encrypted database decrypt and check each one). A cache of :data:`CACHE_KIB` keeps what
    they have read, and two searches (a character and a number) bring the first pages in before
    the first key.
    """
    if not dialect.hub():  # a server keeps its own cache
        database.execute_sql(f"PRAGMA cache_size = -{CACHE_KIB}")
    search("一")
    search("0000")


def _like(text: str) -> str:
    """Escape LIKE's wildcards in what the user typed (the pattern uses ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(query: str, limit: int = 50) -> list[Hit]:
    """Residents and households matching ``query``, best first (at most ``limit``)."""
    q = re.sub(r"\s+", "", re.sub(r"(?<=\d)\s+(?=\d)", "-", (query or "").strip()))
    if not q or limit <= 0:
        return []
    hits: list[tuple[int, int, Hit]] = []
    if q.isascii() and q.isalpha():
        hits += _residents(_pinyin_ranks(q.lower()), limit)
    elif q.isdigit() or TAIL.fullmatch(q.upper()):
        tail = q.upper()
        if TAIL.fullmatch(tail):
            hits += _residents(_tail_ranks(tail), limit)
            hits += _businesses(f"{dialect.tail('b.phone', len(tail))} = :q", {"q": tail}, RANK_TAIL, limit)
        if q.isdigit():
            hits += _households("h.door = :door", {"door": q}, RANK_DOOR, limit, order="h.address, h.id")
    else:
        if CJK.search(q) and not DIGITS.search(q):
            hits += _residents(_name_ranks(q), limit)
            hits += _businesses("(instr(b.name, :q) > 0 OR b.owner_name = :q)", {"q": q}, RANK_SHOP, limit)
        hits += _addresses(q, limit)
        if CJK.search(q):
            hits += _businesses("instr(b.address, :q) > 0", {"q": q}, RANK_ADDRESS, limit)
    hits.sort(key=lambda h: (h[0], h[1]))
    seen: set[str] = set()  # a shop found by its name and by its street is one hit, the better one
    unique = []
    for _rank, _order, hit in hits:
        if hit.business_id:
            if hit.business_id in seen:
                continue
            seen.add(hit.business_id)
        unique.append(hit)
    return unique[:limit]


Tier = tuple[int, str | tuple[str, ...], dict[str, Any]]
"""One rank of resident hits: the rank, a condition that holds for exactly that rank's matches
(the index it leans on first), or disjoint conditions that together do (each walked in its own
index and their pages merged), its parameters."""


def _after(text: str) -> str | None:
    """The least string greater than every string starting with ``text`` (None: no such string).

    ``x >= text AND x < after`` is "x starts with text" as a range an index answers, on SQLite
    and on the hub alike (both compare text by code point)."""
    last = ord(text[-1])
    return None if last >= 0x10FFFF else text[:-1] + chr(last + 1)


def _starts(column: str, key: str, params: dict[str, Any], text: str) -> str:
    """``column`` starts with ``text``, as an index range where one can be written."""
    params[key] = text
    after = _after(text)
    if after is None:
        params[f"{key}_n"] = len(text)
        return f"substr({column}, 1, :{key}_n) = :{key}"
    params[f"{key}_after"] = after
    return f"({column} >= :{key} AND {column} < :{key}_after)"


def _name_ranks(q: str) -> list[Tier]:
    """Exact name, then a name starting with ``q``, then one holding it further on (found as the
    start of the name's second or third character onwards, or among the few longer names)."""
    params: dict[str, Any] = {"q": q}
    prefix = _starts("r.name", "p", params, q)
    later = " OR ".join(
        [
            _starts("substr(r.name, 2)", "s2", params, q),
            _starts("substr(r.name, 3)", "s3", params, q),
            "length(r.name) > 3",
        ]
    )
    if len(q) == 1:  # walked in the surname's own index, in pinyin order
        return [
            (0, "r.name = :q", params),
            (SURNAME_RANK, "substr(r.name, 1, 1) = :q AND r.name <> :q", params),
            (
                2,
                _later_character(prefix) if dialect.hub() else f"({later}) AND instr(r.name, :q) > 0 AND NOT {prefix}",
                params,
            ),
        ]
    return [
        (0, "r.name = :q", params),
        (1, f"{prefix} AND r.name <> :q", params),
        (2, f"({later}) AND instr(r.name, :q) > 0 AND NOT {prefix}", params),
    ]


def _later_character(prefix: str) -> tuple[str, ...]:
    """A character as a name's second, else its third, else further on in the few longer names:
    on the hub each is walked in pinyin order in an index of its own
    (:data:`gridtui.core.dialect.HUB_INDEXES`) and stopped at a page, where sorting all who hold
    it took 10-20 ms at twenty communities (丽: 2,400 residents). SQLite sorts its community's
    hundred or so in no time."""
    second, third = "substr(r.name, 2, 1) = :q", "substr(r.name, 3, 1) = :q"
    return (
        f"{second} AND NOT {prefix}",
        f"{third} AND NOT {second} AND NOT {prefix}",
        f"length(r.name) > 3 AND instr(r.name, :q) > 0 AND NOT {second} AND NOT {third} AND NOT {prefix}",
    )


def _pinyin_ranks(q: str) -> list[Tier]:
    """Pinyin starting with ``q``, then initials starting with it, then, for three letters or
    more, pinyin holding it further on (the trigram index). One or two letters are looked for at
    the start only: the trigram index needs three, and a rare pair (wn) would walk every name."""
    params: dict[str, Any] = {"q": q}
    pinyin = _starts("r.name_pinyin", "p", params, q)
    initials = _starts("r.name_initials", "i", params, q)
    found, extra = dialect.contains_filter("r", "resident", "name_pinyin", q, "fts")
    inside = f"instr(r.name_pinyin, :q) > 0 AND NOT {pinyin} AND NOT {initials}"
    ranks: list[Tier] = [(3, pinyin, params), (INITIALS_RANK, f"{initials} AND NOT {pinyin}", params)]
    if len(q) >= dialect.TRIGRAM:
        ranks.append((5, f"{found} AND {inside}" if found else inside, {**params, **extra}))
    return ranks


def _tail_ranks(tail: str) -> list[Tier]:
    """The last digits of a phone or ID number, through the index on their last four."""
    phone = f"{dialect.tail('r.phone', 4)} = :q4 AND {dialect.tail('r.phone', len(tail))} = :q"
    number = f"{dialect.tail('r.id_number', 4)} = :q4 AND {dialect.tail('r.id_number', len(tail))} = :q"
    return [(RANK_TAIL, f"(({phone}) OR ({number}))", {"q": tail, "q4": tail[-4:]})]


SURNAME_RANK = -1
"""Rank 1 as read for a single character (a surname): walked, not sorted; reported as 1."""

INITIALS_RANK = 4

WALKED_RANKS = (SURNAME_RANK, 3, INITIALS_RANK, 5)
"""Ranks read in an index's own order and stopped at ``limit`` (a prefix range, or a short
substring common enough to be met soon); the others are few and sorted."""

WALK_ORDER = {INITIALS_RANK: ("r.name_initials, r.name_pinyin, r.id", "m.name_initials, m.name_pinyin, m.id")}
"""A walked rank's order where it is not the pinyin's: initials (lj) match thousands on a hub, so
they are walked in the initials' index (ljh before ljm), each initials' names in pinyin order."""


def _residents(tiers: list[Tier], limit: int) -> list[tuple[int, int, Hit]]:
    """Each rank's best ``limit`` by pinyin, best rank first, until ``limit`` are found.

    Within a rank the order is the pinyin and the id, so the hits are those one scan ranking
    every resident would give. Only the best are joined to their households, so a common
    surname (张, zhang: 1,600 matches) costs no more than a rare one.
    """
    found: list[tuple[Any, ...]] = []
    for rank, match_sql, params in tiers:
        wanted = limit - len(found)
        if wanted <= 0:
            break
        merged = isinstance(match_sql, tuple)
        walked = merged or (rank in WALKED_RANKS and "rowid IN" not in match_sql and "LIKE" not in match_sql)
        order, shown = WALK_ORDER.get(rank, ("r.name_pinyin, r.id", "m.name_pinyin, m.id"))
        if not walked:
            order = "r.name_pinyin || '', r.id"  # || '': sorted, not walked
        pages = [
            "SELECT r.id, r.household_id, r.name, r.name_pinyin, r.name_initials, r.id_number, r.phone"
            f" FROM resident r WHERE {match} AND r.deleted = 0 AND r.status = 'present'"
            " AND r.household_id NOT IN (SELECT id FROM household WHERE deleted = 1)"
            f" ORDER BY {order} LIMIT :limit"
            for match in (match_sql if merged else (match_sql,))
        ]
        best = pages[0]
        if merged:  # each condition's page, then the best of them
            union = " UNION ALL ".join(f"SELECT * FROM ({page}) p{i}" for i, page in enumerate(pages))
            best = f"SELECT * FROM ({union}) m ORDER BY {shown} LIMIT :limit"
        rows = database.execute_sql(
            "SELECT m.id, m.household_id, m.name, m.id_number, m.phone, h.address "
            f"FROM ({best}) m JOIN household h ON h.id = m.household_id ORDER BY {shown}",
            {**params, "limit": wanted},
        ).fetchall()
        found += [(1 if rank == SURNAME_RANK else rank, *row) for row in rows]
    return [
        (rank, i, Hit("resident", hid, rid, name, address, mask_id(number), mask_phone(phone), rank))
        for i, (rank, rid, hid, name, number, phone, address) in enumerate(found)
    ]


def _addresses(q: str, limit: int) -> list[tuple[int, int, Hit]]:
    """Households by address: first those whose address starts with what was typed (凤飞园3栋2),
    walked in address order and stopped at ``limit``, so a common start costs a page; then, if
    the page is not full, the places holding it further on (:func:`_address_condition`), in
    walking order. A place of one or two characters is looked for at the start only: the
    trigram index needs three, and a scan of every address would grow with the street."""
    params: dict[str, Any] = {}
    starts = _starts("h.address", "start", params, q) if CJK.match(q) else ""
    found = _households(starts, params, RANK_ADDRESS, limit, order="h.address, h.id") if starts else []
    place = DIGITS.split(q, 1)[0].strip("-")
    if len(found) >= limit or (len(place) < dialect.TRIGRAM and not DIGITS.search(q)):
        return found
    other = _address_condition(q)
    if other is None:
        return found
    condition, more = other
    if starts:
        condition += f" AND NOT {starts}"
    return found + [
        (rank, len(found) + i, hit)
        for rank, i, hit in _households(condition, {**more, **params}, RANK_ADDRESS, limit - len(found))
    ]


def _address_condition(q: str) -> tuple[str, dict[str, Any]] | None:
    """Read 凤飞园3栋2单元501, 凤飞园3栋, 3栋2单元501, 3-2-501 or 3-2 as a place and numbers."""
    first = DIGITS.search(q)
    place = (q[: first.start()] if first else q).strip("-")
    numbers = DIGITS.findall(q[first.start() :])[:3] if first else []
    if not numbers and not CJK.search(place):
        return None
    where, params = [], {}
    if place:
        found, extra = dialect.contains_filter("h", "household", "address", place, "fts")
        where += [found] if found else []
        params.update(extra)
        where.append("h.address LIKE :place ESCAPE '\\'")
        params["place"] = f"%{_like(place)}%"
    if len(numbers) == 3:
        where.append("h.addr_key = :key")
        params["key"] = "-".join(numbers)
    elif numbers:  # digits and dashes: LIKE's "3-2-%" as the index range it means
        where.append(_starts("h.addr_key", "key", params, "-".join(numbers) + "-"))
    return " AND ".join(where), params


WALKING = "b.walk_order, b.id, h.unit, h.floor, h.door, h.id"


def _households(
    condition: str, params: dict[str, Any], rank: int, limit: int, order: str = WALKING
) -> list[tuple[int, int, Hit]]:
    rows = database.execute_sql(
        "SELECT h.id, h.address FROM household h JOIN building b ON b.id = h.building_id "
        f"WHERE h.deleted = 0 AND b.deleted = 0 AND {condition} "
        f"ORDER BY {order} LIMIT :limit",
        {**params, "limit": limit},
    ).fetchall()
    heads = household_heads([r[0] for r in rows])
    hits = []
    for i, (hid, address) in enumerate(rows):
        head, size = heads.get(hid, ("", 0))
        subtitle = t("search.household_subtitle", head=head, size=size) if head else ""
        hits.append((rank, i, Hit("household", hid, None, address, subtitle, rank=rank)))
    return hits


def _businesses(condition: str, params: dict[str, Any], rank: int, limit: int) -> list[tuple[int, int, Hit]]:
    rows = database.execute_sql(
        "SELECT b.id, b.name, b.kind, b.address, b.owner_name, b.phone FROM business b "
        f"WHERE b.deleted = 0 AND {condition} ORDER BY b.address, b.name, b.id LIMIT :limit",
        {**params, "limit": limit},
    ).fetchall()
    return [
        (
            rank,
            i,
            Hit(
                "business",
                "",
                None,
                name,
                f"{kind_label(kind)} · {address} · {owner}",
                phone_masked=mask_phone(phone),
                rank=rank,
                business_id=bid,
            ),
        )
        for i, (bid, name, kind, address, owner, phone) in enumerate(rows)
    ]
