"""The SQL that reads one CSV and types and checks every row in the same pass.

Each file becomes rows of `checked`: a participant key as an integer, the date, the program's
index, the province and the unit as their rows in the engine's `provinces` and `units` tables,
the staff member as text, and for a bad row its reason (an index into REASONS). Nothing else
of a row is kept: a rejected row's text is read back from its file.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from sspost.records import coverage
from sspost.records.dates import date_sql, seconds_sql
from sspost.records.layout import COVERAGE, Layout
from sspost.records.model import DECREASE, REASONS
from sspost.records.sql import csv_scan, day, lit

# The day the 12-digit personal number replaced the 10-digit code as the participant's id.
PERSONAL_NUMBERS_FROM = dt.date(2025, 8, 1)
# An id written in groups of digits (`0123 456 789`, `001.095.012.345`): read as its digits.
_ID_IN_GROUPS = "'[0-9]+([ .-][0-9]+)+'"
# A 12-digit personal number and a 10-digit code with the same digits are different people.
PERSONAL_NUMBER_OFFSET = 10**12
# Room for the program's index next to the participant key in one integer (see `who`).
PROGRAM_SLOTS = 256

# Every column `checked` may have. A run's table has only those it reads: the engine keeps
# every stored value at full width, NULL or not, and 20M rows of an unused column cost time and
# memory (see loading._columns_read).
CHECKED_COLUMNS = {"file_idx": "USMALLINT", "pid": "BIGINT", "d": "DATE", "program": "UTINYINT",
                   "unit": "INTEGER", "unit_text": "VARCHAR", "province": "UTINYINT",
                   "staff": "VARCHAR", "secs": "INTEGER", "n": "BIGINT", "reason": "UTINYINT",
                   "paired": "BIGINT", "grouped": "BOOLEAN", "cover_from": "DATE",
                   "cover_to": "DATE"}
BASE_COLUMNS = ("file_idx", "pid", "d", "program", "reason")


@dataclass(frozen=True)
class Rules:
    """What the plan accepts, and which of unit, province and staff the run needs kept.

    Storing a column is a dear part of the pass (text most: about 0.6 s per column on 20M rows),
    so each is kept only as far as something reads it: `keep` maps it to "all", or to a SQL
    condition under which the value is kept (else NULL); a column not in `keep` is not stored.
    """

    program_names: dict[str, int]  # folded (see sspost.text.fold)
    date_format: str | None
    keep: dict[str, str] = field(default_factory=dict)
    # Codes and aliases as the target file spells them: most exports use exactly these, and
    # matching them first spares most rows the cost of folding their text.
    program_spellings: dict[str, int] = field(default_factory=dict)
    # The codes stored as small integers (their index here): the plan's units (a code outside
    # the tree is kept as text, for the warning naming it) and the provinces, old and new.
    unit_codes: tuple[str, ...] = ()
    # Other codes of the plan's units (unit `aliases`): alias -> the index of its unit's code.
    unit_aliases: tuple[tuple[str, int], ...] = ()
    province_codes: tuple[str, ...] = ()
    # renewals.coverage_months: program index -> months a payment covers (SPEC section 5a).
    coverage_months: tuple[tuple[int, int], ...] = ()

    @property
    def has_units(self) -> bool:
        return bool(self.unit_codes)

    def kept(self, column: str, value: str) -> str:
        """SQL for the stored `column`: `value` where kept, else NULL (worked out only there)."""
        condition = self.keep.get(column)
        if condition is None:
            return "NULL"
        return value if condition == "all" else f"CASE WHEN {condition} THEN {value} END"


def _program_case(names: dict[str, int], text: str, otherwise: str = "NULL") -> str:
    # Both Unicode forms of every name are listed, so no row pays for normalising its text.
    forms = {form: index for name, index in names.items()
             for form in (name, unicodedata.normalize("NFD", name))}
    whens = " ".join(f"WHEN {lit(name)} THEN {index}" for name, index in sorted(forms.items()))
    return f"CASE {text} {whens} ELSE {otherwise} END"


def _trimmed(column: str) -> str:
    """The field without surrounding blanks, NULL when it is all blanks (as an empty field
    reads: a code of spaces is no code, never a code ''); the common case, none, costs no
    trim."""
    padded = f"{column} LIKE ' %' OR {column} LIKE '% '"
    return f"CASE WHEN {padded} THEN nullif(trim({column}), '') ELSE {column} END"


def _code_of(column: str, codes: tuple[str, ...]) -> str:
    """SQL: the index of `column`'s value, without surrounding blanks, in `codes`; NULL when
    it is not one of them. A code has no blanks, so only a value that is not one as written
    pays for trimming (the engine works out a COALESCE argument only for rows still NULL)."""
    listed = ", ".join(lit(code) for code in codes)

    def code(value: str) -> str:
        return f"enum_code(try_cast({value} AS ENUM({listed})))::INTEGER"

    return f"coalesce({code(column)}, {code(_trimmed(column))})"


_COVER_FIELDS = {"coverage_from": "cov_from", "months": "cov_months", "coverage_to": "cov_to"}


def _with_covers(typed: str, date_format: str | None, rules: Rules) -> str:
    """The typed rows with their cover's first and last day, and whether it is a bad one
    (records.coverage), in two more steps of the same pass."""
    plan_months = ("CASE program " + " ".join(f"WHEN {i} THEN {m}" for i, m in
                                              rules.coverage_months) + " END"
                   if rules.coverage_months else "NULL::INTEGER")
    sql = coverage.typed_sql(date_format, plan_months)
    given = (f"SELECT *, {sql['start_given']} AS cov_start_given, {sql['end_given']} AS "
             f"cov_end_given, {sql['months']} AS cov_n_months FROM ({typed})")
    spans = f"SELECT *, {sql['cover_from']} AS cover_from, {sql['cover_to']} AS cover_to " \
            f"FROM ({given})"
    return f"SELECT *, coalesce({sql['bad_cover']}, false) AS bad_cover FROM ({spans})"


def staging_sql(index: int, read_path: str, layout: Layout, rules: Rules, *,
                check_nul: bool, columns: tuple[str, ...] = tuple(CHECKED_COLUMNS)) -> str:
    """SELECT producing the `checked` rows of one file: `columns`, in that order."""
    def field(name: str) -> str:
        if name in layout.positions:
            return f"c{layout.positions[name]}"
        given = {"program": layout.program, "unit": layout.unit}.get(name)
        return lit(given) if given is not None else "NULL::VARCHAR"

    nul = " OR ".join(f"contains(c{i}, chr(0))" for i in range(layout.field_count))
    # A row whose every field is empty or blank (`;;;;`) is not a data row: neither read nor
    # rejected (lines.is_blank).
    blank = " AND ".join(f"coalesce(trim(c{i}, ' \t'), '') = ''"
                         for i in range(layout.field_count))
    # Two ids on a row: the person is the personal number where the row has one, else the
    # code; the code is kept (`paired`) to join the two across files (counting).
    two_ids = "personal_number" in layout.positions
    # A column repeated with another value on the row: which one holds it is not known. (A
    # blank copy says nothing against the other.)
    differ = " OR ".join(f"coalesce({_trimmed(f'c{a}')} <> {_trimmed(f'c{b}')}, false)"
                         for a, b in layout.twins) or "false"
    code_text = field("participant_id")
    id_text = (f"coalesce(nullif(trim({field('personal_number')}), ''), {code_text})"
               if two_ids else code_text)
    scan = (
        f"SELECT {id_text} AS id_text, {code_text} AS code_text, {field('date')} AS date_text, "
        f"{field('number_id')} AS number_id, {field('decrease')} AS decrease_flag, "
        f"{field('program')} AS program_text, {field('unit')} AS unit_raw, "
        f"{field('province')} AS province_raw, {field('staff_id')} AS staff_text, "
        f"trim({field('participants')}) AS n_text, {nul if check_nul else 'false'} AS has_nul, "
        f"{differ} AS twins_differ, "
        + ", ".join(f"nullif(trim({field(name)}), '') AS {short}"
                    for name, short in _COVER_FIELDS.items()) + " "
        f"FROM {csv_scan(read_path, layout, f'rejects_{index}')}"
        + (f" WHERE NOT ({blank})" if layout.skip_empty else "")
    )
    date = date_sql("date_text", layout.date_format or rules.date_format)
    seconds = seconds_sql("date_text", layout.date_format or rules.date_format)
    # The ELSE branch (folded text) is worked out only for the rows the first one misses.
    folded = _program_case(rules.program_names, "lower(trim(program_text))")
    program = _program_case(rules.program_spellings, "program_text", otherwise=folded)
    id_pattern = "'[0-9]{10}([0-9]{2})?'"
    # An id written in groups (`0123 456 789`, `001.095.012.345`) is its digits: only a row
    # that is not one as written pays for the patterns.
    digits = "regexp_replace(trim(id_text), '[ .-]', '', 'g')"
    in_groups = f"regexp_full_match(trim(id_text), {_ID_IN_GROUPS})"
    grouped = f"{in_groups} AND regexp_full_match({digits}, {id_pattern})"
    pid_text = (f"CASE WHEN regexp_full_match(id_text, {id_pattern}) THEN id_text "
                f"WHEN regexp_full_match(trim(id_text), {id_pattern}) THEN trim(id_text) "
                f"WHEN {grouped} THEN {digits} END")
    pid = f"pid_text::BIGINT + (length(pid_text) = 12)::BIGINT * {PERSONAL_NUMBER_OFFSET}"
    n = "CASE WHEN regexp_full_match(n_text, '-?[0-9]{1,18}') THEN n_text::BIGINT END"
    checked_id = f"{'NULL' if layout.aggregate else pid_text} AS pid_text"
    # A province is stored as its index in the codes (the row of the engine's `provinces`
    # table): a small integer is cheaper to keep and to group on than text, and the lookup is
    # the validity check too. A unit of the plan's tree is stored the same way (`units`).
    # The lookup is a cast to an ENUM, not a join: a join here would lose the file order of
    # the rows, which their row ids must keep (ties, and the lines of rejected rows).
    province = (_code_of("province_raw", rules.province_codes)
                if "province" in layout.positions else "NULL::UTINYINT")
    with_units = rules.has_units and layout.has("unit")
    unit = _code_of("unit_raw", rules.unit_codes) if with_units else "NULL::INTEGER"
    if with_units and rules.unit_aliases:  # worked out only for a value that is not a code
        aliases = " ".join(f"WHEN {lit(alias)} THEN {index}" for alias, index in
                           rules.unit_aliases)
        unit = f"coalesce({unit}, CASE trim(unit_raw) {aliases} END)"
    # The unit as written where the plan has no such code (named in a warning), or where the
    # plan has no tree but ties are broken on units (SPEC section 4: smallest code first).
    unknown_unit = (f"CASE WHEN unit_idx IS NULL THEN {_trimmed('unit_raw')} END" if with_units
                    else rules.kept("unit_text", _trimmed("unit_raw"))
                    if layout.has("unit")
                    else "NULL")
    typed = (f"SELECT *, {date} AS d, ({program})::UTINYINT AS program, "
             f"{province} AS province_idx, {unit} AS unit_idx, "
             f"{'NULL::BIGINT' if layout.aggregate else pid} AS pid, "
             f"{n if layout.aggregate else 'NULL::BIGINT'} AS n "
             f"FROM (SELECT *, {checked_id} FROM ({scan}))")

    covers = any(name in layout.positions for name in COVERAGE)
    if covers or "cover_from" in rules.keep:
        typed = _with_covers(typed, layout.date_format or rules.date_format, rules)

    def reason(name: str) -> int:
        return REASONS.index(name)

    checks = [f"WHEN has_nul THEN {reason('encoding')}"]
    if layout.twins:
        checks.append(f"WHEN twins_differ THEN {reason('repeated_column')}")
    checks += [f"WHEN d IS NULL THEN {reason('date')}",
               f"WHEN program IS NULL THEN {reason('program')}"]
    if "number_id" in layout.positions and not layout.aggregate:
        # A number cell's id lost its leading zeros: 9 or 11 digits, or 10 from the day
        # personal numbers became the ids (a Hà Nội number 001... then looks like a code).
        # (A good id skips the pattern: only one that is none pays for it.)
        checks.append(f"WHEN number_id = '1' AND ((length(pid_text) = 10 AND "
                      f"d >= {day(PERSONAL_NUMBERS_FROM)}) OR (pid_text IS NULL AND "
                      f"regexp_full_match(trim(id_text), '[0-9]{{9}}|[0-9]{{11}}'))) "
                      f"THEN {reason('numeric_id')}")
    if not layout.aggregate:
        # Only rows already bad pay for the pattern: a spreadsheet's `1.23457E+11`.
        scientific = "'[0-9]([.,][0-9]+)?[eE][+]?[0-9]{1,2}'"
        checks.append(f"WHEN pid IS NULL AND regexp_full_match(trim(id_text), {scientific}) "
                      f"THEN {reason('scientific_id')}")
        checks.append(f"WHEN pid IS NULL THEN {reason('participant_id')}")
    if "province" in layout.positions:
        checks.append(f"WHEN province_idx IS NULL AND {_trimmed('province_raw')} IS NOT NULL "
                      f"THEN {reason('province')}")
    if layout.aggregate:
        checks.append(f"WHEN n IS NULL OR n < 0 THEN {reason('participants')}")
    if covers and not layout.aggregate:
        checks.append(f"WHEN bad_cover THEN {reason('coverage')}")
    if "decrease" in layout.positions:  # a good row under `Giảm`: accepted, never counted
        checks.append(f"WHEN decrease_flag = '1' THEN {DECREASE}")
    values = {"file_idx": f"{index}::USMALLINT", "pid": "pid", "d": "d", "program": "program",
              "unit": rules.kept("unit", "unit_idx"), "unit_text": unknown_unit,
              "province": rules.kept("province", "province_idx"),
              "staff": rules.kept("staff", _trimmed("staff_text")),
              "secs": rules.kept("secs", seconds), "n": "n",
              # Said (how many ids were written in groups); a length test spares most rows.
              "grouped": (f"CASE WHEN strlen(id_text) > strlen(pid_text) AND {in_groups} "
                          "THEN true END"),
              "paired": ("CASE WHEN length(pid_text) = 12 AND regexp_full_match(trim(code_text), "
                         "'[0-9]{10}') THEN trim(code_text)::BIGINT END" if two_ids
                         else "NULL::BIGINT"),
              "cover_from": rules.kept("cover_from", "cover_from"),
              "cover_to": rules.kept("cover_to", "cover_to"),
              "reason": f"CASE {' '.join(checks)} END"}
    return f"SELECT {', '.join(f'{values[c]} AS {c}' for c in columns)} FROM ({typed})"
