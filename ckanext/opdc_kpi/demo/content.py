"""Demo content taken from the OPDC guideline's own examples (FY2565).

- OPDC (สำนักงาน ก.พ.ร.): the guideline's worked example of the standard level:
  six basket datasets, four with all 14 items, one with 13, one with 12, none
  public-category. Its score reads basic 50 + metadata 10 + catalog 10 = 70.00.
- The National Housing Authority (การเคหะแห่งชาติ) and the Expressway Authority of
  Thailand (การทางพิเศษแห่งประเทศไทย): the guideline's examples of open data put
  to use, which reach the advanced parts.

Pure data: the loader (``loader.py``) creates it through CKAN's actions.
"""
from __future__ import annotations

FISCAL_YEAR = 2565

ORGANIZATIONS = [
    {
        "name": "opdc",
        "title": "สำนักงานคณะกรรมการพัฒนาระบบราชการ (สำนักงาน ก.พ.ร.)",
        "description": "Office of the Public Sector Development Commission (OPDC).",
        "focus_areas": ["public-administration"],
        "focus_issue": "การขับเคลื่อนการให้บริการภาครัฐด้วยระบบดิจิทัล",
        "data_use_goal": "ติดตามผลการพัฒนาระบบราชการและการให้บริการประชาชนผ่านระบบดิจิทัล",
        "expected_users": "ส่วนราชการ จังหวัด และองค์การมหาชน",
    },
    {
        "name": "nha",
        "title": "การเคหะแห่งชาติ",
        "description": "National Housing Authority.",
        "focus_areas": ["welfare-equality"],
        "focus_issue": "การพัฒนาที่อยู่อาศัยสำหรับประชาชนให้มีคุณภาพชีวิตที่ดีขึ้น",
        "data_use_goal": "วิเคราะห์ความต้องการที่อยู่อาศัยเทียบกับการจัดหาที่อยู่อาศัย",
        "expected_users": "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์ ผู้ประกอบการ ประชาชน",
    },
    {
        "name": "exat",
        "title": "การทางพิเศษแห่งประเทศไทย",
        "description": "Expressway Authority of Thailand.",
        "focus_areas": ["economy"],
        "focus_issue": "การพัฒนาและปรับปรุงทางพิเศษ ให้เป็นไปตามมาตรฐานและปลอดภัย",
        "data_use_goal": "ลดอุบัติเหตุและรถขัดข้องบนทางพิเศษ",
        "expected_users": "สำนักงานตำรวจแห่งชาติ กรมทางหลวง ผู้ใช้ทางพิเศษ",
    },
]

# The 14 items shared by the demo datasets (each dataset overrides what differs).
_BASE = {
    "data_type": "ข้อมูลสถิติ",
    "maintainer": "กองพัฒนาระบบบริหารจัดการข้อมูล",
    "maintainer_email": "data@example.go.th",
    "objective": ["พันธกิจหน่วยงาน"],
    "update_frequency_unit": "ปี",
    "update_frequency_interval": "1",
    "geo_coverage": "ประเทศ",
    "data_source": "ระบบติดตามและประเมินผล",
    "data_format": ["XLS"],
    "data_category": "ข้อมูลใช้ภายใน",
    "license_id": "License not specified",
    "data_classification": "ชั้นเผยแพร่ภายในองค์กร",
    "kpi_years": [FISCAL_YEAR],
}

_MISSION_1 = "ภารกิจด้านพัฒนาการให้บริการประชาชน"
_PROCESS_11 = "ขับเคลื่อนการให้บริการภาครัฐกิจและภาคประชาชนด้วยระบบดิจิทัลอย่างเต็มรูปแบบ"
_PROCESS_12 = ("สนับสนุนการขับเคลื่อนรัฐบาลดิจิทัลในการเพิ่มขีดความสามารถเชิงดิจิทัลภาครัฐ "
               "ในการบริหารจัดการด้านบูรณาการข้อมูลภาครัฐ")
_MISSION_2 = "ภารกิจเพิ่มประสิทธิภาพการบริหารจัดการ"
_PROCESS_21 = ("พัฒนาส่วนราชการ จังหวัด และองค์การมหาชน ให้มีขีดสมรรถนะสูง "
               "(High Performance Organization) มุ่งสู่การเป็นระบบราชการ 4.0")
_PROCESS_22 = "การประเมินผลสัมฤทธิ์ของการปฏิบัติราชการของส่วนราชการ จังหวัด และองค์การมหาชน"


