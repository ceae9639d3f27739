"""Every word people read, in English and Vietnamese: one catalogue for the terminal, stderr,
warnings, Markdown, the report, charts and workbooks.

Keys are `section.name`; both languages carry every key (a test holds them to it). A phrase
places values with `{name}` (numbers grouped the language's way) and picks an English plural
with `{name|one|other}`; Vietnamese nouns have no plural, so its phrases use plain `{name}`.
The domain builds `Notice`s (a key and its values); the words are chosen where they are shown,
so the JSON keeps English and a terminal in `--lang vi` reads Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

LANGS = ("en", "vi")

CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        # The progress table and every format's headers.
        "label.program": "Program", "label.target": "Target", "label.achieved": "Achieved",
        "label.attainment": "Attainment", "label.expected": "Expected", "label.pace": "Pace",
        "label.status": "Status", "label.gap": "Gap", "label.days_left": "Days left",
        "label.required_per_day": "Needed / day", "label.required_per_month": "Needed / month",
        "label.projected": "Projected", "label.share": "National share",
        "label.vs_baseline": "vs baseline", "label.as_of": "as of",
        "label.last_year": "Last year", "label.vs_last_year": "vs last year",
        "label.elapsed": "of the period elapsed", "label.closing": "What closes the gap",
        "label.national_total": "national total", "label.stale": "stale",
        "label.campaign": "Campaign", "label.staff_seen": "Staff seen",
        "label.staff_met": "Met quota", "label.signed_up": "Signed up",
        "label.per_staff": "Quota / staff", "label.warning": "warning",
        "label.id_kinds": "{program}: ids {codes} × 10 digits, {numbers} × 12 digits",
        "status.achieved": "achieved", "status.on_track": "on track",
        "status.at_risk": "at risk", "status.behind": "behind",
        # The workbook's columns that no table above names.
        "column.label": "Name", "column.elapsed": "Period elapsed",
        "column.national_total": "National total",
        "column.national_total_as_of": "National total as of",
        "column.national_total_stale": "National total stale",
        "column.baseline_participants": "Baseline", "column.last_year_as_of": "Last year as of",
        "column.last_year_participants": "Last year", "column.last_year_source": "Last year from",
        "column.staff_id": "Staff", "column.name": "Name",
        # Errors: the one line a run that cannot go on ends with (`sspost: error: ...`).
        "error.prefix": "error",
        "error.cannot_open": "cannot open {path}: {why}",
        "error.empty_file": "{path}: the file is empty: expected a header line",
        "error.missing_column": "{where}: missing required column {wanted} (headers found: "
                                "{shown}{more}{closest}); map it with --column "
                                "{canonical}=HEADER{program}",
        "error.more": " and {n} more", "error.closest": "; closest: {name}",
        "error.or_program": ", or give every row's program with --program CODE (a form's "
                            "through the plan's input.forms)",
        "error.not_a_date": "{option} {value} is not a date in the form YYYY-MM-DD or "
                            "dd/mm/yyyy",
        "error.xlsx_needs_output": "--format xlsx writes a workbook: name it with --output "
                                   "FILE.xlsx",
        "error.output_exists": "--output {output} already exists; refusing to overwrite it: "
                               "name a new file",
        "error.cannot_write": "cannot write {output}: {why}",
        "error.no_records": "no accepted record is dated inside the period {start}..{end}; give "
                            "the report date with --as-of",
        "error.as_of_before": "--as-of {as_of} is before the period starts ({start})",
        "error.month_form": "--month {month}: write the month as YYYY-MM",
        "error.month_outside": "--month {month} is outside the period {start}..{end}",
        "error.not_a_program": "--program {program} is not a program of the plan ({programs})",
        "error.bad_bytes": "{where}: bytes that are not {encoding} at byte offset {offset}; name "
                           "the file's encoding with --encoding",
        "error.not_a_directory": "{option} {path} is a file, not a directory",
        "error.cannot_create": "{option} {path} cannot be created: {where} is not a writable "
                               "directory",
        "error.is_a_directory": "{option} {path} is a directory; name a file",
        "error.permission": "{option} {path} cannot be written (permission denied)",
        "error.no_folder": "{option} {path} cannot be written: its folder {folder} does not exist "
                           "or is not writable",
        "error.is_an_input": "{option} {path} is an input ({kind}); refusing to overwrite it: "
                             "write somewhere else",
        "error.no_sheet": "{path}: the workbook has no sheet",
        "error.no_such_sheet": "{path}: no sheet named {sheet} (sheets: {sheets})",
        "error.no_header_row": "{path}: sheet {sheet} has no header row naming the required "
                               "columns in its first {rows} rows (missing {missing}; closest "
                               "row: {closest}); map a column with --column "
                               "CANONICAL=HEADER{where}",
        "error.dates_mixed": "{path}: its dates are neither ISO (YYYY-MM-DD) nor one common form "
                             "throughout (e.g. {example}); name the format with --date-format, "
                             "e.g. --date-format '%d/%m/%Y'",
        "error.dates_ambiguous": "{path}: its dates fit both {first} and {second} (e.g. "
                                 "{example}: every day is 12 or less); name the format with "
                                 "--date-format",
        "error.bad_byte": "{where}: byte {byte} at byte offset {offset} is not {encoding}; name "
                          "the file's encoding with --encoding",
        "error.bytes_not": "{where}: bytes at byte offset {offset} are not {encoding}; name the "
                           "file's encoding with --encoding",
        "error.header_not_utf8": "{where}: the header is not UTF-8 (byte offset {offset}); name "
                                 "the file's encoding with --encoding, e.g. windows-1258",
        "error.two_headers": "{where}: two headers name the {canonical} column: {first} and "
                             "{second}; say which one with --column {canonical}=HEADER",
        "error.id_map_missing": "cannot open id map {path}",
        "error.id_map_rows": "{path}: {bad} rows do not map a 10-digit code to a 12-digit "
                             "personal number",
        "error.id_map_twice": "{path}: {ambiguous} old codes are mapped to more than one number",
        "error.not_csv": "{path}: cannot read as CSV: {why}",
        "error.not_a_spreadsheet": "{path}: cannot read as a spreadsheet: {why}",
        "error.chart_sheet": "{path}: sheet {sheet} is not a sheet of rows (a chart?)",
        "error.renewals_by": "--by {value}: use unit, staff or month",
        "error.cannot_create_dir": "cannot create {path}: {why}",
        "error.plan_missing": "cannot open target file {path}: {why}",
        "error.roster_columns": "{path}:1: a roster needs a staff_id column (and unit)",
        "error.roster_missing": "cannot open roster {path}: {why}",
        "error.roster_utf8": "{path}: a roster must be UTF-8",
        "error.column_option": "--column {pair}: expected CANONICAL=Header, CANONICAL one of "
                               "{names}",
        "error.memory_form": "--memory-limit {value}: write a size such as 512MB or 2GB",
        "error.memory_zero": "--memory-limit {value}: the limit must be above zero",
        "error.no_match": "--baseline-data {value}: no file matches",
        "error.same_file": "{option} and {other} name the same file {path}",
        "error.rejects_file": "cannot write rejects file {path}: {why}",
        "error.next_no_records": "no accepted record is dated inside {label} ({start}..{end}): "
                                 "`plan next` counts the period this plan is for, so give it "
                                 "that period's exports",
        "error.next_outside": "{outside} of {accepted} accepted records are dated outside {label} "
                              "({start}..{end}): are these the exports of the period this plan "
                              "is for?",
        "error.not_an_id_map": "{path}: not an id map with columns old_id,new_id ({why})",
        "error.diff_unreadable": "{path}: the target file cannot be read as a plan; `sspost "
                                 "validate {path}` explains why",
        "error.strict": "--strict: {rejected} {rejected|row|rows} rejected",
        "error.fail_on_behind": "--fail-on behind: {programs} {n|is|are} behind",
        "error.fail_on_at_risk": "--fail-on at_risk: {programs} {n|is|are} at risk or worse",
        "error.a_column": "a column", "error.none": "none",
        "error.sheets_with_header": "; sheets that have one: {sheets}, read with --sheet NAME",
        "error.mostly_rejected": "{path}: {rejected} of {rows} rows rejected ({n} for {reason}), "
                                 "so there is no result to show; {fix} (`sspost check` lists "
                                 "the rows)",
        "error.plan_problems": "{path}: the target file has {count} {count|problem|problems}; "
                               "`sspost validate {path}` explains them",
        # A bad row's likely fix, said when many rows are rejected for its reason.
        "fix.field_count": "is the delimiter right? name it with --delimiter",
        "fix.date": "are the dates in another form? name it with --date-format, e.g. '%d/%m/%Y'",
        "fix.program": "are the programs named otherwise? add those names to the program's "
                       "aliases in the target file, or map the column with --column "
                       "program=HEADER",
        "fix.participant_id": "is it the id column? map the right one with --column "
                              "participant_id=HEADER",
        "fix.province": "is it the province column? map the right one with --column "
                        "province=HEADER",
        "fix.participants": "the participants column must hold whole numbers",
        "fix.encoding": "name the file's encoding with --encoding",
        "fix.scientific_id": "a spreadsheet wrote the ids as numbers in scientific notation and "
                             "lost digits: format the id column as text and export again",
        "fix.numeric_id": "a spreadsheet kept the ids as numbers and dropped their leading zeros: "
                          "format the id column as text and export again",
        "fix.coverage": "are the coverage columns (Từ tháng, Số tháng, Đến tháng) the right ones? "
                        "map them with --column coverage_from=HEADER, months=HEADER or "
                        "coverage_to=HEADER",
        "fix.repeated_column": "the file repeats a column under one header with other values: "
                               "rename or delete the copy that is not to be read",
        # The progress bar on stderr.
        "bar.reading": "reading {name}", "bar.counting": "counting",
        "bar.rows": "≈{rows} rows, {rate}/s", "bar.bytes": "{mb} MB, {rate} MB/s",
        # Breakdowns.
        "breakdown.unit": "Unit", "breakdown.province": "Province", "breakdown.month": "Month",
        "breakdown.staff": "Staff", "breakdown.share": "Share", "breakdown.bar": "",
        "breakdown.reporting": "Data", "breakdown.no_data": "sent no data",
        "breakdown.new": "New", "breakdown.cumulative": "Cumulative",
        "breakdown.expected_cumulative": "Expected", "breakdown.change": "vs last month",
        "breakdown.reported": "{n} of {m} units with targets reported",
        "breakdown.(unassigned)": "(unassigned)", "breakdown.(none)": "(none)",
        # Workbook sheets (Excel allows 31 characters).
        "sheet.programs": "Progress", "sheet.unit": "By unit", "sheet.province": "By province",
        "sheet.month": "By month", "sheet.staff": "By staff",
        # The reconciliation and rejected rows on stderr and in the report.
        "recon.read": "read {rows} {rows|row|rows} from {files} {files|file|files}: "
                      "{accepted} accepted, {rejected} rejected; {counted} counted, "
                      "{outside} outside the window, {duplicates} duplicate "
                      "{duplicates|record|records}",
        "recon.file_text": "{path}: {encoding}, {delimiter}, {rows} {rows|row|rows}",
        "recon.file_sheet": "{path}: sheet {sheet}, {rows} {rows|row|rows}",
        "recon.cached": " (from --db)", "recon.dates": ", dates {format}",
        "recon.prepared": "; read line by line first ({why})",
        "recon.taken": "; from its title: {taken}",
        "recon.program_given": "; every row's program {program} (--program)",
        "recon.repeated": "; {headers} repeated: read once, a row whose copies differ rejected",
        "recon.decreases": ", {n} {n|decrease|decreases} (under Giảm: never counted)",
        "recon.grouped": "; {n} {n|id|ids} written in groups, read as {n|its|their} digits",
        "recon.skipped": "; {n} {n|row|rows} not data ({kinds})",
        "skipped.title": "title", "skipped.header": "header", "skipped.numbering": "numbering",
        "skipped.section": "section", "skipped.subtotal": "subtotal",
        "skipped.footer": "footer", "skipped.note": "note", "skipped.decrease": "decrease",
        "recon.by_reason": "rejected rows by reason: {counts}",
        "recon.more": "... and {n} more", "recon.tab": "tab",
        "recon.last_year": "last year: ", "recon.columns": "; columns {columns}",
        # Reasons by name: English keeps the codes JSON and --rejects use.
        "reason.field_count": "field_count", "reason.date": "date", "reason.program": "program",
        "reason.participant_id": "participant_id", "reason.province": "province",
        "reason.participants": "participants", "reason.encoding": "encoding",
        "reason.scientific_id": "scientific_id", "reason.numeric_id": "numeric_id",
        "reason.coverage": "coverage", "reason.repeated_column": "repeated_column",
        # A bad row's message (records.rejects): the JSON and the rejects file keep English.
        "reject.encoding": "a NUL byte in the row",
        "reject.date_missing": "missing date", "reject.date_no_such": "no such date: {value}",
        "reject.date_form": "not a date in the form {hint}: {value}",
        "reject.program_missing": "missing program",
        "reject.program_unknown": "unknown program {value}",
        "reject.id_missing": "missing participant_id",
        "reject.id_length": "participant_id must be 10 or 12 digits (got {value}, {n} characters)",
        "reject.id_length_sheet": "participant_id must be 10 or 12 digits (got {value}, {n} "
                                  "characters); a number cell drops leading zeros: format the "
                                  "id column as text in the spreadsheet",
        "reject.numeric_id": "participant_id read from a number cell ({value}, {n} digits): a "
                             "number drops an id's leading zeros, so this may be another "
                             "person's id; format the id column as text and export again",
        "reject.scientific_id": "participant_id written in scientific notation ({value}): a "
                                "spreadsheet turned the id into a number and lost digits; format "
                                "the id column as text and export again",
        "reject.province": "unknown province code {value}",
        "reject.coverage": "the cover is not a real range (from {value}): a month (mm/yyyy) or "
                           "day to start and end, 1 to 60 months, an end on or after the start",
        "reject.participants_missing": "missing participants count",
        "reject.participants": "participants must be a whole number >= 0 (got {value})",
        "reject.repeated_column": "the columns headed {value} differ on this row: which one "
        "holds its value is not known",
        "reject.more_fields": "more fields than the header",
        "reject.fewer_fields": "fewer fields than the header",
        "reject.open_quote": "a quote that does not close",
        "reject.long_line": "a line longer than the engine's maximum",
        # Warnings: they qualify the figures, so they go wherever the figures go.
        # A count is never followed by a digit: `868,606 10-digit` would be masked as an id.
        "warning.id_kinds": "{program} counts {codes} social insurance {codes|code|codes} of "
                            "10 digits and {numbers} personal {numbers|number|numbers} of 12 "
                            "digits: a person under both counts twice; --id-map FILE "
                            "(old_id,new_id) joins them",
        "warning.unknown_units": "{records} {records|record|records} name unit codes not in "
                                 "the target file, counted as (unassigned): {codes}",
        "warning.unknown_units_more": "{records} {records|record|records} name unit codes "
                                      "not in the target file, counted as (unassigned): "
                                      "{codes} and {more} more",
        "warning.no_rows": "{path} has a header but no data rows",
        "warning.rejected_share": "{share} of the rows were rejected ({rejected} of {rows}), "
                                  "most for {reason}: {fix}; these figures leave them out",
        "warning.number_ids": "{path}: {ids} {ids|id was|ids were} read from number cells, "
                              "which drop leading zeros; format the id column as text and "
                              "export again",
        "warning.ambiguous_codes": "{codes} social insurance {codes|code is|codes are} paired "
                                   "with more than one personal number on rows that carry both "
                                   "ids: those are not joined (--id-map FILE says which is right)",
        "warning.next_plan_no_units": "the files have no unit column: the units get no "
                                      "baseline",
        "warning.next_plan_short": "the files' last record is dated {last}, before the period "
                                   "ends on {end}: the baselines count to {last}",
        "warning.as_of_outlier": "the default as-of date {latest} rests on {outliers} "
                                 "{outliers|record|records} dated after {end}, where the bulk "
                                 "of the data ends: a typo? give the report date with "
                                 "--as-of {end} if it is that",
        # Renewals (SPEC section 5a).
        "renewals.title": "Renewals", "renewals.covered": "Covered", "renewals.due": "Due",
        "renewals.overdue": "Overdue", "renewals.lapsed": "Lapsed", "renewals.renewed": "Renewed",
        "renewals.renewal_rate": "Renewal rate", "renewals.due_not_counted": "Due to renew",
        "renewals.gap_share_of_due": "Gap / due", "renewals.month": "Spell ends",
        "renewals.grace": "a payment within {days} {days|day|days} of a cover's end continues it",
        "warning.renewals_assumed": "{path} has no coverage columns: each payment is taken to "
                                    "cover the plan's renewals.coverage_months ({months}) from "
                                    "its record's month",
        "warning.renewals_no_last_year": "no last period's files (--baseline-data): the covers "
                                         "paid last period are unknown, so due to renew is "
                                         "not given",
        "warning.renewals_without_cover": "{records} {records|record says|records say} no "
                                          "cover and the plan gives none for its program: "
                                          "left out of renewals",
        # The monthly report.
        "report.title": "Enrolment report", "report.generated": "generated",
        "report.lead": "{status}: {expected} expected by now, {short} short. {per_day} a day "
                       "needed for the {days} days left, against {rate} a day so far; at this "
                       "pace the period ends at {projected} of {target}.",
        "report.lead_done": "{status}: {achieved} of {target}, the target reached.",
        "report.notes": "Notes on the data",
        "report.headline": "Where we are", "report.attainment": "Attainment",
        "report.per_month": "needed per month", "report.share": "National share",
        "report.this_month": "New this month", "report.last_month": "last month",
        "report.burnup": "Cumulative progress against the plan",
        "report.by_unit": "By unit", "report.by_province": "By province",
        "report.behind": "Units behind", "report.silent": "Units with targets that sent no data",
        "report.renewals": "Renewals", "report.due_next_month": "Due next month",
        "report.due": "Due", "report.overdue": "Overdue", "report.lapsed": "Lapsed",
        "report.renewal_rate": "Renewal rate",
        "report.renewals_summary": "{program}: {due} due to renew and not counted yet, {next} "
                                   "due next month, {lapsed} lapsed; renewal rate {rate}",
        "report.none": "None.", "report.campaigns": "Campaigns", "report.campaign": "Campaign",
        "report.per_staff": "Quota / staff",
        "report.reconciliation": "Input files and reconciliation", "report.file": "File",
        "report.rows": "Rows", "report.accepted": "Accepted", "report.rejected": "Rejected",
        "report.format": "Encoding, delimiter", "report.warnings": "Read these first",
        "report.ids": "Participant ids: {codes} with 10 digits, {numbers} with 12",
        "report.all_rows": "All {n} {n|row|rows}",
        "report.top_bottom": "The chart shows the {top} highest and {bottom} lowest of {n} "
                             "rows; the table below lists every one.",
        "report.row_share": "Share of the program", "report.last_year_col": "Last year",
        "report.vs_last_year_col": "vs last year",
        "report.last_year": "Last year at this date ({date}): {participants}; this year is "
                            "{ratio} of it",
        "report.wrote": "wrote {files} to {folder}",
        # Charts (their text is also their accessible description).
        "chart.burnup": "{label}: cumulative participants", "chart.achieved": "Achieved",
        "chart.expected": "Expected (plan)", "chart.target": "Target",
        "chart.as_of": "As of {date}", "chart.participants": "Participants",
        "chart.bars": "Achieved by {by}", "chart.bars_attainment": "Attainment by {by}",
        "chart.unit": "unit", "chart.province": "province",
        "chart.no_target": "no target", "chart.last_year": "Last year",
        "chart.projection": "At this pace", "chart.short": "{n} short",
        "chart.burnup_desc": "Line chart from {start} to {end}: {achieved} participants "
                             "by {as_of} against {expected} expected by then and a target of "
                             "{target}.",
        "chart.bars_desc": "Bar chart by {by} of {n} {n|row|rows}, coloured by status; the "
                           "table below lists every row with its figures.",
    },
    "vi": {
        "label.program": "Chương trình", "label.target": "Chỉ tiêu", "label.achieved": "Đã đạt",
        "label.attainment": "Hoàn thành", "label.expected": "Kế hoạch đến nay",
        "label.pace": "Tiến độ", "label.status": "Tình trạng", "label.gap": "Còn thiếu",
        "label.days_left": "Ngày còn lại", "label.required_per_day": "Cần / ngày",
        "label.required_per_month": "Cần / tháng", "label.projected": "Dự kiến cả kỳ",
        "label.share": "Tỷ trọng toàn quốc", "label.vs_baseline": "So kỳ trước",
        "label.last_year": "Cùng kỳ năm trước", "label.vs_last_year": "So cùng kỳ",
        "label.as_of": "tính đến", "label.elapsed": "thời gian đã qua",
        "label.closing": "Để hoàn thành chỉ tiêu", "label.national_total": "tổng số toàn quốc",
        "label.stale": "cũ", "label.campaign": "Đợt phát động",
        "label.staff_seen": "Số nhân viên", "label.staff_met": "Đạt định mức",
        "label.signed_up": "Số người tham gia", "label.per_staff": "Định mức / người",
        "label.warning": "cảnh báo",
        "label.id_kinds": "{program}: {codes} mã 10 chữ số, {numbers} số định danh 12 chữ số",
        "status.achieved": "đã đạt", "status.on_track": "đúng tiến độ",
        "status.at_risk": "nguy cơ chậm", "status.behind": "chậm tiến độ",
        "column.label": "Tên", "column.elapsed": "Thời gian đã qua",
        "column.national_total": "Tổng số toàn quốc",
        "column.national_total_as_of": "Tổng số toàn quốc tính đến",
        "column.national_total_stale": "Tổng số toàn quốc đã cũ",
        "column.baseline_participants": "Kỳ gốc", "column.last_year_as_of": "Năm trước tính đến",
        "column.last_year_participants": "Cùng kỳ năm trước",
        "column.last_year_source": "Nguồn số năm trước",
        "column.staff_id": "Nhân viên", "column.name": "Tên",
        "error.prefix": "lỗi",
        "error.cannot_open": "không mở được {path}: {why}",
        "error.empty_file": "{path}: tệp rỗng: cần có dòng tiêu đề",
        "error.missing_column": "{where}: thiếu cột bắt buộc {wanted} (các tiêu đề có: "
                                "{shown}{more}{closest}); chỉ ra cột bằng --column "
                                "{canonical}=TIÊU_ĐỀ{program}",
        "error.more": " và {n} cột khác", "error.closest": "; gần nhất: {name}",
        "error.or_program": ", hoặc cho loại hình của mọi dòng bằng --program MÃ (của biểu "
                            "mẫu: qua input.forms trong tệp chỉ tiêu)",
        "error.not_a_date": "{option} {value} không phải ngày dạng YYYY-MM-DD hoặc "
                            "dd/mm/yyyy",
        "error.xlsx_needs_output": "--format xlsx ghi ra sổ tính Excel: đặt tên tệp bằng "
                                   "--output TỆP.xlsx",
        "error.output_exists": "--output {output} đã có; không ghi đè: hãy đặt tên tệp mới",
        "error.cannot_write": "không ghi được {output}: {why}",
        "error.no_records": "không có bản ghi hợp lệ nào trong kỳ {start}..{end}; hãy cho ngày báo "
                            "cáo bằng --as-of",
        "error.as_of_before": "--as-of {as_of} trước ngày bắt đầu kỳ ({start})",
        "error.month_form": "--month {month}: hãy viết tháng dạng YYYY-MM",
        "error.month_outside": "--month {month} nằm ngoài kỳ {start}..{end}",
        "error.not_a_program": "--program {program} không phải loại hình của tệp chỉ tiêu "
                               "({programs})",
        "error.bad_bytes": "{where}: có byte không thuộc bảng mã {encoding} ở vị trí {offset}; "
                           "chỉ ra bảng mã của tệp bằng --encoding",
        "error.not_a_directory": "{option} {path} là tệp, không phải thư mục",
        "error.cannot_create": "{option} {path} không tạo được: {where} không phải thư mục ghi "
                               "được",
        "error.is_a_directory": "{option} {path} là thư mục; hãy đặt tên một tệp",
        "error.permission": "{option} {path} không ghi được (không có quyền)",
        "error.no_folder": "{option} {path} không ghi được: thư mục {folder} không có hoặc không "
                           "ghi được",
        "error.is_an_input": "{option} {path} là tệp đầu vào ({kind}); không ghi đè: hãy ghi ra "
                             "chỗ khác",
        "error.no_sheet": "{path}: sổ tính không có trang nào",
        "error.no_such_sheet": "{path}: không có trang tính tên {sheet} (các trang: {sheets})",
        "error.no_header_row": "{path}: trang tính {sheet} không có dòng tiêu đề nêu các cột bắt "
                               "buộc trong {rows} dòng đầu (thiếu {missing}; dòng gần nhất: "
                               "{closest}); chỉ ra cột bằng --column CANONICAL=TIÊU_ĐỀ{where}",
        "error.dates_mixed": "{path}: ngày không theo ISO (YYYY-MM-DD) cũng không theo một dạng "
                             "chung (ví dụ {example}); chỉ ra dạng ngày bằng --date-format, ví "
                             "dụ --date-format '%d/%m/%Y'",
        "error.dates_ambiguous": "{path}: ngày hợp cả hai dạng {first} và {second} (ví dụ "
                                 "{example}: mọi ngày đều từ 12 trở xuống); chỉ ra dạng ngày bằng "
                                 "--date-format",
        "error.bad_byte": "{where}: byte {byte} ở vị trí {offset} không thuộc bảng mã {encoding}; "
                          "chỉ ra bảng mã của tệp bằng --encoding",
        "error.bytes_not": "{where}: các byte ở vị trí {offset} không thuộc bảng mã {encoding}; "
                           "chỉ ra bảng mã của tệp bằng --encoding",
        "error.header_not_utf8": "{where}: dòng tiêu đề không phải UTF-8 (vị trí {offset}); chỉ "
                                 "ra bảng mã của tệp bằng --encoding, ví dụ windows-1258",
        "error.two_headers": "{where}: hai tiêu đề cùng chỉ cột {canonical}: {first} và "
                             "{second}; chọn một bằng --column {canonical}=TIÊU_ĐỀ",
        "error.id_map_missing": "không mở được tệp ghép mã {path}",
        "error.id_map_rows": "{path}: {bad} dòng không ghép mã 10 chữ số với số định danh 12 chữ "
                             "số",
        "error.id_map_twice": "{path}: {ambiguous} mã cũ được ghép với nhiều hơn một số",
        "error.not_csv": "{path}: không đọc được như tệp CSV: {why}",
        "error.not_a_spreadsheet": "{path}: không đọc được như bảng tính: {why}",
        "error.chart_sheet": "{path}: trang {sheet} không phải trang dữ liệu dạng dòng (biểu "
                             "đồ?)",
        "error.renewals_by": "--by {value}: dùng unit, staff hoặc month",
        "error.cannot_create_dir": "không tạo được {path}: {why}",
        "error.plan_missing": "không mở được tệp chỉ tiêu {path}: {why}",
        "error.roster_columns": "{path}:1: danh sách nhân viên cần cột staff_id (và unit)",
        "error.roster_missing": "không mở được danh sách nhân viên {path}: {why}",
        "error.roster_utf8": "{path}: danh sách nhân viên phải là UTF-8",
        "error.column_option": "--column {pair}: cần dạng CANONICAL=TiêuĐề, CANONICAL là một "
                               "trong {names}",
        "error.memory_form": "--memory-limit {value}: hãy viết dung lượng, ví dụ 512MB hoặc 2GB",
        "error.memory_zero": "--memory-limit {value}: giới hạn phải lớn hơn 0",
        "error.no_match": "--baseline-data {value}: không có tệp nào khớp",
        "error.same_file": "{option} và {other} cùng chỉ tệp {path}",
        "error.rejects_file": "không ghi được tệp dòng bị loại {path}: {why}",
        "error.next_no_records": "không có bản ghi hợp lệ nào trong {label} ({start}..{end}): "
                                 "`plan next` đếm kỳ của tệp chỉ tiêu này, hãy đưa dữ liệu của kỳ "
                                 "đó",
        "error.next_outside": "{outside} trên {accepted} bản ghi hợp lệ nằm ngoài {label} "
                              "({start}..{end}): đây có phải dữ liệu của kỳ của tệp chỉ tiêu "
                              "này không?",
        "error.not_an_id_map": "{path}: không phải tệp ghép mã có cột old_id,new_id ({why})",
        "error.diff_unreadable": "{path}: không đọc được tệp chỉ tiêu; `sspost validate {path}` "
                                 "giải thích lý do",
        "error.strict": "--strict: {rejected} dòng bị loại",
        "error.fail_on_behind": "--fail-on behind: {n} chương trình chậm tiến độ: {programs}",
        "error.fail_on_at_risk": "--fail-on at_risk: {n} chương trình nguy cơ chậm hoặc chậm "
                                 "tiến độ: {programs}",
        "error.a_column": "một cột", "error.none": "không có",
        "error.sheets_with_header": "; các trang có dòng tiêu đề: {sheets}, đọc bằng --sheet TÊN",
        "error.mostly_rejected": "{path}: {rejected} trên {rows} dòng bị loại ({n} vì {reason}), "
                                 "nên không có kết quả để hiện; {fix} (`sspost check` liệt kê "
                                 "các dòng đó)",
        "error.plan_problems": "{path}: tệp chỉ tiêu có {count} lỗi; `sspost validate {path}` "
                               "giải thích từng lỗi",
        "fix.field_count": "dấu phân cách có đúng không? chỉ ra bằng --delimiter",
        "fix.date": "ngày có viết theo dạng khác không? chỉ ra bằng --date-format, ví dụ "
                    "'%d/%m/%Y'",
        "fix.program": "loại hình có được gọi bằng tên khác không? thêm các tên đó vào aliases "
                       "của loại hình trong tệp chỉ tiêu, hoặc chỉ ra cột bằng --column "
                       "program=TIÊU_ĐỀ",
        "fix.participant_id": "đó có phải cột mã số không? chỉ ra cột đúng bằng --column "
                              "participant_id=TIÊU_ĐỀ",
        "fix.province": "đó có phải cột mã tỉnh không? chỉ ra cột đúng bằng --column "
                        "province=TIÊU_ĐỀ",
        "fix.participants": "cột số người tham gia phải là số nguyên",
        "fix.encoding": "chỉ ra bảng mã của tệp bằng --encoding",
        "fix.scientific_id": "bảng tính đã ghi mã thành số dạng khoa học và làm mất chữ số: hãy "
                             "định dạng cột mã là văn bản rồi xuất lại",
        "fix.numeric_id": "bảng tính đã lưu mã dạng số và làm mất các số 0 ở đầu: hãy định dạng "
                          "cột mã là văn bản rồi xuất lại",
        "fix.coverage": "các cột thời hạn đóng (Từ tháng, Số tháng, Đến tháng) có đúng không? chỉ "
                        "ra bằng --column coverage_from=TIÊU_ĐỀ, months=TIÊU_ĐỀ hoặc "
                        "coverage_to=TIÊU_ĐỀ",
        "fix.repeated_column": "tệp lặp lại một cột dưới cùng tiêu đề nhưng khác giá trị: đổi tên "
                               "hoặc xóa bản không cần đọc",
        "bar.reading": "đang đọc {name}", "bar.counting": "đang đếm",
        "bar.rows": "≈{rows} dòng, {rate}/giây", "bar.bytes": "{mb} MB, {rate} MB/giây",
        "breakdown.unit": "Đơn vị", "breakdown.province": "Tỉnh", "breakdown.month": "Tháng",
        "breakdown.staff": "Nhân viên", "breakdown.share": "Tỷ trọng", "breakdown.bar": "",
        "breakdown.reporting": "Dữ liệu", "breakdown.no_data": "chưa gửi dữ liệu",
        "breakdown.new": "Mới", "breakdown.cumulative": "Lũy kế",
        "breakdown.expected_cumulative": "Kế hoạch lũy kế",
        "breakdown.change": "So tháng trước",
        "breakdown.reported": "{n}/{m} đơn vị có chỉ tiêu đã gửi dữ liệu",
        "breakdown.(unassigned)": "(không thuộc đơn vị nào)", "breakdown.(none)": "(không có)",
        "sheet.programs": "Tiến độ", "sheet.unit": "Theo đơn vị", "sheet.province": "Theo tỉnh",
        "sheet.month": "Theo tháng", "sheet.staff": "Theo nhân viên",
        "recon.read": "đã đọc {rows} dòng từ {files} tệp: {accepted} hợp lệ, {rejected} bị "
                      "loại; {counted} được tính, {outside} ngoài kỳ, {duplicates} bản ghi "
                      "trùng",
        "recon.file_text": "{path}: {encoding}, {delimiter}, {rows} dòng",
        "recon.file_sheet": "{path}: trang tính {sheet}, {rows} dòng",
        "recon.cached": " (từ --db)", "recon.dates": ", ngày dạng {format}",
        "recon.prepared": "; đọc từng dòng trước ({why})",
        "recon.taken": "; lấy từ phần đầu biểu: {taken}",
        "recon.program_given": "; loại hình của mọi dòng: {program} (--program)",
        "recon.repeated": "; cột {headers} lặp lại: đọc một lần, dòng có các bản khác nhau bị loại",
        "recon.decreases": ", {n} dòng giảm (không tính)",
        "recon.grouped": "; {n} mã viết theo nhóm số, đọc thành dãy chữ số",
        "recon.skipped": "; {n} dòng không phải dữ liệu ({kinds})",
        "skipped.title": "tiêu đề", "skipped.header": "dòng tiêu đề cột",
        "skipped.numbering": "đánh số cột", "skipped.section": "mục",
        "skipped.subtotal": "dòng cộng", "skipped.footer": "phần cuối biểu",
        "skipped.note": "ghi chú", "skipped.decrease": "giảm",
        "recon.by_reason": "dòng bị loại theo lý do: {counts}",
        "recon.more": "... và {n} dòng nữa", "recon.tab": "tab",
        "recon.last_year": "năm trước: ", "recon.columns": "; cột {columns}",
        "reason.field_count": "số trường", "reason.date": "ngày", "reason.program": "loại hình",
        "reason.participant_id": "mã số", "reason.province": "tỉnh",
        "reason.participants": "số người", "reason.encoding": "mã hóa ký tự",
        "reason.scientific_id": "mã dạng khoa học", "reason.numeric_id": "mã từ ô số",
        "reason.coverage": "thời hạn đóng", "reason.repeated_column": "cột lặp lại",
        "reject.encoding": "dòng có byte NUL",
        "reject.date_missing": "thiếu ngày", "reject.date_no_such": "không có ngày {value}",
        "reject.date_form": "không phải ngày theo dạng {hint}: {value}",
        "reject.program_missing": "thiếu loại hình",
        "reject.program_unknown": "loại hình không có trong tệp chỉ tiêu: {value}",
        "reject.id_missing": "thiếu mã số người tham gia",
        "reject.id_length": "mã số phải có 10 hoặc 12 chữ số (ghi {value}, {n} ký tự)",
        "reject.id_length_sheet": "mã số phải có 10 hoặc 12 chữ số (ghi {value}, {n} ký tự); ô "
                                  "kiểu số làm mất các số 0 ở đầu: hãy định dạng cột mã là văn "
                                  "bản trong bảng tính",
        "reject.numeric_id": "mã số đọc từ ô kiểu số ({value}, {n} chữ số): số làm mất các số 0 "
                             "ở đầu, nên đây có thể là mã của người khác; hãy định dạng cột mã "
                             "là văn bản rồi xuất lại",
        "reject.scientific_id": "mã số ghi dạng khoa học ({value}): bảng tính đã biến mã thành "
                                "số và làm mất chữ số; hãy định dạng cột mã là văn bản rồi "
                                "xuất lại",
        "reject.province": "mã tỉnh không đúng: {value}",
        "reject.coverage": "thời hạn đóng không hợp lệ (từ {value}): tháng (mm/yyyy) hoặc ngày "
                           "bắt đầu và kết thúc, từ 1 đến 60 tháng, kết thúc không trước bắt đầu",
        "reject.participants_missing": "thiếu số người tham gia",
        "reject.participants": "số người tham gia phải là số nguyên >= 0 (ghi {value})",
        "reject.repeated_column": "các cột cùng tiêu đề {value} khác nhau ở dòng này: không rõ "
        "cột nào đúng",
        "reject.more_fields": "nhiều trường hơn dòng tiêu đề",
        "reject.fewer_fields": "ít trường hơn dòng tiêu đề",
        "reject.open_quote": "dấu ngoặc kép không được đóng",
        "reject.long_line": "dòng dài hơn mức tối đa của bộ đọc",
        "warning.id_kinds": "{program} có {codes} mã số BHXH 10 chữ số và {numbers} số định "
                            "danh cá nhân 12 chữ số: một người có cả hai sẽ bị tính hai lần; "
                            "--id-map FILE (old_id,new_id) ghép chúng lại",
        "warning.unknown_units": "{records} bản ghi ghi mã đơn vị không có trong tệp chỉ "
                                 "tiêu, được tính vào (không thuộc đơn vị nào): {codes}",
        "warning.unknown_units_more": "{records} bản ghi ghi mã đơn vị không có trong tệp "
                                      "chỉ tiêu, được tính vào (không thuộc đơn vị nào): "
                                      "{codes} và {more} mã khác",
        "warning.no_rows": "{path} có dòng tiêu đề nhưng không có dòng dữ liệu",
        "warning.rejected_share": "{share} số dòng bị loại ({rejected} trên {rows}), chủ yếu vì "
                                  "{reason}: {fix}; các số liệu này không tính những dòng đó",
        "warning.number_ids": "{path}: {ids} mã được đọc từ ô kiểu số, vốn làm mất các số 0 "
                              "ở đầu; hãy định dạng cột mã là văn bản rồi xuất lại",
        "warning.ambiguous_codes": "{codes} mã số BHXH đi kèm nhiều hơn một số định danh trên "
                                   "các dòng ghi cả hai mã: không được gộp (--id-map FILE "
                                   "chỉ rõ số đúng)",
        "warning.next_plan_no_units": "các tệp không có cột đơn vị: các đơn vị không có số "
                                      "liệu cơ sở",
        "warning.next_plan_short": "bản ghi cuối cùng của các tệp là ngày {last}, trước khi kỳ "
                                   "kết thúc ngày {end}: số liệu cơ sở tính đến ngày {last}",
        "warning.as_of_outlier": "ngày tính đến mặc định {latest} chỉ dựa trên {outliers} "
                                 "bản ghi sau ngày {end}, nơi phần lớn dữ liệu kết thúc: có "
                                 "nhập nhầm không? nếu đó là ngày báo cáo, hãy dùng "
                                 "--as-of {end}",
        "renewals.title": "Tái tục", "renewals.covered": "Còn hạn", "renewals.due": "Đến hạn",
        "renewals.overdue": "Quá hạn", "renewals.lapsed": "Đã dừng",
        "renewals.renewed": "Đã tái tục",
        "renewals.renewal_rate": "Tỷ lệ tái tục", "renewals.due_not_counted": "Cần tái tục",
        "renewals.gap_share_of_due": "Thiếu / cần tái tục", "renewals.month": "Hết hạn",
        "renewals.grace": "đóng tiếp trong vòng {days} ngày sau khi hết hạn vẫn là tái tục",
        "warning.renewals_assumed": "{path} không có cột thời gian đóng: mỗi lần đóng được coi "
                                    "là đóng theo renewals.coverage_months của tệp chỉ tiêu "
                                    "({months}) từ tháng của bản ghi",
        "warning.renewals_no_last_year": "không có tệp của kỳ trước (--baseline-data): chưa "
                                         "biết thời hạn đã đóng kỳ trước, nên không tính số "
                                         "cần tái tục",
        "warning.renewals_without_cover": "{records} bản ghi không có thời hạn đóng và tệp "
                                          "chỉ tiêu không cho số tháng của loại hình đó: không "
                                          "tính vào tái tục",
        "report.title": "Báo cáo phát triển người tham gia", "report.generated": "lập lúc",
        "report.lead": "{status}: kế hoạch đến nay {expected}, còn thiếu {short}. Cần {per_day} "
                       "người mỗi ngày trong {days} ngày còn lại, so với {rate} người mỗi ngày "
                       "từ đầu kỳ; giữ nhịp này, cả kỳ đạt {projected} trên {target}.",
        "report.lead_done": "{status}: {achieved} trên {target}, đã đạt chỉ tiêu.",
        "report.notes": "Ghi chú về dữ liệu",
        "report.headline": "Kết quả",
        "report.attainment": "Hoàn thành", "report.per_month": "cần mỗi tháng",
        "report.share": "Tỷ trọng toàn quốc", "report.this_month": "Mới trong tháng",
        "report.last_month": "tháng trước", "report.burnup": "Lũy kế so với kế hoạch",
        "report.by_unit": "Theo đơn vị", "report.by_province": "Theo tỉnh",
        "report.behind": "Đơn vị chậm tiến độ",
        "report.silent": "Đơn vị có chỉ tiêu nhưng chưa gửi dữ liệu",
        "report.renewals": "Tái tục", "report.due_next_month": "Đến hạn tháng sau",
        "report.due": "Đến hạn", "report.overdue": "Quá hạn", "report.lapsed": "Đã dừng",
        "report.renewal_rate": "Tỷ lệ tái tục",
        "report.renewals_summary": "{program}: {due} người cần tái tục chưa được tính, {next} "
                                   "người đến hạn tháng sau, {lapsed} người đã dừng; tỷ lệ "
                                   "tái tục {rate}",
        "report.none": "Không có.", "report.campaigns": "Đợt phát động",
        "report.campaign": "Đợt phát động", "report.per_staff": "Định mức / người",
        "report.reconciliation": "Tệp đầu vào và đối soát", "report.file": "Tệp",
        "report.rows": "Số dòng", "report.accepted": "Hợp lệ", "report.rejected": "Bị loại",
        "report.format": "Mã hóa, dấu phân cách", "report.warnings": "Cần đọc trước",
        "report.ids": "Mã người tham gia: {codes} mã 10 chữ số, {numbers} số 12 chữ số",
        "report.all_rows": "Toàn bộ {n} dòng",
        "report.top_bottom": "Biểu đồ thể hiện {top} dòng cao nhất và {bottom} dòng thấp nhất "
                             "trong {n} dòng; bảng dưới đây liệt kê đầy đủ.",
        "report.row_share": "Tỷ trọng trong chương trình",
        "report.last_year_col": "Cùng kỳ năm trước", "report.vs_last_year_col": "So cùng kỳ",
        "report.last_year": "Cùng kỳ năm trước ({date}): {participants}; năm nay bằng {ratio}",
        "report.wrote": "đã ghi {files} vào {folder}",
        "chart.burnup": "{label}: số người tham gia lũy kế", "chart.achieved": "Đã đạt",
        "chart.expected": "Kế hoạch", "chart.target": "Chỉ tiêu",
        "chart.as_of": "Tính đến {date}", "chart.participants": "Số người",
        "chart.bars": "Đã đạt theo {by}", "chart.bars_attainment": "Tỷ lệ hoàn thành theo {by}",
        "chart.unit": "đơn vị", "chart.province": "tỉnh",
        "chart.no_target": "không có chỉ tiêu", "chart.last_year": "Năm trước",
        "chart.projection": "Theo tốc độ hiện tại", "chart.short": "thiếu {n}",
        "chart.burnup_desc": "Biểu đồ đường từ {start} đến {end}: {achieved} người tham gia "
                             "tính đến {as_of}, so với {expected} theo kế hoạch và chỉ tiêu "
                             "{target}.",
        "chart.bars_desc": "Biểu đồ cột theo {by} gồm {n} dòng, tô màu theo tình trạng; bảng "
                           "dưới đây liệt kê mọi dòng cùng số liệu.",
    },
}

_PLACE = re.compile(r"\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?\}")


def number(value: int | float, lang: str) -> str:
    """A count grouped the language's way: 1,250,000 or 1.250.000."""
    from babel.numbers import format_decimal  # Babel's data only when a number is shown

    return str(format_decimal(round(value), "#,##0", locale=lang))


