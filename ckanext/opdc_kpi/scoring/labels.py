"""Field labels (Thai, English) and the 14 mandatory items of the DGA standard."""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

_GEO = " (สำหรับชุดข้อมูลภูมิศาสตร์สารสนเทศ)"
_GEO_EN = " (geospatial datasets)"
_STAT = " (สำหรับชุดข้อมูลสถิติ)"
_STAT_EN = " (statistical datasets)"

_LABELS: dict[str, tuple[str, str]] = {
    # the 14 mandatory items (labels of the seed's table)
    "data_type": ("ประเภทข้อมูล", "Data type"),
    "title": ("ชื่อชุดข้อมูล", "Title"),
    "owner_org": ("องค์กร", "Organization"),
    "maintainer": ("ชื่อผู้ติดต่อ", "Contact name"),
    "maintainer_email": ("อีเมลผู้ติดต่อ", "Contact e-mail"),
    "tag_string": ("คำสำคัญ", "Keywords"),
    "notes": ("รายละเอียด", "Description"),
    "objective": ("วัตถุประสงค์", "Objective"),
    "update_frequency_unit": ("หน่วยความถี่ของการปรับปรุงข้อมูล", "Update frequency unit"),
    "update_frequency_interval": ("ค่าความถี่ของการปรับปรุงข้อมูล",
                                  "Update frequency interval"),
    "geo_coverage": ("ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่", "Geographic coverage"),
    "data_source": ("แหล่งที่มา", "Data source"),
    "data_format": ("รูปแบบการเก็บข้อมูล", "Data format"),
    "data_category": ("หมวดหมู่ข้อมูลตามธรรมาภิบาลข้อมูลภาครัฐ",
                      "Data category (government data governance)"),
    "license_id": ("สัญญาอนุญาตให้ใช้ข้อมูล", "Licence"),
    # their "other" texts
    "data_type_other": ("ประเภทข้อมูลอื่นๆ (ระบุ)", "Other data type"),
    "objective_other": ("วัตถุประสงค์อื่นๆ (ระบุ)", "Other objective"),
    "update_frequency_unit_other": ("หน่วยความถี่อื่นๆ (ระบุ)", "Other update frequency unit"),
    "geo_coverage_other": ("ขอบเขตเชิงภูมิศาสตร์อื่นๆ (ระบุ)", "Other geographic coverage"),
    "data_format_other": ("รูปแบบการเก็บข้อมูลอื่นๆ (ระบุ)", "Other data format"),
    "license_id_other": ("สัญญาอนุญาตอื่นๆ (ระบุ)", "Other licence"),
    # the other fields of the agency extension (2.1.0 order)
    "name": ("ชื่อ URL ของชุดข้อมูล", "URL name"),
    "allow_harvest": ("ยินยอมให้นำชื่อชุดข้อมูลไปใช้ที่ GD-Catalog",
                      "Allow the GD Catalog to list this dataset"),
    "reference_url_catalog": ("อ้างอิง URL Catalog", "Reference catalog URL"),
    "accessible_condition": ("เงื่อนไขในการเข้าถึงข้อมูล", "Access conditions"),
    "data_support": ("ผู้สนับสนุนหรือผู้ร่วมดำเนินการ", "Supporter or partner"),
    "data_support_other": ("ผู้สนับสนุนอื่นๆ (ระบุ)", "Other supporter"),
    "data_collect": ("หน่วยที่ย่อยที่สุดของการจัดเก็บข้อมูล", "Smallest unit of collection"),
    "data_collect_other": ("หน่วยการจัดเก็บอื่นๆ (ระบุ)", "Other unit of collection"),
    "url": ("URL", "URL"),
    "data_language": ("ภาษาที่ใช้", "Language"),
    "data_language_other": ("ภาษาอื่นๆ (ระบุ)", "Other language"),
    "created_date": ("วันที่เริ่มต้นสร้าง", "Created"),
    "last_updated_date": ("วันที่ปรับปรุงข้อมูลล่าสุด", "Last updated"),
    "data_release_calendar": ("วันที่กำหนดเผยแพร่ข้อมูล", "Release calendar"),
    "first_year_of_data": ("ปีข้อมูลที่เริ่มต้นจัดทำ" + _STAT, "First year of data" + _STAT_EN),
    "last_year_of_data": ("ปีข้อมูลล่าสุดที่เผยแพร่" + _STAT,
                          "Latest year of data published" + _STAT_EN),
    "disaggregate": ("การจัดจำแนก" + _STAT, "Disaggregation" + _STAT_EN),
    "disaggregate_other": ("การจัดจำแนกอื่นๆ (ระบุ)", "Other disaggregation"),
    "unit_of_measure": ("หน่วยวัด" + _STAT, "Unit of measure" + _STAT_EN),
    "unit_of_multiplier": ("หน่วยตัวคูณ" + _STAT, "Unit multiplier" + _STAT_EN),
    "unit_of_multiplier_other": ("หน่วยตัวคูณอื่นๆ (ระบุ)", "Other unit multiplier"),
    "calculation_method": ("วิธีการคำนวณ" + _STAT, "Calculation method" + _STAT_EN),
    "standard": ("มาตรฐานการจัดทำข้อมูล" + _STAT, "Data standard" + _STAT_EN),
    "geographic_data_set": ("ชุดข้อมูลภูมิศาสตร์" + _GEO, "Geographic data set" + _GEO_EN),
    "equivalent_scale": ("มาตราส่วน" + _GEO, "Scale" + _GEO_EN),
    "equivalent_scale_other": ("มาตราส่วนอื่นๆ (ระบุ)", "Other scale"),
    "west_bound_longitude": ("ค่าพิกัดกรอบพื้นที่ด้านทิศตะวันตก" + _GEO,
                             "West bounding longitude" + _GEO_EN),
    "east_bound_longitude": ("ค่าพิกัดกรอบพื้นที่ด้านทิศตะวันออก" + _GEO,
                             "East bounding longitude" + _GEO_EN),
    "north_bound_longitude": ("ค่าพิกัดกรอบพื้นที่ด้านทิศเหนือ" + _GEO,
                              "North bounding latitude" + _GEO_EN),
    "south_bound_longitude": ("ค่าพิกัดกรอบพื้นที่ด้านทิศใต้" + _GEO,
                              "South bounding latitude" + _GEO_EN),
    "positional_accuracy": ("ความถูกต้องของตำแหน่ง" + _GEO, "Positional accuracy" + _GEO_EN),
    "reference_period": ("เวลาอ้างอิง" + _GEO, "Reference period" + _GEO_EN),
    "data_release_date": ("วันที่เผยแพร่ข้อมูล" + _GEO, "Release date" + _GEO_EN),
    "high_value_dataset": ("ชุดข้อมูลที่มีคุณค่าสูง", "High-value dataset"),
    "reference_data": ("ข้อมูลอ้างอิง", "Reference data"),
    "official_statistics": ("สถิติทางการ", "Official statistics"),
    "data_classification": ("ระดับชั้นข้อมูล", "Data classification"),
    # fields this extension adds (api.md)
    "focus_area": ("ประเด็นมุ่งเน้น (Focus Area)", "Focus area"),
    "mission": ("ภารกิจ", "Mission"),
    "work_process": ("กระบวนการทำงานหลัก", "Main work process"),
    "sub_process": ("กระบวนการทำงานย่อย", "Sub-process"),
    "kpi_years": ("ปีงบประมาณที่ประเมินตัวชี้วัด", "KPI fiscal years"),
    "single_source_of_truth": ("แหล่งข้อมูลต้นทางที่ถูกต้องเชื่อถือได้ (Single Source of Truth)",
                               "Single source of truth"),
    "use_case_url": ("URL หลักฐานการนำข้อมูลไปใช้ประโยชน์", "Use case URL"),
    "use_case_description": ("รายละเอียดการนำข้อมูลไปใช้ประโยชน์", "Use case description"),
    # organization fields (Template 1)
    "focus_areas": ("Focus Area ที่เกี่ยวข้อง", "Focus areas"),
    "focus_issue": ("ประเด็นการดำเนินงานภายใต้ Focus Area", "Issue under the focus area"),
    "data_use_goal": ("เป้าหมายการนำชุดข้อมูลไปใช้ประโยชน์", "Goal of using the datasets"),
    "expected_users": ("หน่วยงานที่คาดว่าจะนำชุดข้อมูลไปใช้ประโยชน์",
                       "Organizations expected to use the datasets"),
    "catalog_url": ("URL ระบบบัญชีข้อมูลของหน่วยงาน", "Agency data catalog URL"),
    # resources
    "resources": ("ทรัพยากร", "Resources"),
    "description": ("รายละเอียด", "Description"),
    "format": ("นามสกุลของไฟล์", "File format"),
    "resource_accessible_condition": ("เงื่อนไขในการเข้าถึงข้อมูล", "Access conditions"),
    "resource_last_updated_date": ("วันที่ปรับปรุงข้อมูลล่าสุด", "Last updated"),
    "resource_created_date": ("วันที่เริ่มต้นสร้าง", "Created"),
    "resource_data_collect": ("หน่วยที่ย่อยที่สุดของการจัดเก็บข้อมูล",
                              "Smallest unit of collection"),
    "resource_data_collect_other": ("หน่วยการจัดเก็บอื่นๆ (ระบุ)", "Other unit of collection"),
    "resource_first_year_of_data": ("ปีข้อมูลที่เริ่มต้นจัดทำ", "First year of data"),
    "resource_last_year_of_data": ("ปีข้อมูลล่าสุดที่เผยแพร่", "Latest year of data published"),
    "resource_disaggregate": ("การจัดจำแนก", "Disaggregation"),
    "resource_disaggregate_other": ("การจัดจำแนกอื่นๆ (ระบุ)", "Other disaggregation"),
    "resource_unit_of_measure": ("หน่วยวัด", "Unit of measure"),
    "resource_unit_of_multiplier": ("หน่วยตัวคูณ", "Unit multiplier"),
    "resource_unit_of_multiplier_other": ("หน่วยตัวคูณอื่นๆ (ระบุ)", "Other unit multiplier"),
    "resource_geographic_data_set": ("ชุดข้อมูลภูมิศาสตร์", "Geographic data set"),
    "resource_equivalent_scale": ("มาตราส่วน", "Scale"),
    "resource_equivalent_scale_other": ("มาตราส่วนอื่นๆ (ระบุ)", "Other scale"),
    "resource_positional_accuracy": ("ความถูกต้องของตำแหน่ง", "Positional accuracy"),
    "resource_data_release_calendar": ("วันที่กำหนดเผยแพร่ข้อมูล", "Release calendar"),
    "resource_official_statistics": ("สถิติทางการ", "Official statistics"),
    "resource_data_release_date": ("วันที่เผยแพร่ข้อมูล", "Release date"),
}

