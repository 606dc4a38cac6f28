"""The form's KPI completeness line: the same 14-item check and basket rule as the score."""
from ckanext.opdc_kpi.scoring.completeness import dataset_completeness

from ..factories_dga import dga_dataset_dict


def _pkg(**overrides):
    return dga_dataset_dict(owner_org="org-id", **overrides)


def test_a_complete_dataset_in_the_basket():
    result = dataset_completeness(_pkg(), fiscal_year=2565, focus_areas=["tourism"], lang="en")
    assert (result["complete"], result["total"], result["is_complete"]) == (14, 14, True)
    assert result["missing"] == [] and result["in_basket"] is True
    assert result["basket_reason"]["code"] == "basket_in"


def test_missing_items_in_the_standards_order_with_both_labels():
    pkg = _pkg(geo_coverage="", maintainer_email="not-an-email", update_frequency_interval="x",
               tag_string="")
    result = dataset_completeness(pkg, fiscal_year=2565, focus_areas=["tourism"], lang="th")
    assert result["complete"] == 10
    assert [m["item"] for m in result["missing"]] == ["5", "6", "9", "10"]
    geo = result["missing"][-1]
    assert geo["labels"] == {"th": "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่", "en": "Geographic coverage"}
    assert geo["message"] == "กรุณาระบุ ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่"


def test_basket_needs_the_year_and_a_declared_focus_area():
    other_year = dataset_completeness(_pkg(kpi_years="2564"), fiscal_year=2565,
                                      focus_areas=["tourism"], lang="en")
    assert not other_year["in_basket"]
    assert other_year["basket_reason"]["code"] == "basket_no_year"
    undeclared = dataset_completeness(_pkg(kpi_years="2565, 2566"), fiscal_year=2565,
                                      focus_areas=["health"], lang="en")
    assert not undeclared["in_basket"]
    assert undeclared["basket_reason"]["code"] == "basket_focus_area"


def test_form_values_as_typed_never_raise():
    typed = {"data_type": "ข้อมูลระเบียน", "objective": "พันธกิจหน่วยงาน", "kpi_years": "abc",
             "tag_string": "ท่องเที่ยว", "data_format": ["CSV", "อื่นๆ"]}
    result = dataset_completeness(typed, fiscal_year=2565, focus_areas=[], lang="en")
    assert 0 <= result["complete"] < 14 and not result["in_basket"]


def test_each_missing_item_names_its_field_problem_and_message():
    """The first problem of each item, on the field to fix (an "other" choice points to
    its ``_other`` box), with the message in the language asked."""
    pkg = _pkg(maintainer_email="not-an-email", data_format=[], objective=["อื่นๆ"])
    result = dataset_completeness(pkg, fiscal_year=2565, focus_areas=["tourism"], lang="en")
    assert result == {
        "total": 14, "complete": 11, "is_complete": False, "fiscal_year": 2565,
        "in_basket": True, "focus_area": "tourism",
        "basket_reason": {"code": "basket_in",
                          "message": "In the fiscal year 2565 assessment basket"},
        "missing": [
            {"item": "5", "field": "maintainer_email", "code": "invalid_email",
             "label": "Contact e-mail", "labels": {"th": "อีเมลผู้ติดต่อ", "en": "Contact e-mail"},
             "message": "Contact e-mail: “not-an-email” is not a valid e-mail address",
             "invalid": True, "example": "stat@agency.go.th"},
            {"item": "8", "field": "objective_other", "code": "other_required",
             "label": "Other objective",
             "labels": {"th": "วัตถุประสงค์อื่นๆ (ระบุ)", "en": "Other objective"},
             "message": "Objective is “อื่นๆ”: please fill in Other objective",
             "invalid": False, "example": ""},
            {"item": "12", "field": "data_format", "code": "required", "label": "Data format",
             "labels": {"th": "รูปแบบการเก็บข้อมูล", "en": "Data format"},
             "message": "Data format is required", "invalid": False, "example": ""},
        ]}


def test_basket_reasons_in_thai():
    def reason(pkg, focus_areas):
        return dataset_completeness(pkg, fiscal_year=2565, focus_areas=focus_areas)[
            "basket_reason"]

    assert reason(_pkg(), ["tourism"]) == {
        "code": "basket_in", "message": "อยู่ในตะกร้าการประเมินปีงบประมาณ 2565"}
    assert reason(_pkg(kpi_years="2564"), ["tourism"]) == {
        "code": "basket_no_year",
        "message": "ไม่อยู่ในตะกร้าปีงบประมาณ 2565: ยังไม่ได้เลือกปี 2565 "
                   "ในปีงบประมาณที่ประเมินตัวชี้วัด"}
    assert reason(_pkg(), ["health"]) == {
        "code": "basket_focus_area",
        "message": "ไม่อยู่ในตะกร้าปีงบประมาณ 2565: Focus Area "
                   "ของชุดข้อมูลไม่ใช่ด้านที่องค์กรประกาศไว้"}
    assert dataset_completeness(_pkg(focus_area=""), fiscal_year=2565,
                                focus_areas=["tourism"])["focus_area"] is None


def test_each_missing_item_in_thai_names_its_label_and_message():
    """The form's list in Thai: each item's label in Thai (the line the form shows),
    both labels, and the message of its first problem."""
    pkg = _pkg(maintainer_email="x", data_format=[], objective=["อื่นๆ"],
               update_frequency_interval="0")
    result = dataset_completeness(pkg, fiscal_year=2565, focus_areas=["tourism"])
    assert (result["complete"], result["is_complete"]) == (10, False)
    assert [(m["item"], m["field"], m["code"], m["label"]) for m in result["missing"]] == [
        ("5", "maintainer_email", "invalid_email", "อีเมลผู้ติดต่อ"),
        ("8", "objective_other", "other_required", "วัตถุประสงค์อื่นๆ (ระบุ)"),
        ("9", "update_frequency_interval", "not_positive_int",
         "ค่าความถี่ของการปรับปรุงข้อมูล"),
        ("12", "data_format", "required", "รูปแบบการเก็บข้อมูล"),
    ]
    assert [m["message"] for m in result["missing"]] == [
        "อีเมลผู้ติดต่อ: “x” ไม่ใช่อีเมลที่ถูกต้อง",
        "เลือก “อื่นๆ” ใน วัตถุประสงค์ แล้ว กรุณาระบุ วัตถุประสงค์อื่นๆ (ระบุ)",
        "ค่าความถี่ของการปรับปรุงข้อมูล: ต้องเป็นจำนวนเต็มบวก (เช่น 1, 2, 10) หรือเว้นว่าง",
        "กรุณาระบุ รูปแบบการเก็บข้อมูล",
    ]
    assert result["missing"][2]["labels"] == {"th": "ค่าความถี่ของการปรับปรุงข้อมูล",
                                              "en": "Update frequency interval"}


def test_an_item_with_several_problems_shows_its_first():
    """Item 9 is two fields and a multi-choice can hold several bad values: the line
    shows the item's first problem (the standard's order), once."""
    pkg = _pkg(update_frequency_unit="", update_frequency_interval="x",
               data_format=["nonsense", "junk"])
    result = dataset_completeness(pkg, fiscal_year=2565, focus_areas=["tourism"], lang="en")
    assert [(m["item"], m["field"], m["code"], m["message"]) for m in result["missing"]] == [
        ("9", "update_frequency_unit", "required", "Update frequency unit is required"),
        ("12", "data_format", "invalid_choice",
         "Data format: “nonsense” is not one of the allowed values"),
    ]
    assert result["complete"] == 12
