"""Messages of every problem and reason code, in Thai ("th") and English
(any other language falls back to English).

``message(code, lang, **params)``: ``params["field"]`` (and
``params["choice_field"]``) are field names, shown as their label in
``lang``. Each code has templates from the most to the least specific; the
first whose placeholders are all given is used, so a caller with fewer
params still gets a sentence. Never raises.
"""
from __future__ import annotations

import string
from typing import Any

from ckanext.opdc_kpi.scoring.labels import FIELD_LABELS, RESOURCE_FIELD_LABELS

_T = dict[str, tuple[str, ...]]

MESSAGES: dict[str, _T] = {
    # --- problems of a dataset -------------------------------------------
    "required": {
        "th": ("กรุณาระบุ {label}", "กรุณาระบุข้อมูลนี้"),
        "en": ("{label} is required", "This field is required"),
    },
    "not_text": {
        "th": ("{label}: ต้องเป็นข้อความ", "ต้องเป็นข้อความ"),
        "en": ("{label} must be text", "Must be text"),
    },
    "too_long": {"th": ("{label}: ยาวเกินไป (ไม่เกิน {max} ตัวอักษร)",),
                 "en": ("{label} is too long (at most {max} characters)",)}, "not_a_list": {
        "th": ("{label}: ต้องเป็นรายการของค่าที่เลือก", "ต้องเป็นรายการของค่าที่เลือก"),
        "en": ("{label} must be a list of values", "Must be a list of values"),
    },
    "invalid_choice": {
        "th": ("{label}: “{value}” ไม่อยู่ในรายการที่กำหนด",
               "“{value}” ไม่อยู่ในรายการที่กำหนด", "ค่าที่เลือกไม่อยู่ในรายการที่กำหนด"),
        "en": ("{label}: “{value}” is not one of the allowed values",
               "“{value}” is not one of the allowed values", "Choose a value from the list"),
    },
    "other_required": {
        "th": ("เลือก “{choice}” ใน {choice_label} แล้ว กรุณาระบุ {label}", "กรุณาระบุ {label}"),
        "en": ("{choice_label} is “{choice}”: please fill in {label}",
               "Please fill in {label}"),
    },
    "invalid_email": {
        "th": ("{label}: “{value}” ไม่ใช่อีเมลที่ถูกต้อง", "อีเมลไม่ถูกต้อง"),
        "en": ("{label}: “{value}” is not a valid e-mail address",
               "Not a valid e-mail address"),
    },
    "not_positive_int": {
        "th": ("{label}: ต้องเป็นจำนวนเต็มบวก (เช่น 1, 2, 10) หรือเว้นว่าง",
               "ต้องเป็นจำนวนเต็มบวก (เช่น 1, 2, 10) หรือเว้นว่าง"),
        "en": ("{label} must be a positive whole number (e.g. 1, 2, 10) or blank",
               "Must be a positive whole number (e.g. 1, 2, 10) or blank"),
    },
    "keyword_required": {
        "th": ("กรุณาระบุ คำสำคัญ อย่างน้อย 1 คำ",),
        "en": ("Add at least one keyword",),
    },
    "keyword_not_text": {
        "th": ("คำสำคัญต้องเป็นข้อความ",),
        "en": ("A keyword must be text",),
    },
    "keyword_too_short": {
        "th": ("คำสำคัญ “{keyword}” สั้นเกินไป (อย่างน้อย {min} ตัวอักษร)",
               "คำสำคัญสั้นเกินไป (อย่างน้อย 2 ตัวอักษร)"),
        "en": ("Keyword “{keyword}” is too short (at least {min} characters)",
               "Keyword is too short (at least 2 characters)"),
    },
    "keyword_too_long": {
        "th": ("คำสำคัญ “{keyword}” ยาวเกินไป (ไม่เกิน {max} ตัวอักษร)",
               "คำสำคัญยาวเกินไป (ไม่เกิน 100 ตัวอักษร)"),
        "en": ("Keyword “{keyword}” is too long (at most {max} characters)",
               "Keyword is too long (at most 100 characters)"),
    },
    "keyword_invalid_char": {
        "th": ("คำสำคัญ “{keyword}” มีอักขระ “{char}” ที่ใช้ไม่ได้ (ใช้ได้เฉพาะตัวอักษร ตัวเลข "
               "ช่องว่าง - _ . และคั่นแต่ละคำด้วยจุลภาค)",
               "คำสำคัญมีอักขระที่ใช้ไม่ได้ (ใช้ได้เฉพาะตัวอักษร ตัวเลข ช่องว่าง - _ . "
               "และคั่นแต่ละคำด้วยจุลภาค)"),
        "en": ("Keyword “{keyword}” contains “{char}”, which is not allowed (letters, digits, "
               "space, - _ . only; separate keywords with commas)",
               "The keyword contains a character that is not allowed (letters, digits, "
               "space, - _ . only; separate keywords with commas)"),
    },
    "open_license_not_public": {
        "th": ("{label}: “{license}” เป็นสัญญาอนุญาตแบบเปิด ใช้ได้กับข้อมูลสาธารณะเท่านั้น "
               "(หมวดหมู่ของชุดข้อมูลนี้คือ “{category}”)",
               "สัญญาอนุญาตแบบเปิดใช้ได้กับข้อมูลสาธารณะเท่านั้น"),
        "en": ("{label}: “{license}” is an open licence, allowed for public data only "
               "(this dataset's category is “{category}”)",
               "An open licence is allowed for public data only"),
    },
    "invalid_focus_area": {
        "th": ("{label}: “{value}” ไม่ใช่ Focus Area ที่กำหนด (10 ด้าน)",
               "“{value}” ไม่ใช่ Focus Area ที่กำหนด (10 ด้าน)",
               "ไม่ใช่ Focus Area ที่กำหนด (10 ด้าน)"),
        "en": ("{label}: “{value}” is not one of the 10 focus areas",
               "“{value}” is not one of the 10 focus areas",
               "Not one of the 10 focus areas"),
    },
    "focus_vocabulary_missing": {
        "th": ("{label}: ยังไม่มีคำศัพท์ Focus Area ในฐานข้อมูล (ผู้ดูแลระบบ: ckan db upgrade -p opdc_kpi)",),
        "en": ("{label}: the focus-area vocabulary is missing (site admin: run "
               "ckan db upgrade -p opdc_kpi)",),
    },
    "invalid_kpi_year": {
        "th": ("{label}: “{value}” ไม่ใช่ปีงบประมาณ (พ.ศ. เช่น 2565)",
               "ไม่ใช่ปีงบประมาณ (พ.ศ. เช่น 2565)"),
        "en": ("{label}: “{value}” is not a fiscal year (Buddhist era, e.g. 2565)",
               "Not a fiscal year (Buddhist era, e.g. 2565)"),
    },
    "implausible_kpi_year": {
        "th": ("{label}: ปีงบประมาณ {year} ต้องอยู่ระหว่าง พ.ศ. {min} ถึง {max}",
               "ปีงบประมาณไม่อยู่ในช่วงที่เป็นไปได้"),
        "en": ("{label}: fiscal year {year} must be from {min} to {max} (Buddhist era)",
               "The fiscal year is out of range"),
    },
    "classification_not_open": {
        "th": ("{label}: ข้อมูลสาธารณะต้องมีระดับชั้นข้อมูล “เปิดเผย” (ไม่ใช่ “{value}”)",
               "ข้อมูลสาธารณะต้องมีระดับชั้นข้อมูล “เปิดเผย”"),
        "en": ("{label}: public data must be classified “เปิดเผย” (open), not “{value}”",
               "Public data must be classified “เปิดเผย” (open)"),
    },
    "invalid_url": {
        "th": ("{label}: กรุณาระบุ URL แบบเต็มที่ขึ้นต้นด้วย http:// หรือ https://",
               "กรุณาระบุ URL แบบเต็มที่ขึ้นต้นด้วย http:// หรือ https://"),
        "en": ("{label}: enter a full URL starting with http:// or https://",
               "Enter a full URL starting with http:// or https://"),
    },
    "invalid_date": {
        "th": ("{label}: วันที่ไม่ถูกต้อง (รูปแบบ YYYY-MM-DD)",
               "วันที่ไม่ถูกต้อง (รูปแบบ YYYY-MM-DD)"),
        "en": ("{label} is not a valid date (YYYY-MM-DD)", "Not a valid date (YYYY-MM-DD)"),
    },
    "resource_invalid_choice": {
        "th": ("ทรัพยากรที่ {resource}: {label}: “{value}” ไม่อยู่ในรายการที่กำหนด",
               "ทรัพยากร: ค่าที่เลือกไม่อยู่ในรายการที่กำหนด"),
        "en": ("Resource {resource}: {label}: “{value}” is not one of the allowed values",
               "Resource: a value is not one of the allowed values"),
    },
    "resource_other_required": {
        "th": ("ทรัพยากรที่ {resource}: เลือก “อื่นๆ” ใน {choice_label} แล้ว กรุณาระบุ {label}",
               "ทรัพยากร: กรุณาระบุ {label}"),
        "en": ("Resource {resource}: {choice_label} is “อื่นๆ” (other): please fill in {label}",
               "Resource: please fill in {label}"),
    },
    "check_failed": {
        "th": ("ตรวจสอบข้อมูลไม่สำเร็จ ({error})", "ตรวจสอบข้อมูลไม่สำเร็จ"),
        "en": ("The check could not be completed ({error})", "The check could not be completed"),
    },
    # --- reasons: basic ----------------------------------------------------
    "basic_passed": {
        "th": ("ผ่านขั้นต้น: หน่วยงานเลือก Focus Area {focus_areas} ด้าน และมีชุดข้อมูลในตะกร้า "
               "{datasets} ชุดที่ระบุภารกิจและกระบวนการทำงานหลัก",),
        "en": ("Basic level passed: the organization declares {focus_areas} focus area(s) and "
               "{datasets} basket dataset(s) name a mission and a main work process",),
    },
    "no_focus_area": {
        "th": ("หน่วยงานยังไม่ได้เลือก Focus Area อย่างน้อย 1 ด้าน (จาก 10 ด้าน)",),
        "en": ("The organization declares none of the 10 focus areas",),
    },
    "basket_empty": {
        "th": ("ไม่มีชุดข้อมูลในตะกร้าปีงบประมาณ {fiscal_year} (ชุดข้อมูลที่ใช้งานอยู่ ระบุปี "
               "{fiscal_year} ในปีงบประมาณที่ประเมินตัวชี้วัด และอยู่ใน Focus Area ของหน่วยงาน)",),
        "en": ("No dataset in the fiscal year {fiscal_year} basket (active datasets with "
               "{fiscal_year} in their KPI fiscal years, under one of the organization's "
               "focus areas)",),
    },
    "no_mission_work_process": {
        "th": ("ไม่มีชุดข้อมูลในตะกร้าที่ระบุทั้งภารกิจและกระบวนการทำงานหลัก",),
        "en": ("No basket dataset names both a mission and a main work process",),
    },
    "basic_failed": {
        "th": ("ไม่ผ่านขั้นต้น จึงไม่นับคะแนนส่วนนี้",),
        "en": ("The basic level failed, so this part counts 0",),
    },
    # --- reasons: standard ---------------------------------------------------
    "metadata_complete": {
        "th": ("ชุดข้อมูลที่มีคำอธิบายข้อมูลครบ 14 รายการ {complete} จาก {total} ชุด: "
               "15 × {complete}/{total} = {points} คะแนน",),
        "en": ("{complete} of {total} basket datasets have all 14 metadata items given and "
               "valid: 15 × {complete}/{total} = {points} points",),
    },
    "metadata_empty_basket": {
        "th": ("ไม่มีชุดข้อมูลในตะกร้า: 0 คะแนน",),
        "en": ("No basket datasets: 0 points",),
    },
    "catalog_url_ok": {
        "th": ("มีระบบบัญชีข้อมูลของหน่วยงาน: {url}",),
        "en": ("The organization's data catalog: {url}",),
    },
    "catalog_url_missing": {
        "th": ("ไม่ได้ระบุ URL ระบบบัญชีข้อมูลของหน่วยงาน",),
        "en": ("No data catalog URL is set",),
    },
    "catalog_url_invalid": {
        "th": ("URL ระบบบัญชีข้อมูล “{url}” ไม่ใช่ URL แบบเต็มที่ขึ้นต้นด้วย "
               "http:// หรือ https://",),
        "en": ("The catalog URL “{url}” is not a full http:// or https:// URL",),
    },
    # --- reasons: advanced ---------------------------------------------------
    "openness_mean": {
        "th": ("ค่าเฉลี่ยคะแนนการเปิดเผยข้อมูลของชุดข้อมูลหมวดหมู่ข้อมูลสาธารณะ {public} ชุด "
               "(เผยแพร่แล้ว {published} ชุด): {points} คะแนน",),
        "en": ("Mean openness of {public} public-category dataset(s) ({published} published): "
               "{points} points",),
    },
    "openness_no_public": {
        "th": ("ไม่มีชุดข้อมูลหมวดหมู่ข้อมูลสาธารณะ: 0 คะแนน",),
        "en": ("No public-category datasets: 0 points",),
    },
    "use_evidence": {
        "th": ("มีหลักฐานการนำข้อมูลไปใช้ประโยชน์: ชุดข้อมูล “{dataset}” ({url})",),
        "en": ("Evidence of use: dataset “{dataset}” ({url})",),
    },
    "use_no_evidence": {
        "th": ("ไม่มีชุดข้อมูลสาธารณะที่ไม่เป็นแบบส่วนตัวในตะกร้าที่ระบุ URL "
               "และรายละเอียดการนำข้อมูลไปใช้ประโยชน์",),
        "en": ("No public-category, non-private basket dataset has a use case URL and "
               "description",),
    },
    # --- reasons: openness of one dataset -------------------------------------
    "not_published_private": {
        "th": ("ชุดข้อมูลเป็นแบบส่วนตัว (private) จึงยังไม่เผยแพร่",),
        "en": ("The dataset is private, so it is not published",),
    },
    "not_published_no_url": {
        "th": ("ไม่มีทรัพยากรที่มี URL จึงยังไม่เผยแพร่",),
        "en": ("No resource has a URL, so the dataset is not published",),
    },
    "access_file": {
        "th": ("มีไฟล์ข้อมูลให้เข้าถึง แต่ยังไม่ได้กำหนดเป็นแหล่งข้อมูลต้นทางที่ถูกต้องเชื่อถือได้ "
               "(single source of truth)",),
        "en": ("A resource is available but not declared the single source of truth",),
    },
    "access_single_source": {
        "th": ("ไฟล์ข้อมูลมีลิงก์ที่ชัดเจน และกำหนดเป็นแหล่งข้อมูลต้นทางที่ถูกต้องเชื่อถือได้ "
               "(single source of truth)",),
        "en": ("A resource link declared the single source of truth",),
    },
    "access_api": {
        "th": ("เป็นแหล่งข้อมูลต้นทาง และเข้าถึงผ่าน API โดยระบุเงื่อนไขได้ (DataStore หรือ API)",),
        "en": ("Single source of truth, queryable by API with conditions (DataStore or API "
               "resource)",),
    },
    "granularity_published": {
        "th": ("ข้อมูลภาพรวม (หน่วยความถี่ “{unit}”, ขอบเขตเชิงพื้นที่ “{geo}”)",),
        "en": ("Summary data (update unit “{unit}”, geographic coverage “{geo}”)",),
    },
    "granularity_detailed": {
        "th": ("ข้อมูลมีรายละเอียด (หน่วยความถี่ “{unit}”, ขอบเขตเชิงพื้นที่ “{geo}”)",),
        "en": ("Detailed data (update unit “{unit}”, geographic coverage “{geo}”)",),
    },
    "granularity_automatic": {
        "th": ("ข้อมูลมีรายละเอียด และเข้าถึงข้อมูลล่าสุดได้ทันทีที่ต้นทางปรับปรุง "
               "(ตามเวลาจริง หรือ DataStore/API)",),
        "en": ("Detailed data, updated automatically (real time, or a DataStore/API resource)",),
    },
    "format_open": {
        "th": ("รูปแบบไฟล์เปิดที่ใช้ได้กับซอฟต์แวร์ทั่วไป: {formats}",),
        "en": ("Open format readable by common software: {formats}",),
    },
    "format_machine_readable": {
        "th": ("รูปแบบที่เครื่องอ่านได้ (machine readable) แต่ไม่เปิด: {formats}",),
        "en": ("Machine-readable but closed format: {formats}",),
    },
    "format_document": {
        "th": ("รูปแบบเอกสารประกอบรายงาน: {formats}",),
        "en": ("Report document format: {formats}",),
    },
    "format_unknown": {
        "th": ("ไม่มีทรัพยากรในรูปแบบที่รู้จัก",),
        "en": ("No resource in a known format",),
    },
    "tier_structured": {
        "th": ("ข้อมูลมีโครงสร้าง: ระดับ = ค่า{rule}ของการเข้าถึง ({access}) ความละเอียด "
               "({granularity}) และรูปแบบ ({format}) = {tier}",),
        "en": ("Structured data: tier = the {rule} of access ({access}), granularity "
               "({granularity}) and format ({format}) = {tier}",),
    },
    "tier_unstructured": {
        "th": ("ข้อมูลไม่มีโครงสร้าง (เอกสาร) ที่สืบค้นเนื้อความได้: "
               "ระดับ = ระดับการเข้าถึง = {tier}",),
        "en": ("Unstructured data (documents) with searchable text: tier = access tier = "
               "{tier}",),
    },
    "tier_no_known_format": {
        "th": ("ไม่มีทรัพยากรในรูปแบบที่รู้จัก: ระดับ 0",),
        "en": ("No resource in a known format: tier 0",),
    },
    # --- reasons: assessors' confirmations and overrides ----------------------
    "tier_scanned_image": {
        "th": ("ผู้ประเมินบันทึกว่าไฟล์เป็นภาพสแกนที่สืบค้นเนื้อความไม่ได้: ระดับ 0",),
        "en": ("An assessor recorded the files as scanned images without searchable text: "
               "tier 0",),
    },
    "assessor_tier": {
        "th": ("ผู้ประเมินกำหนดระดับ {tier}",),
        "en": ("Set to tier {tier} by an assessor",),
    },
    "assessor_override": {
        "th": ("ผู้ประเมิน {user} กำหนด “{criterion}” เป็น {value} (ค่าจากระบบ: {computed}): "
               "{note}", "ผู้ประเมินกำหนด “{criterion}” เป็น {value}", "ผู้ประเมินกำหนดค่านี้"),
        "en": ("Assessor {user} set “{criterion}” to {value} (computed: {computed}): {note}",
               "An assessor set “{criterion}” to {value}", "Set by an assessor"),
    },
    "assessor_confirmed": {
        "th": ("ผู้ประเมิน {user} ยืนยัน “{criterion}”: {value}",
               "ผู้ประเมินยืนยันผลนี้"),
        "en": ("Assessor {user} confirmed “{criterion}”: {value}",
               "An assessor confirmed this result"),
    },
}