#: field name -> (Thai label, English label). Dataset fields win where a
#: resource field has the same name (``name``, ``url``): see RESOURCE_FIELD_LABELS.
FIELD_LABELS: Mapping[str, tuple[str, str]] = MappingProxyType(_LABELS)

#: Labels of the resource fields whose names a dataset field also uses.
RESOURCE_FIELD_LABELS: Mapping[str, tuple[str, str]] = MappingProxyType({
    **{k: v for k, v in _LABELS.items() if k.startswith("resource_")},
    "name": ("ชื่อ", "Name"),
    "url": ("URL", "URL"),
    "description": ("รายละเอียด", "Description"),
    "format": ("นามสกุลของไฟล์", "File format"),
})

#: The 14 mandatory items of the DGA standard: (item number, its field names).
MANDATORY_ITEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("1", ("data_type",)),
    ("2", ("title",)),
    ("3", ("owner_org",)),
    ("4", ("maintainer",)),
    ("5", ("maintainer_email",)),
    ("6", ("tag_string",)),
    ("7", ("notes",)),
    ("8", ("objective",)),
    ("9", ("update_frequency_unit", "update_frequency_interval")),
    ("10", ("geo_coverage",)),
    ("11", ("data_source",)),
    ("12", ("data_format",)),
    ("13", ("data_category",)),
    ("14", ("license_id",)),
)

#: Every field a mandatory problem can name (the items, their "other" texts).
MANDATORY_FIELDS: frozenset[str] = frozenset(
    [f for _, fields in MANDATORY_ITEMS for f in fields]
    + ["data_type_other", "objective_other", "update_frequency_unit_other",
       "geo_coverage_other", "data_format_other", "license_id_other"])


def field_label(field: str, lang: str = "th") -> str:
    """A field's label in ``lang`` ("th", else English); the name when unknown."""
    labels = FIELD_LABELS.get(field) if isinstance(field, str) else None
    if not labels:
        return str(field)
    return labels[0] if lang == "th" else labels[1]


def item_of(field: str) -> str | None:
    """The mandatory item number ("1".."14") a field belongs to, or None."""
    if not isinstance(field, str):
        return None
    base = field[:-len("_other")] if field.endswith("_other") else field
    for number, fields in MANDATORY_ITEMS:
        if base in fields:
            return number
    return None
