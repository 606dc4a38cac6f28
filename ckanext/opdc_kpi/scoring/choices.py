"""The DGA metadata standard's choice lists, as data.

Stored values are byte-identical to the agency extension (ckanext-thai_gdc
2.1.0, the canonical list) so existing agency data and the GD Catalog
harvester keep working; each value has a Thai and an English label. Values
that 2.1.0 does not list but that must be accepted (the 2.2.4 additions, and
``DGA Open Government License`` from the seed's own example) are in the same
tuples, after the canonical ones, with ``added=True``.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping


@dataclass(frozen=True)
class Choice:
    """One value of a choice list: the stored ``value`` and its labels.

    ``added`` marks a value accepted beyond the canonical 2.1.0 list.
    """

    value: str
    th: str
    en: str
    added: bool = False


OTHER = "อื่นๆ"
OTHER_DATA_TYPE = "ข้อมูลประเภทอื่นๆ"
UNKNOWN = "ไม่ทราบ"
PUBLIC_CATEGORY = "ข้อมูลสาธารณะ"
OPEN_CLASSIFICATION = "เปิดเผย"


def _same(value: str, en: str | None = None) -> Choice:
    """A value whose Thai label is the value itself."""
    return Choice(value, value, en if en is not None else value)


_OTHER = Choice(OTHER, OTHER, "Other")
_UNKNOWN = Choice(UNKNOWN, UNKNOWN, "Unknown")
_NONE = Choice("ไม่มี", "ไม่มี", "None")

FOCUS_AREAS: tuple[Choice, ...] = (
    Choice("economy", "ด้านเศรษฐกิจ อุตสาหกรรม SME", "Economy, industry and SMEs"),
    Choice("agriculture", "ด้านการเกษตร", "Agriculture"),
    Choice("tourism", "ด้านท่องเที่ยว", "Tourism"),
    Choice("income-employment", "ด้านการมีรายได้และการมีงานทำ", "Income and employment"),
    Choice("welfare-equality", "ด้านความเหลื่อมล้ำทางสิทธิสวัสดิการประชาชน",
           "Inequality in citizens' welfare rights"),
    Choice("health", "ด้านสุขภาพและการสาธารณสุข", "Health and public health"),
    Choice("education", "ด้านการศึกษา", "Education"),
    Choice("environment", "ด้านสิ่งแวดล้อม", "Environment"),
    Choice("public-administration", "ด้านการบริหารจัดการภาครัฐ", "Public administration"),
    Choice("security", "ด้านความมั่นคง", "Security"),
)
FOCUS_AREA_CODES: tuple[str, ...] = tuple(c.value for c in FOCUS_AREAS)

_DATA_TYPE = (
    _same("ข้อมูลระเบียน", "Record data"),
    _same("ข้อมูลสถิติ", "Statistical data"),
    _same("ข้อมูลภูมิสารสนเทศเชิงพื้นที่", "Geospatial data"),
    _same("ข้อมูลหลากหลายประเภท", "Multiple types of data"),
    _same(OTHER_DATA_TYPE, "Other type of data"),
)

#: Fields the agency extension's form shows only for some data types (they
#: stay optional for every type): group → the data types it is shown for.
DATA_TYPE_GROUPS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "statistics": ("ข้อมูลสถิติ", "ข้อมูลหลากหลายประเภท"),
    "geospatial": ("ข้อมูลภูมิสารสนเทศเชิงพื้นที่", "ข้อมูลหลากหลายประเภท"),
})

_YES_NO = (Choice("False", "ไม่ใช่", "No"), Choice("True", "ใช่", "Yes"))

_ALLOW_HARVEST = (Choice("False", "ไม่ยินยอม", "No"), Choice("True", "ยินยอม", "Yes"))

_OBJECTIVE = (
    _same("ยุทธศาสตร์ชาติ", "National Strategy"),
    _same("แผนพัฒนาเศรษฐกิจและสังคมแห่งชาติ", "National Economic and Social Development Plan"),
    _same("แผนความมั่นคงแห่งชาติ", "National Security Plan"),
    _same("แผนแม่บทภายใต้ยุทธศาสตร์ชาติ", "Master Plans under the National Strategy"),
    _same("แผนปฏิรูปประเทศ", "National Reform Plans"),
    _same("แผนระดับที่ 3 (มติครม. 4 ธ.ค. 2560)",
          "Level 3 plans (Cabinet resolution of 4 Dec 2017)"),
    _same("นโยบายรัฐบาล/ข้อสั่งการนายกรัฐมนตรี", "Government policy / Prime Minister's orders"),
    _same("มติคณะรัฐมนตรี", "Cabinet resolutions"),
    _same("เพื่อการให้บริการประชาชน", "Public service delivery"),
    _same("กฎหมายที่เกี่ยวข้อง", "Related legislation"),
    _same("พันธกิจหน่วยงาน", "Agency mission"),
    _same("ดัชนี/ตัวชี้วัดระดับนานาชาติ", "International indices / indicators"),
    _UNKNOWN,
    _OTHER,
)

_UPDATE_FREQUENCY_UNIT = (
    _UNKNOWN,
    _same("ปี", "Year"),
    _same("ครึ่งปี", "Half year"),
    _same("ไตรมาส", "Quarter"),
    _same("เดือน", "Month"),
    _same("สัปดาห์", "Week"),
    _same("วัน", "Day"),
    _same("วันทำการ", "Working day"),
    _same("ชั่วโมง", "Hour"),
    _same("นาที", "Minute"),
    _same("ตามเวลาจริง", "Real time"),
    _same("ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล", "Not updated after collection"),
    _OTHER,
)

_GEO_COVERAGE = (
    _NONE,
    _same("โลก", "World"),
    _same("ทวีป/กลุ่มประเทศในทวีป", "Continent / countries of a continent"),
    _same("กลุ่มประเทศทางเศรษฐกิจ", "Economic group of countries"),
    _same("ประเทศ", "Country"),
    _same("ภาค", "Region"),
    _same("จังหวัด", "Province"),
    _same("อำเภอ", "District"),
    _same("ตำบล", "Sub-district"),
    _same("หมู่บ้าน", "Village"),
    _same("เทศบาล/อบต.", "Municipality / Subdistrict Administrative Organization"),
    _same("พิกัด", "Coordinates"),
    _UNKNOWN,
    _OTHER,
)

_DATA_FORMAT = (
    _same("Database"),
    _same("CSV"),
    _same("XML"),
    _same("Image"),
    _same("Video"),
    _same("Audio"),
    _same("Text"),
    _same("JSON"),
    _same("HTML"),
    _same("DOC/DOCX"),
    Choice("XLS", "XLS/XLSX", "XLS/XLSX"),
    _same("PDF"),
    _same("RDF"),
    _same("NoSQL"),
    _same("Arc/Info Coverage"),
    _same("Shapefile"),
    _same("GeoTiff"),
    _same("GML"),
    _UNKNOWN,
    _OTHER,
)

_DATA_CATEGORY = (
    _same(PUBLIC_CATEGORY, "Public data"),
    _same("ข้อมูลส่วนบุคคล", "Personal data"),
    _same("ข้อมูลความมั่นคง", "National security data"),
    _same("ข้อมูลความลับทางราชการ", "Official secret data"),
    Choice("ข้อมูลใช้ภายใน", "ข้อมูลใช้ภายใน", "Internal-use data", added=True),
)

_DATA_CLASSIFICATION = (
    Choice(OPEN_CLASSIFICATION, OPEN_CLASSIFICATION, "Open", added=True),
    Choice("ชั้นเผยแพร่ภายในองค์กร", "ชั้นเผยแพร่ภายในองค์กร", "Internal", added=True),
    Choice("ลับ", "ลับ", "Confidential", added=True),
    Choice("ลับมาก", "ลับมาก", "Secret", added=True),
    Choice("ลับที่สุด", "ลับที่สุด", "Top secret", added=True),
)


def _licence(value: str, added: bool = False) -> Choice:
    return Choice(value, value, value, added)


_LICENSE = (
    _licence("License not specified"),
    _licence("Creative Commons Attributions"),
    _licence("Creative Commons Attribution Share-Alike"),
    _licence("Creative Commons Non-Commercial (Any)"),
    _licence("Open Data Common"),
    _licence("GNU Free Documentation License"),
    _OTHER,
    _licence("Creative Commons Attribution Non-Commercial", added=True),
    _licence("Creative Commons Attribution Non-Commercial Share-Alike", added=True),
    _licence("Creative Commons Attribution Non-Commercial No-Derivs", added=True),
    _licence("Creative Commons Attribution No-Derivs", added=True),
    _licence("DGA Open Government License", added=True),
)

_DATA_SUPPORT = (
    _NONE,
    _same("หน่วยงานของรัฐ", "Government agency"),
    _same("หน่วยงานเอกชน", "Private sector organization"),
    _same("หน่วยงาน/องค์กรระหว่างประเทศ", "International organization"),
    _same("มูลนิธิ/สมาคม", "Foundation / association"),
    _same("สถาบันการศึกษา", "Educational institution"),
    _OTHER,
)

_DATA_COLLECT = (
    _NONE,
    _same("บุคคล", "Person"),
    _same("ครัวเรือน/ครอบครัว", "Household / family"),
    _same("บ้าน/ที่อยู่อาศัย", "House / dwelling"),
    _same("บริษัท/ห้างร้าน/สถานประกอบการ", "Company / shop / establishment"),
    _same("อาคาร/สิ่งปลูกสร้าง", "Building / construction"),
    _same("พื้นที่การเกษตร ประมง ป่าไม้", "Agricultural, fishery and forest area"),
    _same("สัตว์และพันธุ์พืช", "Animals and plant species"),
    _same("ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่", "Geographic or spatial area"),
    _same("แหล่งน้ำ เช่น แม่น้ำ อ่างเก็บน้ำ", "Water body, e.g. river or reservoir"),
    _same("เส้นทางการเดินทาง เช่น ถนน ทางรถไฟ", "Route, e.g. road or railway"),
    _UNKNOWN,
    _OTHER,
)

_DATA_LANGUAGE = (
    _same("ไทย", "Thai"),
    _same("อังกฤษ", "English"),
    _same("จีน", "Chinese"),
    _same("มลายู", "Malay"),
    _same("พม่า", "Burmese"),
    _same("ลาว", "Lao"),
    _same("เขมร", "Khmer"),
    _same("ญี่ปุ่น", "Japanese"),
    _same("เกาหลี", "Korean"),
    _same("ฝรั่งเศส", "French"),
    _same("เยอรมัน", "German"),
    _same("อารบิก", "Arabic"),
    _UNKNOWN,
    _OTHER,
)

_DISAGGREGATE = (
    _NONE,
    _same("เพศ", "Sex"),
    _same("อายุ/กลุ่มอายุ", "Age / age group"),
    _same("สถานภาพสมรส", "Marital status"),
    _same("ศาสนา", "Religion"),
    _same("ระดับการศึกษา", "Level of education"),
    _same("อาชีพ", "Occupation"),
    _same("สถานภาพการทำงาน", "Work status"),
    _same("อุตสาหกรรม/ประเภทกิจการ", "Industry / type of business"),
    _same("รายได้", "Income"),
    _same("ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่", "Geographic or spatial area"),
    _same("ผลิตภัณฑ์", "Product"),
    _UNKNOWN,
    _OTHER,
)

_UNIT_OF_MULTIPLIER = (
    _same("หน่วย", "Units"),
    _same("สิบ", "Tens"),
    _same("ร้อย", "Hundreds"),
    _same("พัน", "Thousands"),
    _same("หมื่น", "Ten thousands"),
    _same("แสน", "Hundred thousands"),
    _same("ล้าน", "Millions"),
    _same("สิบล้าน", "Ten millions"),
    _same("ร้อยล้าน", "Hundred millions"),
    _same("พันล้าน", "Billions"),
    _same("หมื่นล้าน", "Ten billions"),
    _same("แสนล้าน", "Hundred billions"),
    _same("ล้านล้าน", "Trillions"),
    _UNKNOWN,
    _OTHER,
)

_GEOGRAPHIC_DATA_SET = (
    _same("ชั้นข้อมูลแปลงที่ดิน", "Land parcels layer"),
    _same("ชั้นข้อมูลขอบเขตการปกครอง", "Administrative boundaries layer"),
    _same("ชั้นข้อมูลเส้นทางคมนาคม", "Transport network layer"),
    _same("ชั้นข้อมูลชุมนุม/อาคาร", "Settlements / buildings layer"),
    _same("ชั้นข้อมูลป่าไม้", "Forest layer"),
    _same("ชั้นข้อมูลการใช้ประโยชน์ที่ดิน", "Land use layer"),
    _same("ชั้นข้อมูลแหล่งน้ำ", "Water bodies layer"),
    _same("ชั้นข้อมูลอุทกศาสตร์", "Hydrography layer"),
    _same("ชั้นข้อมูลหมุดหลักฐานแผนที่", "Survey control points layer"),
    _same("ชั้นข้อมูลความสูงภูมิประเทศเชิงตัวเลข", "Digital elevation model layer"),
    _same("ชั้นข้อมูลภาพแผนที่ภูมิประเทศ", "Topographic map image layer"),
    _same("ชั้นข้อมูลแผนที่ภาพถ่ายทางอากาศ", "Aerial photograph map layer"),
    _same("ชั้นข้อมูลภาพวาดดาวเทียมดัดแก้", "Rectified satellite imagery layer"),
)

_EQUIVALENT_SCALE = (
    _same("1:4,000"),
    _same("1:10,000"),
    _same("1:25,000"),
    _same("1:50,000"),
    _same("1:250,000"),
    _OTHER,
)

CHOICES: Mapping[str, tuple[Choice, ...]] = MappingProxyType({
    "data_type": _DATA_TYPE,
    "allow_harvest": _ALLOW_HARVEST,
    "objective": _OBJECTIVE,
    "update_frequency_unit": _UPDATE_FREQUENCY_UNIT,
    "geo_coverage": _GEO_COVERAGE,
    "data_format": _DATA_FORMAT,
    "data_category": _DATA_CATEGORY,
    "data_classification": _DATA_CLASSIFICATION,
    "license_id": _LICENSE,
    "data_support": _DATA_SUPPORT,
    "data_collect": _DATA_COLLECT,
    "data_language": _DATA_LANGUAGE,
    "disaggregate": _DISAGGREGATE,
    "unit_of_multiplier": _UNIT_OF_MULTIPLIER,
    "geographic_data_set": _GEOGRAPHIC_DATA_SET,
    "equivalent_scale": _EQUIVALENT_SCALE,
    "high_value_dataset": _YES_NO,
    "reference_data": _YES_NO,
    "official_statistics": _YES_NO,
    "single_source_of_truth": _YES_NO,
    "focus_area": FOCUS_AREAS,
    "resource_data_collect": _DATA_COLLECT,
    "resource_disaggregate": _DISAGGREGATE,
    "resource_unit_of_multiplier": _UNIT_OF_MULTIPLIER,
    "resource_geographic_data_set": _GEOGRAPHIC_DATA_SET,
    "resource_equivalent_scale": _EQUIVALENT_SCALE,
    "resource_official_statistics": _YES_NO,
})

#: Choice fields holding a list of values (the others hold one value).
MULTI_CHOICE_FIELDS: frozenset[str] = frozenset({
    "objective", "data_format", "data_language", "disaggregate", "resource_disaggregate",
})

#: The value that asks for the free text of ``<field>_other``, per field.
OTHER_VALUE: Mapping[str, str] = MappingProxyType({
    name: (OTHER_DATA_TYPE if name == "data_type" else OTHER)
    for name, choices in CHOICES.items()
    if any(c.value in (OTHER, OTHER_DATA_TYPE) for c in choices)
})

#: Open licences (Open Definition conformant): for ``isopen`` and for the
#: rule "no open licence on a non-public category".
OPEN_LICENSES: frozenset[str] = frozenset({
    "Creative Commons Attributions",
    "Creative Commons Attribution Share-Alike",
    "Open Data Common",
    "DGA Open Government License",
    "GNU Free Documentation License",
})

#: Every accepted value per list, for fast membership tests.
ACCEPTED: Mapping[str, frozenset[str]] = MappingProxyType(
    {name: frozenset(c.value for c in choices) for name, choices in CHOICES.items()})

#: Values accepted beyond the canonical 2.1.0 lists, per list.
ADDED_VALUES: Mapping[str, frozenset[str]] = MappingProxyType({
    name: frozenset(c.value for c in choices if c.added)
    for name, choices in CHOICES.items() if any(c.added for c in choices)
})


def choice_label(list_name: str, value: str, lang: str = "th") -> str:
    """The label of ``value`` in ``list_name`` (the value itself when unknown)."""
    for choice in CHOICES.get(list_name, ()):
        if choice.value == value:
            return choice.th if lang == "th" else choice.en
    return value