# What each open-data agency's datasets share (each dataset overrides what differs).
_OPEN = dict(_BASE, data_format=["CSV"], data_category="ข้อมูลสาธารณะ",
             data_classification="เปิดเผย", license_id="Creative Commons Attributions")
_NHA = dict(_OPEN, owner_org="nha", focus_area="welfare-equality",
            maintainer="ฝ่ายนโยบายและแผน การเคหะแห่งชาติ",
            maintainer_email="data@nha.example.go.th", single_source_of_truth="True",
            mission="การพัฒนาที่อยู่อาศัยสำหรับประชาชนให้มีคุณภาพชีวิตที่ดีขึ้น")
_EXAT = dict(_OPEN, owner_org="exat", focus_area="economy",
             maintainer="กองสถิติและข้อมูล การทางพิเศษแห่งประเทศไทย",
             maintainer_email="data@exat.example.go.th", update_frequency_unit="เดือน",
             mission="การพัฒนาและปรับปรุงทางพิเศษ ให้เป็นไปตามมาตรฐานและปลอดภัย",
             work_process="การบริหารความปลอดภัยบนทางพิเศษ")


def _csv(name: str, url: str) -> list[dict]:
    return [{"name": name, "format": "CSV", "url": url}]


def _exat(name: str, title: str, notes: str, keywords: str, source: str, csv_name: str,
          csv_url: str, **extra) -> dict:
    """One of the Expressway Authority's monthly statistics in CSV."""
    return dict(_EXAT, name=name, title=title, notes=notes, tag_string=keywords,
                data_source=source, resources=_csv(csv_name, csv_url), **extra)


def _opdc(name: str, title: str, notes: str, keywords: str, mission: str, process: str,
          sub_process: str, report_url: str, **extra) -> dict:
    """One of OPDC's basket datasets: an XLSX report of a work process."""
    return dict(_BASE, owner_org="opdc", name=name, title=title, notes=notes,
                tag_string=keywords, focus_area="public-administration", mission=mission,
                work_process=process, sub_process=sub_process,
                resources=[{"name": "รายงาน (XLSX)", "url": report_url, "format": "XLSX"}],
                **extra)


