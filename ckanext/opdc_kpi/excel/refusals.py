"""Why a workbook is not read: the errors, each message in English and Thai,
each refusal of ``budget`` naming its limit (and the setting that changes
it). No CKAN import: pages show ``message(lang)``, the command line and the
remote tool ``str()`` (English)."""
from __future__ import annotations

MB = 2**20
_SETTING = "ckanext.opdc_kpi.workbook."


class WorkbookError(ValueError):
    """A workbook that cannot be read at all (not one bad row), with its
    message in English (``str``) and Thai."""

    def __init__(self, message_en: str, message_th: str | None = None):
        super().__init__(message_en)
        self.message_en = message_en
        self.message_th = message_th or message_en

    def message(self, lang: str) -> str:
        return self.message_th if lang == "th" else self.message_en


class OverBudget(WorkbookError):
    """A workbook refused before it is read, for the limit ``limit`` (the
    name of its setting where it has one)."""

    def __init__(self, limit: str, message_en: str, message_th: str):
        super().__init__(message_en, message_th)
        self.limit = limit


def _n(number: int) -> str:
    return f"{number:,}"


#: what a file that is no zip at all (an .xls, a .csv, a renamed file) meets
_NOT_A_ZIP = frozenset({"BadZipFile", "BadZipfile", "InvalidFileException",
                        "no zip directory"})


def unreadable(detail: str, thai: str | None = None) -> WorkbookError:
    """A file that cannot be read as a workbook: ``detail`` says what is
    wrong (English; ``thai``: the same in Thai, else the detail is quoted
    as it is, e.g. an error's name)."""
    if detail in _NOT_A_ZIP:
        return WorkbookError(
            f"not a readable .xlsx workbook ({detail}): the file is not an Excel .xlsx "
            "workbook (an .xls or .csv file, or a damaged one); save it in Excel as "
            "\"Excel Workbook (.xlsx)\" and upload it again",
            "อ่านไฟล์ไม่ได้: ไฟล์นี้ไม่ใช่สมุดงาน Excel แบบ .xlsx (อาจเป็นไฟล์ .xls หรือ .csv "
            "หรือไฟล์เสียหาย) กรุณาบันทึกใน Excel เป็น \"Excel Workbook (.xlsx)\" "
            f"แล้วอัปโหลดอีกครั้ง (รหัสข้อผิดพลาด {detail})")
    return WorkbookError(
        f"not a readable .xlsx workbook ({detail}): open it in Excel, save it again as "
        ".xlsx and upload it again",
        f"อ่านไฟล์ .xlsx ไม่ได้ ({thai or detail}) กรุณาเปิดใน Excel แล้วบันทึกเป็น .xlsx "
        "ใหม่ก่อนอัปโหลดอีกครั้ง")


