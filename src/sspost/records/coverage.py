"""What a payment covers (SPEC section 5a), typed in the same pass as the rest of a row.

A record covers from `coverage_from` (a month `mm/yyyy` or `yyyy-mm` means its first day; a day
is read as the record's dates are) to `coverage_to` (a month means its last day), or for
`months` months: from 1/3 for 3 months is to 31/5. A file without coverage columns takes the
plan's `renewals.coverage_months` for the program, from the first day of the record's month.
A cover that is not a real range (a value that is no month or day, months of 0 or above 60, an
end before the start) is a bad row, `coverage`.
"""

from __future__ import annotations

from sspost.records.dates import date_sql

MAX_MONTHS = 60
# `3/2025`, `03/2025`, `03-2025`, `03.2025`; and `2025-03`.
_MONTH_YEAR = "(0?[1-9]|1[0-2])[/.-][0-9]{4}"
_YEAR_MONTH = "[0-9]{4}-(0[1-9]|1[0-2])"


def _month(text: str) -> str:
    """SQL: the first day of the month `text` names, NULL when it names none. `mm/yyyy`, the
    forms' own, is read by one parse (on 2M rows the patterns alone cost 0.4 s); the rest of
    the forms only by the rows that are not it."""
    return (f"coalesce(try_strptime({text}, '%m/%Y')::DATE, "
            f"CASE WHEN regexp_full_match({text}, '{_MONTH_YEAR}') THEN make_date("
            f"regexp_extract({text}, '[0-9]{{4}}$')::INTEGER, "
            f"regexp_extract({text}, '^[0-9]+')::INTEGER, 1) "
            f"WHEN regexp_full_match({text}, '{_YEAR_MONTH}') THEN make_date("
            f"{text}[1:4]::INTEGER, {text}[6:7]::INTEGER, 1) END)")


def typed_sql(date_format: str | None, plan_months: str) -> dict[str, str]:
    """SQL over the fields `cov_from`, `cov_months` and `cov_to` (trimmed text, NULL when
    empty or absent), the record's day `d` and `program` index: the cover's first and last
    day (`cover_from`, `cover_to`, NULL when nothing says it) and whether it is a bad one
    (`bad_cover`). `plan_months` is SQL for the plan's months of the row's program."""
    start_given = f"coalesce({_month('cov_from')}, {date_sql('cov_from', date_format)})"
    end_given = (f"coalesce(last_day({_month('cov_to')}), "
                 f"{date_sql('cov_to', date_format)})")
    # Up to three digits, and nothing else (measured: the pattern costs less than a test
    # of the string's characters).
    months = ("CASE WHEN regexp_full_match(cov_months, '[0-9]{1,3}') "
              "THEN cov_months::INTEGER END")
    return {
        "start_given": start_given,
        "end_given": end_given,
        "months": months,
        # From the start given, else the first day of the record's month; to the end given,
        # else for the months given or the plan's.
        "cover_from": "coalesce(cov_start_given, date_trunc('month', d)::DATE)",
        "cover_to": (f"coalesce(cov_end_given, (coalesce(cov_start_given, date_trunc('month', "
                     f"d)::DATE) + to_months(coalesce(cov_n_months, {plan_months})) "
                     "- INTERVAL 1 DAY)::DATE)"),
        "bad_cover": (f"(cov_from IS NOT NULL AND cov_start_given IS NULL) "
                      f"OR (cov_to IS NOT NULL AND cov_end_given IS NULL) "
                      f"OR (cov_months IS NOT NULL AND (cov_n_months IS NULL "
                      f"OR cov_n_months < 1 OR cov_n_months > {MAX_MONTHS})) "
                      "OR cover_to < cover_from"),
    }
