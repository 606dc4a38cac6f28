"""Times in Bangkok, Buddhist era on Thai pages (pure, no CKAN)."""
import datetime as dt

from ckanext.opdc_kpi.scoring.localtime import iso_utc, parse_utc, time_text


def test_a_stored_utc_time_reads_in_bangkok_in_the_buddhist_era():
    assert time_text("2026-12-06T13:57:04.511207", "th") == "6 ธ.ค. 2569 20:57 น."
    assert time_text("2026-12-06T13:57:04.511207", "en") == "6 Dec 2026 20:57 (UTC+7)"


def test_the_day_and_year_turn_in_bangkok_not_in_utc():
    assert time_text("2026-12-31T17:30:00", "th") == "1 ม.ค. 2570 00:30 น."
    assert time_text(dt.datetime(2026, 12, 31, 16, 59), "en") == "31 Dec 2026 23:59 (UTC+7)"


def test_every_month_has_its_thai_abbreviation():
    months = [time_text(f"2026-{m:02d}-15T00:00:00", "th").split()[1] for m in range(1, 13)]
    assert months == ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.",
                      "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]


def test_a_z_or_an_offset_is_honoured():
    assert time_text("2026-12-06T13:57:04Z", "th") == "6 ธ.ค. 2569 20:57 น."
    assert time_text("2026-12-06T20:57:04+07:00", "th") == "6 ธ.ค. 2569 20:57 น."
    aware = dt.datetime(2026, 12, 6, 13, 57, tzinfo=dt.timezone.utc)
    assert parse_utc(aware) == aware and iso_utc(aware) == "2026-12-06T13:57:00Z"


def test_what_is_no_time_is_shown_as_it_is():
    for value in ("", "soon", "2026-12-06", "2026-13-45T99:00:00"):
        assert time_text(value, "th") == value and iso_utc(value) == ""
    assert time_text(None, "en") == ""
    assert time_text("9999-12-31T23:59:59", "th") == "9999-12-31T23:59:59"
