"""Messages of the harvest check's codes (Thai, English), merged into
``messages.MESSAGES``. Templates go from the most to the least specific;
the last needs no parameter but ``label``."""
from __future__ import annotations

HARVEST_MESSAGES: dict[str, dict[str, tuple[str, ...]]] = {
    # --- paging --------------------------------------------------------------
    "harvest_search_error": {
        "th": ("การค้นหาที่ start={start} ผิดพลาด ({error}): ระบบเก็บเกี่ยวถือว่าไม่มีข้อมูลเพิ่ม "
               "จึงไม่ได้รับชุดข้อมูลที่เหลือโดยไม่แจ้งข้อผิดพลาด",
               "การค้นหาผิดพลาด: ระบบเก็บเกี่ยวถือว่าไม่มีข้อมูลเพิ่ม"),
        "en": ("The search at start={start} failed ({error}): the harvester reads that as "
               "the end and silently misses the rest",
               "A search failed: the harvester reads that as the end"),
    },
    "harvest_paging_repeated_page": {
        "th": ("หน้าที่ start={start} ไม่มีชุดข้อมูลใหม่ (ซ้ำกับหน้าก่อน) ระบบเก็บเกี่ยวจึงหยุดที่หน้านี้ "
               "(ขอไป {pages} หน้า): การแบ่งหน้าไม่ทำงาน",
               "มีหน้าที่ซ้ำกับหน้าก่อน ระบบเก็บเกี่ยวจึงหยุดก่อนครบ"),
        "en": ("The page at start={start} brought no new dataset (a repeat), so the harvester "
               "stopped there after {pages} request(s): paging does not work",
               "A page repeated an earlier one, so the harvester stopped early"),
    },
    "harvest_paging_repeated": {
        "th": ("ได้รับชุดข้อมูล {count} ชุดมากกว่าหนึ่งครั้ง",
               "ได้รับชุดข้อมูลบางชุดมากกว่าหนึ่งครั้ง"),
        "en": ("{count} dataset(s) came more than once", "Some datasets came more than once"),
    },
    "harvest_paging_skipped": {
        "th": ("ระบบเก็บเกี่ยวไม่ได้รับชุดข้อมูล {count} ชุดจาก {expected} ชุดที่ควรเห็น",
               "ระบบเก็บเกี่ยวไม่ได้รับชุดข้อมูลบางชุดที่ควรเห็น"),
        "en": ("The harvester never received {count} of the {expected} dataset(s) it should see",
               "The harvester missed datasets it should see"),
    },
    "harvest_paging_unexpected": {
        "th": ("ระบบเก็บเกี่ยวได้รับชุดข้อมูล {count} ชุดที่ไม่ควรเห็น (ส่วนตัว ถูกลบ หรือไม่ตรงเงื่อนไข)",
               "ระบบเก็บเกี่ยวได้รับชุดข้อมูลที่ไม่ควรเห็น"),
        "en": ("The harvester received {count} dataset(s) it should not see (private, deleted "
               "or outside the filter)", "The harvester received datasets it should not see"),
    },
    "harvest_paging_unsorted": {
        "th": ("ผลการค้นหาไม่เรียงตาม “{sort}” ตามที่ขอ: การแบ่งหน้าไม่คงที่เมื่อมีการแก้ไขระหว่างเก็บเกี่ยว",
               "ผลการค้นหาไม่เรียงตามที่ขอ"),
        "en": ("Results are not in the requested “{sort}” order: paging is unstable when "
               "datasets change during a harvest", "Results are not in the requested order"),
    },
    "harvest_paging_limit": {
        "th": ("หยุดตรวจหลังขอ {pages} หน้า (การแบ่งหน้าไม่สิ้นสุด)", "การแบ่งหน้าไม่สิ้นสุด"),
        "en": ("Stopped after {pages} page requests (paging never ends)", "Paging never ends"),
    },
    "harvest_paging_count": {
        "th": ("จำนวนที่ระบบค้นหารายงาน ({count}) ไม่ตรงกับจำนวนชุดข้อมูลที่ควรเห็น ({expected})",
               "จำนวนที่ระบบค้นหารายงานไม่ตรงกับจำนวนชุดข้อมูลที่ควรเห็น"),
        "en": ("The search reports {count} dataset(s) where {expected} should be visible",
               "The reported count differs from the visible datasets"),
    },
    # --- one received dataset -------------------------------------------------
    "harvest_extras_only": {
        "th": ("{label} อยู่ใน extras เท่านั้น ไม่อยู่ในระดับบนสุดของชุดข้อมูล: ระบบปลายทางไม่เห็นค่านี้",
               "ค่านี้อยู่ใน extras เท่านั้น ไม่อยู่ในระดับบนสุดของชุดข้อมูล"),
        "en": ("{label} is only in extras, not at the top level: the national catalog does "
               "not see it", "Only in extras, not at the top level"),
    },
    "harvest_not_canonical": {
        "th": ("{label}: “{value}” ไม่ตรงกับค่ามาตรฐาน “{canonical}” ทุกไบต์ "
               "(ช่องว่างหรือการเข้ารหัสอักษรไทยต่างกัน)",
               "ค่าไม่ตรงกับค่ามาตรฐานทุกไบต์"),
        "en": ("{label}: “{value}” is not byte-identical to the standard's “{canonical}” "
               "(spaces or Thai encoding differ)", "Not byte-identical to the standard's value"),
    },
    "harvest_no_resources": {
        "th": ("ชุดข้อมูลไม่มีทรัพยากร: GD Catalog ไม่ได้รับลิงก์ข้อมูล",),
        "en": ("The dataset has no resource: the GD Catalog gets no data link",),
    },
    "harvest_resource_no_url": {
        "th": ("ทรัพยากรที่ {resource} (“{name}”) ไม่มี URL", "ทรัพยากรไม่มี URL"),
        "en": ("Resource {resource} (“{name}”) has no URL", "A resource has no URL"),
    },
    "harvest_resource_bad_url": {
        "th": ("ทรัพยากรที่ {resource} (“{name}”): “{url}” ไม่ใช่ URL แบบเต็มที่ขึ้นต้นด้วย "
               "http:// หรือ https://", "URL ของทรัพยากรไม่ใช่ URL แบบเต็ม"),
        "en": ("Resource {resource} (“{name}”): “{url}” is not a full http:// or https:// URL",
               "A resource URL is not a full http(s) URL"),
    },
    "harvest_resource_no_format": {
        "th": ("ทรัพยากรที่ {resource} (“{name}”) ไม่ระบุนามสกุลของไฟล์ (format)",
               "ทรัพยากรไม่ระบุนามสกุลของไฟล์"),
        "en": ("Resource {resource} (“{name}”) has no format", "A resource has no format"),
    },
    "harvest_no_consent": {
        "th": ("ชุดข้อมูลสาธารณะ (ไม่เป็นแบบส่วนตัว) แต่ไม่ได้ยินยอมให้นำไปใช้ที่ GD-Catalog "
               "({label} = “{value}”)",
               "ชุดข้อมูลไม่เป็นแบบส่วนตัว แต่ไม่ได้ยินยอมให้นำไปใช้ที่ GD-Catalog"),
        "en": ("A public (not private) dataset without consent to the GD Catalog "
               "({label} = “{value}”)", "A public dataset without consent to the GD Catalog"),
    },
    "harvest_public_category_private": {
        "th": ("หมวดหมู่ “{category}” แต่ชุดข้อมูลเป็นแบบส่วนตัว (private): ระบบเก็บเกี่ยวไม่เห็น",
               "หมวดหมู่ข้อมูลสาธารณะ แต่ชุดข้อมูลเป็นแบบส่วนตัว"),
        "en": ("Category “{category}” (public data) but the dataset is private: the "
               "harvester does not see it", "Public-category data, but the dataset is private"),
    },
    # --- datasets not received ------------------------------------------------
    "harvest_private_no_consent": {
        "th": ("ชุดข้อมูลส่วนตัวที่ไม่ยินยอมให้นำชื่อไปใช้ที่ GD-Catalog: ระบบเก็บเกี่ยวไม่เห็น",),
        "en": ("Private without consent: the harvester does not see it",),
    },
    "harvest_private_with_consent": {
        "th": ("ชุดข้อมูลส่วนตัวที่ยินยอมให้นำชื่อไปใช้ที่ GD-Catalog: เห็นได้เฉพาะระบบเก็บเกี่ยวที่ใช้ "
               "API key ของผู้มีสิทธิ์อ่าน",),
        "en": ("Private with consent: only a harvester using the API key of a user who may "
               "read it sees it",),
    },
    "harvest_copy": {
        "th": ("สำเนาจากบัญชีข้อมูลอื่น ({url}): GD Catalog ไม่ลงทะเบียนซ้ำ",
               "สำเนาจากบัญชีข้อมูลอื่น: GD Catalog ไม่ลงทะเบียนซ้ำ"),
        "en": ("A copy of another catalog's dataset ({url}): the GD Catalog does not register "
               "it twice", "A copy of another catalog's dataset: not registered twice"),
    },
    # --- gone since the last check ----------------------------------------------
    "harvest_gone_deleted": {
        "th": ("ถูกลบหลังการตรวจครั้งก่อน: GD Catalog ยังคงแสดงสำเนาเดิม",),
        "en": ("Deleted since the last check: the GD Catalog still shows its old copy",),
    },
    "harvest_gone_purged": {
        "th": ("ถูกลบถาวรหลังการตรวจครั้งก่อน: GD Catalog ยังคงแสดงสำเนาเดิม",),
        "en": ("Purged since the last check: the GD Catalog still shows its old copy",),
    },
    "harvest_gone_private": {
        "th": ("ถูกเปลี่ยนเป็นแบบส่วนตัวหลังการตรวจครั้งก่อน: GD Catalog ยังคงแสดงสำเนาเดิม",),
        "en": ("Made private since the last check: the GD Catalog still shows its old copy",),
    },
    "harvest_gone_draft": {
        "th": ("กลับเป็นฉบับร่างหลังการตรวจครั้งก่อน: GD Catalog ยังคงแสดงสำเนาเดิม",),
        "en": ("Back to draft since the last check: the GD Catalog still shows its old copy",),
    },
    "harvest_gone_moved": {
        "th": ("ย้ายไปหน่วยงานอื่นหลังการตรวจครั้งก่อน",),
        "en": ("Moved to another organization since the last check",),
    },
    "harvest_gone_unseen": {
        "th": ("ยังเผยแพร่อยู่ แต่ระบบเก็บเกี่ยวไม่ได้รับในการตรวจครั้งนี้ (ดูปัญหาการแบ่งหน้า)",),
        "en": ("Still published, but the harvester did not receive it this time (see paging)",),
    },
}
