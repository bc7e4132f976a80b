import random

import pytest

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.pii import (
    mask_mobile,
    mask_numbers_in_text,
    mask_resident_id,
    resident_id_check_character,
    validate_mobile,
    validate_resident_id,
)

# the worked example of GB 11643-1999
SAMPLE_ID = "11010519491231002X"


@pytest.mark.parametrize("text", ["13812345678", "19912345678", "138 1234 5678", "138-1234-5678", "+8613812345678"])
def test_mobile_accepted_and_normalised(text):
    assert len(validate_mobile(text)) == 11


@pytest.mark.parametrize("text", ["12812345678", "10812345678", "1381234567", "138123456789", "2381234567a", ""])
def test_mobile_refused_naming_field(text):
    with pytest.raises(InvalidArgument) as caught:
        validate_mobile(text, field="phone")
    assert (caught.value.field, caught.value.rule) == ("phone", "mobile_format")


def test_mobile_refusal_does_not_echo_the_number():
    with pytest.raises(InvalidArgument) as caught:
        validate_mobile("1281234567890")
    assert "1281234567890" not in caught.value.message


def test_mobile_masked():
    assert mask_mobile("13812345678") == "138****5678"


def test_resident_id_check_character():
    assert resident_id_check_character(SAMPLE_ID[:17]) == "X"


def test_resident_id_check_character_satisfies_iso_7064_mod_11_2():
    # the standard's own definition: Σ digit × 2^(18−position) over all 18 characters ≡ 1 (mod 11), X = 10
    rng = random.Random(7064)
    for _ in range(500):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        check = resident_id_check_character(body)
        values = [int(digit) for digit in body] + [10 if check == "X" else int(check)]
        assert sum(value * 2 ** (17 - index) for index, value in enumerate(values)) % 11 == 1


def test_resident_id_valid_and_lowercase_x_upper_cased():
    assert validate_resident_id(SAMPLE_ID.lower()) == SAMPLE_ID


def test_resident_id_wrong_check_digit_refused():
    with pytest.raises(InvalidArgument) as caught:
        validate_resident_id(SAMPLE_ID[:17] + "1")
    assert (caught.value.field, caught.value.rule) == ("id_number", "id_check_digit")


def test_resident_id_every_single_digit_change_detected():
    for position in range(17):
        digit = SAMPLE_ID[position]
        altered = SAMPLE_ID[:position] + str((int(digit) + 1) % 10) + SAMPLE_ID[position + 1 :]
        with pytest.raises(InvalidArgument):
            validate_resident_id(altered)


@pytest.mark.parametrize("text", ["11010519491231002", "1101051949123100XX", "A1010519491231002X", ""])
def test_resident_id_format_refused(text):
    with pytest.raises(InvalidArgument) as caught:
        validate_resident_id(text)
    assert caught.value.rule == "id_format"


def test_resident_id_impossible_birth_date_refused():
    body = "110105" + "19490230" + "002"
    with pytest.raises(InvalidArgument) as caught:
        validate_resident_id(body + resident_id_check_character(body))
    assert caught.value.rule == "id_birth_date"


def test_resident_id_masked_hides_birth_date():
    masked = mask_resident_id(SAMPLE_ID)
    assert masked == "110105********002X"
    assert "19491231" not in masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("请联系13812345678谢谢", "请联系138****5678谢谢"),
        ("电话 138-1234-5678", "电话 138****5678"),
        ("身份证35052119900101123X号", "身份证350521********123X号"),
        ("1381234567 十位数字不是手机号", "1381234567 十位数字不是手机号"),
        ("订单号213812345678是十二位", "订单号213812345678是十二位"),
        ("12345678901 以1开头但第二位不是3到9", "12345678901 以1开头但第二位不是3到9"),
        ("3号楼电梯停运两天", "3号楼电梯停运两天"),
    ],
)
def test_numbers_typed_into_free_text_are_masked_and_nothing_else(text: str, masked: str) -> None:
    assert mask_numbers_in_text(text) == masked
