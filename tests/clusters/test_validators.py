import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from clusters.validators import (
    CREDIT_CODE_CHARSET,
    credit_code_check_character,
    validate_credit_code,
    validate_standard_number,
)

# Codes of registered organisations, published as examples of valid codes.
VALID_CODES = [
    "91350100M000100Y43",
    "91110105771583283D",
    "91110000802100433B",
    "91110108740084270C",
    "112302070019030687",
    "91110108735106340Y",
    "911101077776591113",
    "51610700305332460K",
    "91440300359143307G",
    "91440300708461136T",
    "91110108551385082Q",
]


@pytest.mark.parametrize("code", VALID_CODES)
def test_it_accepts_a_valid_credit_code(code):
    validate_credit_code(code)


def test_it_accepts_a_lowercase_code_as_uppercase():
    validate_credit_code("91350100m000100y43")


@pytest.mark.parametrize("first", ["N", "Y", "A"])
def test_it_accepts_codes_that_begin_with_a_letter(first):
    first17 = f"{first}2130283MA0CK1234"
    validate_credit_code(first17 + credit_code_check_character(first17))


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("", "length"),
        ("91350100M00O100Y43", "character"),
        ("91350100I000100Y43", "character"),
        ("9135010SM000100Y43", "character"),
        ("91350100M000100V43", "character"),
        ("91350100M000100Z43", "character"),
        ("91350100M000-00Y43", "character"),
        ("91350100M000100Y44", "check"),
        ("91110105771583283E", "check"),
    ],
)
def test_it_rejects_a_bad_credit_code_saying_why(code, rule):
    with pytest.raises(ValidationError) as raised:
        validate_credit_code(code)
    assert raised.value.code == rule


def test_the_check_character_error_names_the_expected_character():
    with pytest.raises(ValidationError) as raised:
        validate_credit_code("91350100M000100Y44")
    assert "3" in raised.value.messages[0]


@given(st.text(alphabet=CREDIT_CODE_CHARSET, min_size=17, max_size=17))
def test_any_code_with_its_computed_check_character_is_valid_and_any_other_is_not(first17):
    good = credit_code_check_character(first17)
    validate_credit_code(first17 + good)
    for other in CREDIT_CODE_CHARSET.replace(good, "")[:3]:
        with pytest.raises(ValidationError):
            validate_credit_code(first17 + other)


@given(st.text(max_size=30))
def test_arbitrary_input_is_either_a_well_formed_code_or_a_validation_error(value):
    try:
        validate_credit_code(value)
    except ValidationError as error:
        assert error.code in {"length", "character", "check"}
    else:
        code = value.strip().upper()
        assert len(code) == 18
        assert set(code) <= set(CREDIT_CODE_CHARSET)


@pytest.mark.parametrize(
    ("number", "level"),
    [
        ("GB/T 19580-2012", "national"),
        ("GB 1499.2-2018", "national"),
        ("gb/t 39001-2020", "national"),
        ("YB/T 4001-2018", "industry"),
        ("TB/T 3500-2018", "industry"),
        ("JB/T 14000-2021", "industry"),
        ("DB13/T 5000-2021", "local"),
        ("DB1302/T 001-2020", "local"),
        ("T/CAS 123-2020", "group"),
        ("T/ZHSP 001-2021", "group"),
        ("Q/TSCR 001-2020", "enterprise"),
        ("ISO 9001:2015", "international"),
        ("ISO/IEC 17025:2017", "international"),
        ("IEC 60034-1:2017", "international"),
    ],
)
def test_it_accepts_standard_numbers_of_their_level(number, level):
    validate_standard_number(number, level)


@pytest.mark.parametrize(
    ("number", "level"),
    [
        ("GB/T 19580", "national"),
        ("YB/T 4001-2018", "national"),
        ("GB/T 19580-2012", "industry"),
        ("DB13/T 5000-2021", "industry"),
        ("ISO 9001", "international"),
        ("T/ 12-2020", "group"),
        ("GB/T 19580-2012", "local"),
        ("hello", "enterprise"),
    ],
)
def test_it_rejects_a_standard_number_that_does_not_fit_its_level(number, level):
    with pytest.raises(ValidationError) as raised:
        validate_standard_number(number, level)
    assert raised.value.code == "standard_number"