#: words a message fills in, per language
_WORDS = {
    "th": {"min": "ต่ำสุด", "max": "สูงสุด"},
    "en": {"min": "lowest", "max": "highest"},
}

_FORMATTER = string.Formatter()


def language(lang: Any) -> str:
    """"th" for Thai (th, th_TH, th-TH), else "en"."""
    return "th" if isinstance(lang, str) and lang.lower().startswith("th") else "en"


def _label(field: Any, lang: str, resource: bool) -> str:
    if not isinstance(field, str):
        return str(field)
    labels = (RESOURCE_FIELD_LABELS.get(field) if resource else None) or FIELD_LABELS.get(field)
    if not labels:
        return field
    return labels[0] if lang == "th" else labels[1]


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name}


_MESSAGES_SEEN: dict[tuple, str] = {}


def message(code: str, lang: str = "th", **params: Any) -> str:
    """The message of a problem or reason ``code`` in ``lang`` (remembered
    per distinct code, language and parameters: reports repeat them)."""
    try:
        key = (code, lang, tuple(sorted(params.items())))
        known = _MESSAGES_SEEN.get(key)
    except TypeError:  # an unhashable or unorderable parameter
        return _message(code, lang, params)
    if known is None:
        known = _message(code, lang, params)
        if len(_MESSAGES_SEEN) >= 20000:
            _MESSAGES_SEEN.clear()
        _MESSAGES_SEEN[key] = known
    return known