# Each dataset: fields, plus "legacy_missing": items removed after saving, as a
# dataset imported from an older catalog would lack them.
DATASETS = [
    _opdc("opdc-biz-portal-plan", "แผนการดำเนินงานขับเคลื่อน Biz Portal",
          "แผนการดำเนินงานขับเคลื่อนระบบ Biz Portal สำหรับผู้ประกอบการ",
          "Biz Portal,แผนงาน", _MISSION_1, _PROCESS_11, "Biz Portal",
          "https://example.go.th/opdc/biz-portal-plan.xlsx"),
    _opdc("opdc-biz-portal-results", "ผลการดำเนินงานตามแผนขับเคลื่อน Biz Portal",
          "ผลการดำเนินงานตามแผนขับเคลื่อนระบบ Biz Portal",
          "Biz Portal,ผลการดำเนินงาน", _MISSION_1, _PROCESS_11, "Biz Portal",
          "https://example.go.th/opdc/biz-portal-results.xlsx"),
    _opdc("opdc-citizen-portal-plan", "แผนการดำเนินงานขับเคลื่อน Citizen Portal",
          "แผนการดำเนินงานขับเคลื่อนระบบ Citizen Portal",
          "Citizen Portal,แผนงาน", _MISSION_1, _PROCESS_12, "Citizen Portal",
          "https://example.go.th/opdc/citizen-portal-plan.xlsx"),
    _opdc("opdc-citizen-portal-results", "ผลการดำเนินงานตามแผนขับเคลื่อน Citizen Portal",
          "ผลการดำเนินงานตามแผนขับเคลื่อนระบบ Citizen Portal (มี 13 รายการ)",
          "Citizen Portal,ผลการดำเนินงาน", _MISSION_1, _PROCESS_12, "Citizen Portal",
          "https://example.go.th/opdc/citizen-portal-results.xlsx",
          legacy_missing=["data_source"]),
    _opdc("opdc-pmqa-results", "ผลการประเมินส่วนราชการตามเกณฑ์ PMQA 4.0",
          "ผลการประเมินส่วนราชการตามเกณฑ์คุณภาพการบริหารจัดการภาครัฐ 4.0 (มี 12 รายการ)",
          "PMQA,ผลการประเมิน", _MISSION_2, _PROCESS_21, "PMQA 4.0",
          "https://example.go.th/opdc/pmqa.xlsx",
          legacy_missing=["data_source", "geo_coverage"]),
    _opdc("opdc-eservice-assessment", "ผลการประเมินส่วนราชการตามตัวชี้วัด e-Service",
          "ผลการประเมินส่วนราชการตามตัวชี้วัดการสร้างนวัตกรรมในการปรับปรุงกระบวนการ (e-Service)",
          "e-Service,ผลการประเมิน", _MISSION_2, _PROCESS_22, "การประเมินส่วนราชการ",
          "https://example.go.th/opdc/eservice.xlsx"),
    # National Housing Authority: open data at the advanced tier, with its use case.
    dict(_NHA, name="nha-public-housing-projects-2562",
         title="โครงการภาครัฐการเคหะแห่งชาติ 2562",
         notes="รายชื่อโครงการที่อยู่อาศัยภาครัฐของการเคหะแห่งชาติ ปี 2562 รายจังหวัด อำเภอ "
               "พร้อมราคาต่ำสุดและสูงสุด",
         tag_string="ที่อยู่อาศัย,การเคหะ,โครงการ",
         objective=["เพื่อการให้บริการประชาชน"], update_frequency_unit="เดือน",
         geo_coverage="อำเภอ", data_source="ระบบบริหารโครงการ การเคหะแห่งชาติ",
         license_id="Open Data Common",
         work_process="การจัดหาที่อยู่อาศัยสำหรับผู้มีรายได้น้อย",
         use_case_url="https://example.go.th/nha/dashboard/housing-demand",
         use_case_description=("รายงานการวิเคราะห์การพัฒนาที่อยู่อาศัยสำหรับประชาชนให้มีคุณภาพชีวิตที่ดีขึ้น: "
                               "เปรียบเทียบความต้องการที่อยู่อาศัยของผู้มีรายได้น้อยกับการจัดหา"
                               "ที่อยู่อาศัยของการเคหะแห่งชาติ"),
         resources=[
             {"name": "โครงการภาครัฐ 2562 (CSV)", "format": "CSV",
              "url": "https://example.go.th/nha/projects-2562.csv"},
             {"name": "API โครงการภาครัฐ", "format": "API",
              "url": "https://example.go.th/nha/api/projects?province={province}"},
         ]),
    dict(_NHA, name="nha-housing-demand-2565",
         title="ข้อมูลการคาดประมาณความต้องการที่อยู่อาศัย พ.ศ. 2565",
         notes="การคาดประมาณความต้องการที่อยู่อาศัยรายจังหวัด พ.ศ. 2565",
         tag_string="ที่อยู่อาศัย,ความต้องการ", geo_coverage="จังหวัด",
         data_source="การสำรวจความต้องการที่อยู่อาศัย",
         work_process="การวางแผนการพัฒนาที่อยู่อาศัย",
         resources=_csv("ความต้องการที่อยู่อาศัย 2565 (CSV)",
                        "https://example.go.th/nha/demand-2565.csv")),
    # Expressway Authority: monthly statistics in CSV, used in its safety report.
    _exat("exat-monthly-accidents", "สถิติการเกิดอุบัติเหตุบนทางพิเศษรายเดือน",
          "จำนวนอุบัติเหตุ ผู้บาดเจ็บ และผู้เสียชีวิตบนทางพิเศษ รายเดือน จำแนกตามเพศ",
          "อุบัติเหตุ,ทางพิเศษ,สถิติ", "ระบบบันทึกอุบัติเหตุ", "อุบัติเหตุรายเดือน (CSV)",
          "https://example.go.th/exat/accidents-monthly.csv",
          use_case_url="https://example.go.th/exat/reports/accidents-vs-breakdowns",
          use_case_description=("รายงานเปรียบเทียบสถิติการเกิดอุบัติเหตุรายเดือนกับสถิติรถขัดข้องรายเดือน "
                                "เพื่อจัดกำลังเจ้าหน้าที่ในช่วงเวลาเสี่ยง")),
    _exat("exat-monthly-breakdowns", "สถิติรถขัดข้องบนทางพิเศษรายเดือน",
          "จำนวนรถขัดข้องบนทางพิเศษ รายเดือน", "รถขัดข้อง,ทางพิเศษ,สถิติ",
          "ระบบบริหารจัดการจราจร", "รถขัดข้องรายเดือน (CSV)",
          "https://example.go.th/exat/breakdowns-monthly.csv"),
]