def date_text(value: dt.date, lang: str) -> str:
    """A date the language's way: 30/06/2025 in Vietnamese, 2025-06-30 in English."""
    return value.strftime("%d/%m/%Y") if lang == "vi" else value.isoformat()


def phrase(lang: str, key: str, **values: object) -> str:
    """The phrase `key` in `lang` with its values placed (counts grouped, plurals chosen)."""
    def place(match: re.Match[str]) -> str:
        value = values[match.group(1)]
        if match.group(2) is not None:  # {n|one|other}
            return match.group(2) if value == 1 else match.group(3)
        if isinstance(value, Label | Notice):  # a phrase within the phrase, same language
            return value.text(lang)
        if isinstance(value, Share):
            from babel.numbers import format_percent

            return str(format_percent(value.value, "#,##0.0%", locale=lang))
        if isinstance(value, dt.date):
            return date_text(value, lang)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        return number(value, lang)
    return _PLACE.sub(place, CATALOGUE[lang][key])


def section(prefix: str) -> dict[str, dict[str, str]]:
    """One section's words by language, keyed without the prefix (for templates)."""
    return {lang: {k[len(prefix) + 1:]: v for k, v in words.items()
                   if k.startswith(prefix + ".")}
            for lang, words in CATALOGUE.items()}


@dataclass(frozen=True)
class Share:
    """A fraction people read as a percentage, the language's way (3.2% or 3,2%)."""

    value: float


@dataclass(frozen=True)
class Label:
    """A name people read, in English and (when the plan gives one) Vietnamese."""

    en: str
    vi: str | None = None

    def text(self, lang: str) -> str:
        return (self.vi or self.en) if lang == "vi" else self.en


@dataclass(frozen=True)
class Notice:
    """Something the figures need read with, said in whichever language it is shown in."""

    key: str
    values: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, **values: object) -> Notice:
        return cls("warning." + key, tuple(values.items()))

    @classmethod
    def error(cls, key: str, **values: object) -> Notice:
        """An error's line (problems.UsageError), said in the run's language."""
        return cls("error." + key, tuple(values.items()))

    @classmethod
    def rejected(cls, key: str, **values: object) -> Notice:
        """A bad row's message (records.rejects)."""
        return cls("reject." + key, tuple(values.items()))

    def text(self, lang: str = "en") -> str:
        return phrase(lang, self.key, **dict(self.values))

    def __str__(self) -> str:
        return self.text("en")