def _message(code: str, lang: str, params: dict[str, Any]) -> str:
    lang = language(lang)
    templates = MESSAGES.get(code, {}).get(lang)
    if not templates:
        return str(code)
    values = {k: ("" if v is None else v) for k, v in params.items()}
    resource = "resource" in params
    if "field" in params:
        values["label"] = _label(params["field"], lang, resource)
    if "choice_field" in params:
        values["choice_label"] = _label(params["choice_field"], lang, resource)
    if code == "tier_structured" and params.get("rule") in _WORDS[lang]:
        values["rule"] = _WORDS[lang][params["rule"]]
    for template in templates:
        if _placeholders(template) <= values.keys():
            try:
                return template.format(**values)
            except (KeyError, IndexError, ValueError, AttributeError, TypeError):
                continue
    return templates[-1] if not _placeholders(templates[-1]) else str(code)


def problem_message(problem: Any, lang: str = "th") -> str:
    """The message of a ``Problem`` in ``lang``."""
    return message(problem.code, lang, **dict(problem.params or {}))


def codes() -> frozenset[str]:
    """Every code with a message."""
    return frozenset(MESSAGES)


def _merge_harvest_messages() -> None:
    from ckanext.opdc_kpi.scoring.harvest_messages import HARVEST_MESSAGES

    MESSAGES.update(HARVEST_MESSAGES)


_merge_harvest_messages()
