"""Reading budget sheets: layouts, year headers, signs, mapping, parameters, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import (
    BAD_INPUT_CASES,
    GOOD_LINES,
    GOOD_YEARS,
    PLAN_OPENING,
    SAMPLE,
    good_table,
    make_bad_input,
    pivot_rows,
    sha256,
    table_rows,
    write_workbook,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w13xl.errors import InputError
from w13xl.m2 import LINE_KEYS, compute_m2
from w13xl.model import EXPLOITATIE, FINANCIERING, INVESTERINGEN, O, U
from w13xl.sheets import (
    SheetContext,
    cell_name,
    column_letter,
    load_plan_from_grids,
    parse_amount,
    year_of_header,
)
from w13xl.workbook import load_plan, read_grids


def load(grids, **kw):
    return load_plan_from_grids(grids, file="test.xlsx", **kw)


# -- small pieces -------------------------------------------------------------------------------
def test_cell_names():
    assert [column_letter(i) for i in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
    assert cell_name(0, 0) == "A1" and cell_name(4, 3) == "D5"


@pytest.mark.parametrize(("header", "year"), [
    (2026, 2026), (2026.0, 2026), ("2026", 2026), ("Som van 2026 DT", 2026), ("JR 2024", 2024),
    ("Rek 2023", 2023), ("MJP 2026", 2026), ("AMJP 2027", 2027),
    ("Totaal 2026-2031", None), ("Naam", None), (None, None), (True, None), (20261, None), (2026.5, None),
])
def test_year_of_header(header, year):
    assert year_of_header(header) == year


@pytest.mark.parametrize(("text", "amount"), [
    ("1.234,56", 1234.56), ("-21.000,00", -21000.0), ("5750", 5750.0), ("1.234.567,8", 1234567.8),
    ("€ 12,5", 12.5), ("\u00a01.000,00", 1000.0),
])
def test_belgian_text_amount_is_accepted_with_warning(text, amount):
    ctx = SheetContext("f.xlsx", "Synthese")
    assert parse_amount(text, ctx, 2, 6) == pytest.approx(amount)
    assert len(ctx.warnings) == 1
    assert str(ctx.warnings[0]).startswith("f.xlsx, blad 'Synthese', cel G3: bedrag als tekst")


@pytest.mark.parametrize("value", ["veel", "1,234.56", "12-3", "#REF!", "#WAARDE!", True, float("nan")])
def test_bad_amounts_are_errors_naming_the_cell(value):
    ctx = SheetContext("f.xlsx", "Synthese")
    with pytest.raises(InputError) as info:
        parse_amount(value, ctx, 9, 2)
    assert info.value.cell == "C10" and info.value.sheet == "Synthese" and info.value.file == "f.xlsx"
    assert info.value.expected


def test_numbers_and_blanks_need_no_warning():
    ctx = SheetContext(None, "S")
    assert parse_amount(None, ctx, 0, 0) == 0.0
    assert parse_amount("  ", ctx, 0, 0) == 0.0
    assert parse_amount(-21000, ctx, 0, 0) == -21000.0
    assert ctx.warnings == []


# -- layouts -----------------------------------------------------------------------------------
def test_table_layout_u_negative():
    loaded = load({"Synthese": good_table()})
    plan = loaded.plan
    assert loaded.layout == "table" and loaded.sheet == "Synthese"
    np.testing.assert_array_equal(plan.line("A10101", EXPLOITATIE, U), [50, 60, 70])
    np.testing.assert_array_equal(plan.line("A50111", INVESTERINGEN, U), [10, 0, 5])
    r = compute_m2(plan, loaded.params)
    np.testing.assert_array_equal(r["exploitatiesaldo"], [50, 140, 230])
    np.testing.assert_array_equal(r["investeringssaldo"], [-10, 0, -5])


@pytest.mark.parametrize("u_sign", ["auto", "positive"])
def test_table_layout_u_positive(u_sign):
    rows = table_rows(GOOD_LINES, GOOD_YEARS, u_positive=True)
    plan = load({"Synthese": rows}, u_sign=u_sign).plan
    np.testing.assert_array_equal(plan.line("A10101", EXPLOITATIE, U), [50, 60, 70])


def test_explicit_u_sign_overrides_auto():
    # Told U is positive while it is negative: the expenditure becomes negative magnitudes.
    plan = load({"Synthese": good_table()}, u_sign="positive").plan
    np.testing.assert_array_equal(plan.line("A10101", EXPLOITATIE, U), [-50, -60, -70])


def test_u_sign_is_decided_per_sheet():
    grids = {"Synthese": good_table(), "Positief": table_rows(GOOD_LINES, GOOD_YEARS, u_positive=True)}
    a = load(grids, sheet="Synthese").plan
    b = load(grids, sheet="Positief").plan
    np.testing.assert_array_equal(a.amounts, b.amounts)


def test_pivot_layout_with_mapping_equals_table():
    mapping = [["Actie", "Richting", "Categorie"], ["A50111", "U", "investeringen"]]
    pivot = load({"Export": pivot_rows(GOOD_LINES, GOOD_YEARS), "Categorieën": mapping})
    table = load({"Synthese": good_table()})
    assert pivot.layout == "pivot" and pivot.sheet == "Export"
    np.testing.assert_array_equal(pivot.plan.totals(), table.plan.totals())


def test_pivot_without_mapping_counts_everything_as_exploitatie():
    plan = load({"Export": pivot_rows(GOOD_LINES, GOOD_YEARS)}).plan
    t = plan.totals()
    np.testing.assert_array_equal(t[EXPLOITATIE, U], [60, 60, 75])
    assert not t[INVESTERINGEN].any()


def test_pivot_tolerates_empty_duplicates_blank_rows_and_leeg():
    rows = pivot_rows(GOOD_LINES, GOOD_YEARS)
    # rows: title, blank, header, A10101, O, U, A50111, U, Eindtotaal
    rows.insert(6, ["U", None, None, None])  # duplicated empty U row after A10101
    rows.insert(7, [None])
    rows.insert(8, ["(leeg)", None, None, None])
    rows.append(["A99999 after the total", 1, 2, 3])  # ignored: below Eindtotaal
    plan = load({"Export": rows}).plan
    np.testing.assert_array_equal(plan.line("A10101", EXPLOITATIE, U), [50, 60, 70])
    assert "A99999" not in plan.actions


def test_pivot_duplicate_filled_row_is_an_error():
    rows = pivot_rows(GOOD_LINES, GOOD_YEARS)
    rows.insert(6, ["U", -1, -2, -3])
    with pytest.raises(InputError, match=r"cel A7: dubbele U-rij voor A10101 \(ook op rij 6\)"):
        load({"Export": rows})


def test_pivot_amounts_without_label_or_before_action():
    rows = pivot_rows(GOOD_LINES, GOOD_YEARS)
    rows.insert(6, [None, 5, 0, 0])
    with pytest.raises(InputError, match="cel A7: een rij met bedragen maar zonder label"):
        load({"Export": rows})
    rows = pivot_rows(GOOD_LINES, GOOD_YEARS)
    rows.insert(3, ["O", 1, 1, 1])
    with pytest.raises(InputError, match="cel A4: rij 'O' voor de eerste actierij"):
        load({"Export": rows})


def test_pivot_action_names_are_kept():
    rows = pivot_rows(GOOD_LINES, GOOD_YEARS)
    rows[3][0] = "A10101 RCK"
    plan = load({"Export": rows}).plan
    assert plan.actions["A10101"].name == "RCK"
    assert plan.actions["A10101"].beleidsdoelstelling == "Dienstverlening"


def test_table_without_category_column_uses_mapping():
    rows = table_rows(GOOD_LINES, GOOD_YEARS, with_category=False)
    mapping = [["Actie", "Richting", "Categorie", 2026, 2027, 2028], ["A50111", "U", "investeringen", 4, None, 5]]
    plan = load({"Synthese": rows, "Categorieën": mapping}).plan
    np.testing.assert_array_equal(plan.line("A50111", INVESTERINGEN, U), [4, 0, 5])
    np.testing.assert_array_equal(plan.line("A50111", EXPLOITATIE, U), [6, 0, 0])


def test_table_total_row_and_blank_rows_are_skipped():
    rows = good_table() + [[None] * 6, ["Totaal", None, None, 999, 999, 999]]
    plan = load({"Synthese": rows}).plan
    assert len(plan.keys) == 3


def test_table_with_names_and_policy_columns():
    rows = [["Beleidsdoelstelling", "Actieplan", "Actie", "Naam", "Categorie", "Richting", "Totaal 2026-2027", 2026, 2027],
            ["Eigen BD", "AP999", "A10101", "RCK", "E", "O", 30, 10, 20]]
    loaded = load({"Synthese": rows})
    a = loaded.plan.actions["A10101"]
    assert (a.name, a.beleidsdoelstelling, a.actieplan) == ("RCK", "Eigen BD", "AP999")
    assert loaded.plan.years == (2026, 2027)
    np.testing.assert_array_equal(loaded.plan.line("A10101", EXPLOITATIE, O), [10, 20])


def test_financiering_lines():
    lines = [("A50111", "financiering", "O", [1000, 0, 0]), ("A50111", "financiering", "U", [0, 100, 100]),
             ("A50111", "exploitatie", "O", [10, 10, 10])]
    r = compute_m2(load({"Synthese": table_rows(lines, GOOD_YEARS)}).plan, load({"Synthese": good_table()}).params)
    np.testing.assert_array_equal(r["financieringssaldo"], [1000, -100, -100])
    np.testing.assert_array_equal(r["budgettair_resultaat"], [1010, -90, -90])
    assert FINANCIERING == 2


# -- a different year span ---------------------------------------------------------------------
ACCOUNT_YEARS = (2020, 2021, 2022, 2023, 2024)
ACCOUNT_LINES = [
    ("A10101", "exploitatie", "O", [10.0, 20.0, 30.0, 40.0, 50.0]),
    ("A10101", "exploitatie", "U", [15.0, 15.0, 15.0, 15.0, 15.5]),
    ("A50111", "investeringen", "U", [0.0, 0.0, 100.0, 0.0, 0.0]),
]


def test_accounts_2020_2024_with_jr_and_rek_headers(tmp_path):
    labels = ["JR 2020", "JR 2021", "JR 2022", "JR 2023", "Rek 2024"]
    params = [["Parameter", "Waarde"], ["Gecumuleerd budgettair resultaat vorig boekjaar", 100]]
    path = write_workbook(tmp_path / "rekeningen.xlsx", {
        "Synthese": table_rows(ACCOUNT_LINES, ACCOUNT_YEARS, header_labels=labels), "Parameters": params})
    loaded = load_plan(path)
    assert loaded.plan.years == ACCOUNT_YEARS
    assert loaded.warnings == []
    r = compute_m2(loaded.plan, loaded.params)
    # ES = -5, 5, 15, 25, 34.5; IS = 0, 0, -100, 0, 0; GBR = 100 + cumulative
    np.testing.assert_allclose(r["exploitatiesaldo"], [-5, 5, 15, 25, 34.5])
    np.testing.assert_allclose(r["gecumuleerd_budgettair_resultaat"], [95, 100, 15, 40, 74.5])
    assert r.norms["afm_last_year_nonnegative"].ok
    assert r.norms["bbr_nonnegative"].ok


def test_mjp_labels_in_a_pivot():
    rows = pivot_rows(ACCOUNT_LINES, ACCOUNT_YEARS)
    rows[2] = ["Rijlabels", *[f"MJP {y}" for y in ACCOUNT_YEARS]]
    loaded = load({"Export": rows})
    assert loaded.plan.years == ACCOUNT_YEARS
    np.testing.assert_allclose(compute_m2(loaded.plan, loaded.params)["exploitatiesaldo"],
                               [-5, 5, -85, 25, 34.5])  # no mapping: the investment counts as exploitatie


def test_duplicate_year_column_is_an_error():
    rows = table_rows(GOOD_LINES, GOOD_YEARS, header_labels=[2026, "MJP 2027", "Som van 2027 DT"])
    with pytest.raises(InputError, match=r"cel F1: jaar 2027 staat twee keer in de kop \(ook in E1\)"):
        load({"Synthese": rows})


# -- category mapping --------------------------------------------------------------------------
def test_mapping_errors_name_the_mapping_sheet():
    pivot = pivot_rows(GOOD_LINES, GOOD_YEARS)
    too_much = [["Actie", "Richting", "Categorie", 2026, 2027, 2028], ["A50111", "U", "investeringen", 11, 0, 0]]
    with pytest.raises(InputError) as info:
        load({"Export": pivot, "Categorieën": too_much})
    assert info.value.sheet == "Categorieën" and info.value.cell == "A2"
    assert "verschuift 11,00 van A50111 U in 2026, maar de lijn bevat maar 10,00" in str(info.value)

    unknown = [["Actie", "Richting", "Categorie"], ["A77777", "O", "investeringen"]]
    with pytest.raises(InputError, match="blad 'Categorieën', cel A2: het begrotingsblad heeft geen O-lijn voor A77777"):
        load({"Export": pivot, "Categorieën": unknown})

    badcat = [["Actie", "Richting", "Categorie"], ["A50111", "U", "gebouwen"]]
    with pytest.raises(InputError, match="blad 'Categorieën', cel C2: onbekende categorie 'gebouwen'"):
        load({"Export": pivot, "Categorieën": badcat})


# -- parameters --------------------------------------------------------------------------------
def test_two_column_parameters_sheet():
    params = [
        ["Parameter", "Waarde"],
        ["Gecumuleerd budgettair resultaat vorig boekjaar", 1000],
        ["Minimumreserve", "1.500,00"],
        ["Periodieke aflossingen", 10],  # a constant for a yearly parameter: every year
        ["Aangewezen aflossingen (% financiële schulden)", "8%"],
        ["Iets anders", 5],
    ]
    loaded = load({"Synthese": good_table(), "Parameters": params})
    p = loaded.params
    assert p.opening_reserve == 1000.0 and p.minimum_reserve == 1500.0
    assert p.repayments == {2026: 10.0, 2027: 10.0, 2028: 10.0}
    assert p.designated_repayment_rate == pytest.approx(0.08)
    messages = [str(w) for w in loaded.warnings]
    assert len(messages) == 2, messages
    assert "blad 'Parameters', cel B3: bedrag als tekst '1.500,00'" in messages[0]
    assert "blad 'Parameters', cel A6: onbekende parameter 'Iets anders' genegeerd" in messages[1]


def test_a_rate_typed_as_a_whole_number_is_refused_naming_the_cell():
    """One rule for percentages: a number is a fraction. 10 for 10% would be 1000%: refused."""
    params = [["Parameter", "Waarde"], ["Minimumreserve (% jaarloonkost)", 10]]
    with pytest.raises(InputError, match=r"cel B2: Minimumreserve .*10 wordt gelezen als 1000%.*0.1 = 10%"):
        load({"Synthese": good_table(), "Parameters": params})
    params = [["Parameter", "Waarde"], ["Standaardindex", 0.6]]  # 60% a year for an index
    with pytest.raises(InputError, match=r"cel B2: Standaardindex: 0.6 wordt gelezen als 60%, boven de aannemelijke 50%"):
        load({"Synthese": good_table(), "Parameters": params})


def test_parameters_with_year_columns_and_rates_in_percent():
    params = [
        ["Parameter", "Waarde", "MJP 2026", "MJP 2027", "MJP 2028"],
        ["opening reserve", 10],
        ["Financiële schulden op 1 januari", None, 600, 700, 655],
        ["Onbeschikbare gelden", None, None, None, 100],
        ["Minimumreserve (% jaarloonkost)", "10%"],  # text with a percent sign (a bare 10 is refused)
        ["Jaarloonkost", None, 1000, 2000, 3000],
    ]
    loaded = load({"Synthese": good_table(), "Parameters": params})
    p = loaded.params
    assert p.outstanding_debt == {2026: 600.0, 2027: 700.0, 2028: 655.0}
    assert p.unavailable == {2028: 100.0}
    assert p.minimum_reserve_pct == pytest.approx(0.10)
    r = compute_m2(loaded.plan, p)
    np.testing.assert_allclose(r.minimum_reserve, [100, 200, 300])
    np.testing.assert_allclose(r["aangewezen_aflossingen"], [48, 56, 52.4])
    np.testing.assert_allclose(r["beschikbaar_budgettair_resultaat"], [50, 190, 315])


def test_bad_parameter_value_names_the_cell():
    params = [["Parameter", "Waarde"], ["Minimumreserve", "veel"]]
    with pytest.raises(InputError) as info:
        load({"Synthese": good_table(), "Parameters": params})
    assert (info.value.sheet, info.value.cell) == ("Parameters", "B2")
    assert "Minimumreserve" in str(info.value)


def test_named_cells_give_parameters_and_win_over_the_sheet(tmp_path):
    path = write_workbook(tmp_path / "named.xlsx", {
        "Synthese": good_table(),
        "Parameters": [["Parameter", "Waarde"], ["Gecumuleerd budgettair resultaat vorig boekjaar", 1], ["Minimumreserve", 2]],
        "Instellingen": [["GBR", 777.5], ["Minimum", 55], ["Rente", 0.08]],
    }, names={"gbr_vorig_boekjaar": ("Instellingen", "B1"), "Minimumreserve": ("Instellingen", "B2"),
              "iets_anders": ("Instellingen", "B3")})
    loaded = load_plan(path)
    assert loaded.params.opening_reserve == 777.5
    assert loaded.params.minimum_reserve == 55.0
    np.testing.assert_allclose(compute_m2(loaded.plan, loaded.params)["gecumuleerd_budgettair_resultaat"],
                               [777.5 + 40, 777.5 + 180, 777.5 + 405])


def test_sample_parameters():
    loaded = load_plan(SAMPLE)
    p = loaded.params
    assert p.opening_reserve == PLAN_OPENING
    assert p.minimum_reserve_pct == pytest.approx(0.10)
    assert p.designated_repayment_rate == pytest.approx(0.08)
    assert p.repayments == {y: 0.0 for y in range(2026, 2032)}


# -- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize("case", sorted(BAD_INPUT_CASES))
def test_bad_input_gives_one_clear_message(case, tmp_path):
    path, sheet, fragments = make_bad_input(case, tmp_path)
    before = sha256(path)
    with pytest.raises(InputError) as info:
        load_plan(path, sheet=sheet)
    message = str(info.value)
    assert message.startswith(str(path)), message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert "\n" not in message
    assert sha256(path) == before


def test_belgian_text_amounts_in_a_file_warn_with_the_cell(tmp_path):
    rows = good_table()
    rows[1][3] = "1.234,56"
    rows[2][4] = "-21.000,00"
    path = write_workbook(tmp_path / "tekst.xlsx", {"Synthese": rows})
    loaded = load_plan(path)
    np.testing.assert_array_equal(loaded.plan.line("A10101", EXPLOITATIE, O), [1234.56, 200, 300])
    np.testing.assert_array_equal(loaded.plan.line("A10101", EXPLOITATIE, U), [50, 21000, 70])
    assert [w.cell for w in loaded.warnings] == ["D2", "E3"]
    assert str(loaded.warnings[1]) == (f"{path}, blad 'Synthese', cel E3: "
                                       "bedrag als tekst '-21.000,00', gelezen als -21.000,00")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="bestand niet gevonden"):
        load_plan(tmp_path / "nergens.xlsx")
    with pytest.raises(InputError, match="map, geen werkboek"):
        load_plan(tmp_path)
    (tmp_path / "x.csv").write_text("a,b\n")
    with pytest.raises(InputError, match="'.csv' is geen extensie van een werkboek"):
        load_plan(tmp_path / "x.csv")


def test_reading_never_modifies_the_input(tmp_path):
    path = write_workbook(tmp_path / "ok.xlsx", {"Synthese": good_table()})
    before, sample_before = sha256(path), sha256(SAMPLE)
    load_plan(path)
    read_grids(SAMPLE)
    load_plan(SAMPLE, sheet="Synthese (export)")
    assert sha256(path) == before and sha256(SAMPLE) == sample_before


# -- property: row order and layout do not change the result --------------------------------------
ACTIONS = ("A10101", "A10302", "A30301", "A50111")
CENTS = st.integers(min_value=0, max_value=50_000_000)  # up to 500,000.00 in cents


@st.composite
def plans(draw):
    n_years = draw(st.integers(min_value=1, max_value=4))
    years = tuple(range(2026, 2026 + n_years))
    keys = draw(st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(("exploitatie", "investeringen",
                                                                                "financiering")),
                                   st.sampled_from(("O", "U"))), min_size=1, max_size=10, unique=True))
    lines = [(a, c, d, [v / 100 for v in draw(st.lists(CENTS, min_size=n_years, max_size=n_years))])
             for a, c, d in keys]
    order = draw(st.permutations(range(len(lines))))
    opening = draw(CENTS) / 100
    return years, lines, [lines[i] for i in order], opening


def _mapping_rows(lines, years):
    rows = [["Actie", "Richting", "Categorie", *years]]
    for action, category, direction, amounts in lines:
        if category != "exploitatie":
            rows.append([action, direction, category, *amounts])
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(), st.sampled_from(["table-neg", "table-pos", "table-pos-explicit", "pivot-neg", "pivot-pos",
                                 "table-nocat-neg"]))
def test_row_order_and_layout_do_not_change_m2(case, layout):
    years, lines, shuffled, opening = case
    params = [["Parameter", "Waarde"], ["Gecumuleerd budgettair resultaat vorig boekjaar", opening]]
    reference = load({"Synthese": table_rows(lines, years), "Parameters": params})
    u_positive = layout.endswith("pos") or layout.endswith("explicit")
    u_sign = "positive" if layout.endswith("explicit") else "auto"
    if layout.startswith("pivot"):
        grids = {"Export": pivot_rows(shuffled, years, u_positive=u_positive),
                 "Categorieën": _mapping_rows(shuffled, years)}
    elif layout.startswith("table-nocat"):
        grids = {"Synthese": table_rows(shuffled, years, with_category=False, u_positive=u_positive)}
        # the same action and direction in several categories: one table row per category is
        # not possible without a category column, so sum them like a pivot does
        merged: dict = {}
        for a, _c, d, amounts in shuffled:
            merged[(a, d)] = [x + y for x, y in zip(merged.get((a, d), [0.0] * len(years)), amounts)]
        grids["Synthese"] = table_rows([(a, "exploitatie", d, v) for (a, d), v in merged.items()], years,
                                       with_category=False, u_positive=u_positive)
        grids["Categorieën"] = _mapping_rows(shuffled, years)
    else:
        grids = {"Synthese": table_rows(shuffled, years, u_positive=u_positive)}
    grids["Parameters"] = params
    other = load(grids, u_sign=u_sign)
    ra, rb = compute_m2(reference.plan, reference.params), compute_m2(other.plan, other.params)
    for key in LINE_KEYS:
        np.testing.assert_allclose(ra[key], rb[key], atol=1e-6, rtol=0, err_msg=f"{layout} {key}")
    assert {k: n.ok for k, n in ra.norms.items()} == {k: n.ok for k, n in rb.norms.items()}
    # and the totals match a direct sum of the drawn lines
    for c, cat in enumerate(("exploitatie", "investeringen", "financiering")):
        for d, direction in enumerate(("O", "U")):
            expected = np.sum([amounts for _a, cc, dd, amounts in lines if cc == cat and dd == direction]
                              or [[0.0] * len(years)], axis=0)
            np.testing.assert_allclose(rb.lines[f"{cat}_{'ontvangsten' if d == O else 'uitgaven'}"],
                                       expected, atol=1e-6, rtol=0)