def file_too_large(size: int, limit_bytes: int) -> OverBudget:
    limit = _n(limit_bytes // MB)
    return OverBudget("max_file_mb", f"the file is {size / MB:.1f} MB; the limit is {limit} MB",
                      f"ไฟล์มีขนาด {size / MB:.1f} MB เกินขีดจำกัด {limit} MB")


def too_many_parts(count: int, limit: int) -> OverBudget:
    return OverBudget(
        "max_parts",
        f"the file holds {_n(count)} parts or more; a workbook may hold at most {_n(limit)}",
        f"ไฟล์มีส่วนประกอบ {_n(count)} ส่วนขึ้นไป เกินขีดจำกัด {_n(limit)} ส่วน")


def inflates_too_much(part: str, limit_bytes: int) -> OverBudget:
    limit = _n(limit_bytes // MB)
    return OverBudget(
        "max_uncompressed_mb",
        f"the workbook inflates to more than {limit} MB (reached in part {part}); the limit "
        f"is {limit} MB uncompressed ({_SETTING}max_uncompressed_mb)",
        f"เมื่อคลายการบีบอัด สมุดงานมีขนาดเกิน {limit} MB (ที่ส่วน {part}) ซึ่งเป็นขีดจำกัด "
        f"({_SETTING}max_uncompressed_mb)")


def whole_part_too_large(part: str, limit: str, amount: int, unit_en: str,
                         unit_th: str) -> OverBudget:
    return OverBudget(
        limit,
        f"part {part} has more than {_n(amount)} {unit_en}; a part read whole (all but "
        f"the sheets and the shared strings) may have at most {_n(amount)}",
        f"ส่วน {part} มีมากกว่า {_n(amount)} {unit_th} ส่วนที่ต้องอ่านทั้งก้อน (นอกจากแผ่นงาน"
        f"และตารางข้อความร่วม) มีได้ไม่เกิน {_n(amount)} {unit_th}")


def forged_size(part: str, declared: int) -> OverBudget:
    return OverBudget(
        "declared_size",
        f"part {part} inflates to more than the {_n(declared)} bytes its header declares: "
        "a damaged or forged file",
        f"ส่วน {part} คลายการบีบอัดแล้วใหญ่กว่า {_n(declared)} ไบต์ที่ส่วนหัวระบุไว้: "
        "ไฟล์เสียหายหรือถูกปลอมแปลง")


def declares_a_dtd(part: str) -> OverBudget:
    return OverBudget(
        "dtd", f"part {part} declares a DTD or an entity (no workbook part does): refused "
        "unread, as entities can expand a small part into a huge one",
        f"ส่วน {part} มีการประกาศ DTD หรือ entity (ส่วนของสมุดงานไม่มี) จึงไม่อ่าน เพราะ entity "
        "ขยายส่วนเล็ก ๆ ให้ใหญ่มากได้")


def text_too_long(part: str, limit_bytes: int) -> OverBudget:
    limit = _n(limit_bytes // 1024)
    return OverBudget(
        "max_text_bytes",
        f"part {part} holds a text (a cell or a shared string) longer than {limit} KB; "
        f"a cell holds at most 32,767 characters, {limit} KB at most",
        f"ส่วน {part} มีข้อความ (ในเซลล์หรือข้อความร่วม) ยาวเกิน {limit} KB "
        f"เซลล์หนึ่งมีได้ไม่เกิน 32,767 ตัวอักษร ({limit} KB)")


def too_many_shared_strings(limit: int) -> OverBudget:
    return OverBudget(
        "max_shared_strings",
        f"the workbook has more than {_n(limit)} shared strings; the limit is {_n(limit)} "
        f"({_SETTING}max_shared_strings)",
        f"สมุดงานมีข้อความร่วม (shared strings) เกิน {_n(limit)} รายการ ซึ่งเป็นขีดจำกัด "
        f"({_SETTING}max_shared_strings)")


def shared_strings_too_large(part: str, limit_bytes: int) -> OverBudget:
    limit = _n(limit_bytes // MB)
    return OverBudget(
        "max_shared_strings_mb",
        f"the workbook's shared strings ({part}) inflate to more than {limit} MB; the limit "
        f"is {limit} MB ({_SETTING}max_shared_strings_mb)",
        f"ข้อความร่วม (shared strings) ของสมุดงาน ({part}) มีขนาดเกิน {limit} MB "
        f"เมื่อคลายการบีบอัด ซึ่งเป็นขีดจำกัด ({_SETTING}max_shared_strings_mb)")


def too_many_sheets(limit: int) -> OverBudget:
    return OverBudget(
        "max_sheets",
        f"the workbook has more than {_n(limit)} sheets; the limit is {_n(limit)} "
        f"({_SETTING}max_sheets)",
        f"สมุดงานมีแผ่นงานเกิน {_n(limit)} แผ่น ซึ่งเป็นขีดจำกัด ({_SETTING}max_sheets)")


def too_wide(part: str, where_en: str, where_th: str, limit: int) -> OverBudget:
    return OverBudget(
        "max_columns",
        f"part {part} {where_en}, beyond the limit of {_n(limit)} columns "
        f"({_SETTING}max_columns)",
        f"ส่วน {part} {where_th} เกินขีดจำกัด {_n(limit)} คอลัมน์ ({_SETTING}max_columns)")


def too_many_sheet_rows(limit: int, declared: str = "", sheet: str = "") -> OverBudget:
    if sheet:
        return OverBudget("max_sheet_rows", f"sheet {sheet} has rows beyond row {_n(limit)}",
                          f"แผ่นงาน {sheet} มีแถวเลยแถวที่ {_n(limit)}")
    if declared:
        return OverBudget(
            "max_sheet_rows",
            f"a sheet declares the dimension {declared}, beyond the limit of {_n(limit)} rows",
            f"แผ่นงานระบุขนาด {declared} เกินขีดจำกัด {_n(limit)} แถว")
    return OverBudget(
        "max_sheet_rows",
        f"the sheets have more than {_n(limit)} rows together; the limit is {_n(limit)}",
        f"แผ่นงานทั้งหมดมีรวมกันเกิน {_n(limit)} แถว ซึ่งเป็นขีดจำกัด")


def too_many_cells(limit: int) -> OverBudget:
    return OverBudget(
        "max_cells",
        f"the sheets have more than {_n(limit)} cells together; the limit is {_n(limit)}",
        f"แผ่นงานทั้งหมดมีรวมกันเกิน {_n(limit)} เซลล์ ซึ่งเป็นขีดจำกัด")


def too_many_rows(limit: int, resources: bool = False) -> OverBudget:
    if resources:
        return OverBudget("max_resource_rows", f"more than {_n(limit)} resource rows (the limit)",
                          f"มีแถวทรัพยากรข้อมูลเกิน {_n(limit)} แถว ซึ่งเป็นขีดจำกัด")
    return OverBudget("max_rows", f"more than {_n(limit)} dataset rows (the limit)",
                      f"มีแถวชุดข้อมูลเกิน {_n(limit)} แถว ซึ่งเป็นขีดจำกัด")


def no_data_rows() -> WorkbookError:
    """A workbook in the layout with no dataset row (the empty template sent
    as it is): nothing to check or import, and what to fill in."""
    # row 5 holds the filling hints and is not read: a row typed over the
    # hints (the first row under the headers) is skipped with them
    return WorkbookError(
        "the workbook has no data rows: fill in one row per dataset from row 6 of a "
        "Temp2_Meta_* sheet, below the headers (row 4) and the hints (row 5, which is "
        "not read), then upload it again",
        "ไฟล์นี้ไม่มีแถวข้อมูล: กรอกชุดข้อมูลชุดละหนึ่งแถวตั้งแต่แถวที่ 6 ของแผ่นงาน "
        "Temp2_Meta_* ใต้หัวตาราง (แถวที่ 4) และแถวคำแนะนำ (แถวที่ 5 ซึ่งระบบไม่อ่าน) "
        "แล้วอัปโหลดอีกครั้ง")
