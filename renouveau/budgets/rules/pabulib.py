"""Reader and writer for the pabulib ``.pb`` format (https://pabulib.org/format).

A file has three sections, each introduced by its name and a header line::

    META            key;value lines (budget, vote_type, num_projects, num_votes, ...)
    PROJECTS        project_id;cost;... one line per project
    VOTES           voter_id;vote[;points];... one line per voter

Every problem is reported as a :class:`PabulibError` carrying the 1-based line number and a short
English reason; the reader never lets a bare exception (KeyError, IndexError...) escape.
"""

from __future__ import annotations

import csv
import io
import os
from fractions import Fraction
from pathlib import Path

from .model import (
    APPROVAL_TYPES,
    CARDINAL_TYPES,
    VOTE_TYPES,
    Ballot,
    Election,
    ElectionError,
    Instance,
    Profile,
    Project,
    fraction_to_str,
    to_fraction,
)

__all__ = ["PabulibError", "read_pabulib", "write_pabulib"]


class PabulibError(ElectionError):
    """A malformed pabulib file: ``line`` (1-based, 0 when unknown) and ``reason``."""

    def __init__(self, line: int, reason: str):
        self.line = line
        ElectionError.__init__(self, reason)
        self.args = (f"line {line}: {reason}" if line else reason,)

    def __str__(self) -> str:
        return self.args[0]


def _load_text(source: str | bytes | os.PathLike) -> str:
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, os.PathLike) or (
        isinstance(source, str)
        and "\n" not in source
        and not source.lstrip().upper().startswith("META")
    ):
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise PabulibError(
                0, f"cannot read {os.fspath(source)}: {exc.strerror or exc}"
            ) from None
    else:
        return source.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PabulibError(0, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _row(line: str) -> list[str]:
    return next(csv.reader([line], delimiter=";"), [])


def read_pabulib(source: str | bytes | os.PathLike) -> Election:
    """Read a pabulib election from a path, from bytes or from the text itself.

    Returns ``Election(instance, profile)``.  Raises :class:`PabulibError` (line, reason) on any
    malformed content: missing section or header, unknown vote type, non-positive budget, negative
    or invalid cost, duplicate project, vote for an unknown project, points missing or not matching
    the votes, rows with missing fields, and counts contradicting ``num_projects``/``num_votes``
    (a truncated file).
    """
    text = _load_text(source)
    lines = text.splitlines()
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    projects: list[Project] = []
    project_ids: set[str] = set()
    ballots: list[Ballot] = []
    section = ""
    header: list[str] = []
    seen_sections: list[str] = []
    vote_type = ""
    vote_col = points_col = voter_col = -1
    last_line = 0
    i = 0
    n = len(lines)
    while i < n:
        lineno = i + 1
        line = lines[i]
        i += 1
        if not line.strip():
            continue
        last_line = lineno
        first = line.split(";", 1)[0].strip().lower()
        if (
            first in ("meta", "projects", "votes")
            and line.strip().strip(";").strip().lower() == first
        ):
            if first in seen_sections:
                raise PabulibError(lineno, f"section {first.upper()} appears twice")
            expected = ["meta", "projects", "votes"][len(seen_sections)]
            if first != expected:
                raise PabulibError(
                    lineno, f"expected section {expected.upper()}, found {first.upper()}"
                )
            seen_sections.append(first)
            section = first
            while i < n and not lines[i].strip():
                i += 1
            if i >= n:
                raise PabulibError(
                    lineno, f"section {first.upper()} has no header line (truncated file?)"
                )
            header = [h.strip() for h in _row(lines[i])]
            hline = i + 1
            i += 1
            last_line = hline
            if section == "meta":
                if len(header) < 2 or header[0].lower() != "key":
                    raise PabulibError(hline, "META header must be 'key;value'")
            elif section == "projects":
                vote_type = _check_meta(meta, meta_lines, lineno)
                if not header or header[0] != "project_id":
                    raise PabulibError(hline, "PROJECTS header must start with 'project_id'")
                if "cost" not in header:
                    raise PabulibError(hline, "PROJECTS header has no 'cost' column")
            else:
                if "vote" not in header:
                    raise PabulibError(hline, "VOTES header has no 'vote' column")
                vote_col = header.index("vote")
                voter_col = header.index("voter_id") if "voter_id" in header else -1
                points_col = header.index("points") if "points" in header else -1
                if vote_type in CARDINAL_TYPES and points_col < 0:
                    raise PabulibError(
                        hline, f"VOTES header has no 'points' column for {vote_type} votes"
                    )
            continue
        if not section:
            raise PabulibError(lineno, "content before the META section")
        row = _row(line)
        if section == "meta":
            if len(row) < 2:
                raise PabulibError(lineno, "META line must be 'key;value'")
            key = row[0].strip()
            if key in meta:
                raise PabulibError(lineno, f"META key {key!r} appears twice")
            meta[key] = ";".join(row[1:]).strip()
            meta_lines[key] = lineno
        elif section == "projects":
            projects.append(_parse_project(row, header, lineno, project_ids))
        else:
            ballots.append(
                _parse_ballot(
                    row, header, lineno, vote_type, project_ids, vote_col, voter_col, points_col
                )
            )
    if "meta" not in seen_sections:
        raise PabulibError(last_line or 1, "no META section")
    if "projects" not in seen_sections:
        _check_meta(meta, meta_lines, last_line)
        raise PabulibError(last_line, "no PROJECTS section (truncated file?)")
    if "votes" not in seen_sections:
        raise PabulibError(last_line, "no VOTES section (truncated file?)")
    _check_count(meta, meta_lines, "num_projects", len(projects), "projects", last_line)
    _check_count(meta, meta_lines, "num_votes", len(ballots), "votes", last_line)
    budget = to_fraction(meta["budget"])
    instance = Instance(projects, budget, meta)
    return Election(instance, Profile(ballots, vote_type))


def _check_meta(meta: dict[str, str], meta_lines: dict[str, int], lineno: int) -> str:
    if "budget" not in meta:
        raise PabulibError(lineno, "META has no 'budget'")
    bline = meta_lines["budget"]
    try:
        budget = to_fraction(meta["budget"])
    except ElectionError:
        raise PabulibError(bline, f"budget is not a number: {meta['budget']!r}") from None
    if budget <= 0:
        raise PabulibError(bline, f"budget must be positive, got {meta['budget']!r}")
    if "vote_type" not in meta:
        raise PabulibError(lineno, "META has no 'vote_type'")
    vote_type = meta["vote_type"].strip().lower()
    if vote_type not in VOTE_TYPES:
        raise PabulibError(
            meta_lines["vote_type"],
            f"unknown vote type {meta['vote_type']!r} (expected one of {', '.join(VOTE_TYPES)})",
        )
    return vote_type


def _check_count(meta, meta_lines, key, found, what, last_line) -> None:
    if key not in meta:
        return
    try:
        expected = int(meta[key])
    except ValueError:
        raise PabulibError(meta_lines[key], f"{key} is not an integer: {meta[key]!r}") from None
    if expected != found:
        raise PabulibError(
            last_line,
            f"{key} is {expected} (line {meta_lines[key]}) but {found} {what} were read (truncated file?)",
        )


def _fields(row: list[str], header: list[str], lineno: int) -> list[str]:
    if len(row) < len(header):
        raise PabulibError(
            lineno, f"{len(row)} fields where the header has {len(header)} (truncated line?)"
        )
    if len(row) > len(header):
        raise PabulibError(lineno, f"{len(row)} fields where the header has {len(header)}")
    return [cell.strip() for cell in row]


def _is_none(value: str) -> bool:
    return value == "" or value.lower() == "none"


def _parse_project(row: list[str], header: list[str], lineno: int, ids: set[str]) -> Project:
    cells = _fields(row, header, lineno)
    pid = cells[0]
    if _is_none(pid):
        raise PabulibError(lineno, "project without project_id")
    if pid in ids:
        raise PabulibError(lineno, f"duplicate project id {pid!r}")
    name = ""
    categories: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    extra: dict[str, str] = {}
    cost_text = None
    for key, value in zip(header[1:], cells[1:], strict=True):
        if key == "cost":
            cost_text = value
        elif _is_none(value):
            continue
        elif key == "name":
            name = value
        elif key in ("category", "categories"):
            categories = tuple(dict.fromkeys(c.strip() for c in value.split(",") if c.strip()))
        elif key in ("target", "targets"):
            targets = tuple(dict.fromkeys(t.strip() for t in value.split(",") if t.strip()))
        else:
            extra[key] = value
    if cost_text is None or _is_none(cost_text):
        raise PabulibError(lineno, f"project {pid!r} has no cost")
    try:
        cost = to_fraction(cost_text)
    except ElectionError:
        raise PabulibError(lineno, f"project {pid!r} has an invalid cost {cost_text!r}") from None
    if cost < 0:
        raise PabulibError(lineno, f"project {pid!r} has a negative cost {cost_text!r}")
    ids.add(pid)
    return Project(pid, cost, name, categories, targets, extra)


def _parse_ballot(row, header, lineno, vote_type, ids, vote_col, voter_col, points_col) -> Ballot:
    cells = _fields(row, header, lineno)
    vote_text = cells[vote_col]
    vote = [] if _is_none(vote_text) else [v.strip() for v in vote_text.split(",")]
    vote = [v for v in vote if v]
    for pid in vote:
        if pid not in ids:
            raise PabulibError(lineno, f"vote for unknown project {pid!r}")
    points = None
    if vote_type in CARDINAL_TYPES:
        ptext = cells[points_col]
        raw = [] if _is_none(ptext) else [p.strip() for p in ptext.split(",") if p.strip()]
        if len(raw) != len(vote):
            raise PabulibError(lineno, f"{len(vote)} voted projects but {len(raw)} points")
        try:
            points = tuple(to_fraction(p) for p in raw)
        except ElectionError:
            raise PabulibError(lineno, f"invalid points {ptext!r}") from None
    if len(set(vote)) != len(vote):
        if vote_type in APPROVAL_TYPES:
            vote = list(dict.fromkeys(vote))  # an approval ballot is a set (as in pabutools)
        else:
            dup = next(p for p in vote if vote.count(p) > 1)
            raise PabulibError(lineno, f"project {dup!r} appears twice in the vote")
    if vote_type == "choose-1" and len(vote) > 1:
        raise PabulibError(lineno, f"choose-1 vote selects {len(vote)} projects")
    extra = {
        key: value
        for j, (key, value) in enumerate(zip(header, cells, strict=True))
        if j not in (vote_col, voter_col, points_col) and not _is_none(value)
    }
    voter_id = cells[voter_col] if voter_col >= 0 else ""
    return Ballot(tuple(vote), points, voter_id, extra)


def write_pabulib(
    instance: Instance, profile: Profile, path: str | os.PathLike | None = None
) -> str:
    """Serialise an election in the pabulib format; write it to ``path`` if given; return the text.

    ``num_projects``, ``num_votes``, ``budget`` and ``vote_type`` in META are rewritten from the
    data; other META keys are kept in order.  Missing optional values are written ``None``.
    Numbers are written exactly (integers, finite decimals, else ``p/q``).
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    meta = dict(instance.meta)
    meta["num_projects"] = str(len(instance.projects))
    meta["num_votes"] = str(len(profile.ballots))
    meta["budget"] = fraction_to_str(instance.budget)
    meta["vote_type"] = profile.vote_type
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in meta.items():
        writer.writerow([key, value])
    extra_keys: list[str] = []
    for p in instance.projects:
        for key in p.extra:
            if key not in extra_keys and key not in (
                "project_id",
                "cost",
                "name",
                "category",
                "target",
            ):
                extra_keys.append(key)
    cols = ["project_id", "cost"]
    if any(p.name for p in instance.projects):
        cols.append("name")
    if any(p.categories for p in instance.projects):
        cols.append("category")
    if any(p.targets for p in instance.projects):
        cols.append("target")
    cols += extra_keys
    out.write("PROJECTS\n")
    writer.writerow(cols)
    for p in instance.projects:
        row = []
        for col in cols:
            if col == "project_id":
                row.append(p.id)
            elif col == "cost":
                row.append(fraction_to_str(p.cost))
            elif col == "name":
                row.append(p.name or "None")
            elif col == "category":
                row.append(",".join(p.categories) or "None")
            elif col == "target":
                row.append(",".join(p.targets) or "None")
            else:
                row.append(p.extra.get(col, "None"))
        writer.writerow(row)
    vote_extra: list[str] = []
    for b in profile.ballots:
        for key in b.extra:
            if key not in vote_extra and key not in ("voter_id", "vote", "points"):
                vote_extra.append(key)
    cardinal = profile.vote_type in CARDINAL_TYPES
    vcols = ["voter_id", "vote"] + (["points"] if cardinal else []) + vote_extra
    out.write("VOTES\n")
    writer.writerow(vcols)
    for k, b in enumerate(profile.ballots):
        row = [b.voter_id or str(k + 1), ",".join(b.vote)]
        if cardinal:
            # pabutools cannot read an empty points field: an empty ballot has points "None".
            row.append(",".join(fraction_to_str(Fraction(x)) for x in (b.points or ())) or "None")
        row += [b.extra.get(key, "None") for key in vote_extra]
        writer.writerow(row)
    text = out.getvalue()
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
