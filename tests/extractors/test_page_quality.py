"""Which pages need OCR: none, sparse (on an image page) or garbage text layers."""

import pytest

from extractors.page_quality import TextLayerVerdict, count_chars, is_garbage, judge_text_layer

LETTER = (612.0, 792.0)
PAGE_OF_TEXT = "The Supplier shall provide the Services in accordance with this Agreement. " * 20


@pytest.mark.parametrize(
    ("text", "coverage", "verdict"),
    [
        ("", 0.0, TextLayerVerdict.none),
        ("   \n  ", 1.0, TextLayerVerdict.none),
        (PAGE_OF_TEXT, 1.0, TextLayerVerdict.usable),
        # a Bates stamp on a scanned page: the contract text is only in the image
        ("ACME-000123", 0.98, TextLayerVerdict.sparse),
        ("Confidential - Page 3 of 9", 1.0, TextLayerVerdict.sparse),
        # a born-digital cover page: little text, but no page-sized image
        ("MASTER SERVICES AGREEMENT", 0.0, TextLayerVerdict.usable),
        # a signature page with a small signature image
        ("IN WITNESS WHEREOF the parties have signed. By: Name: Title: Date:", 0.05,
         TextLayerVerdict.usable),
        ("\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b",
         1.0, TextLayerVerdict.garbage),
    ],
)
def test_text_layer_verdict(text: str, coverage: float, verdict: TextLayerVerdict) -> None:
    assert judge_text_layer(text, *LETTER, image_coverage=coverage) is verdict


@pytest.mark.parametrize(
    "text",
    [
        "!#$%&()*+,-./:;<=>?@[]^_`{|}~!#$%&()*+,-./:;<=>?@",  # symbols, no letters
        "\ue000\ue001\ue002 \ue003\ue004\ue005 \ue006\ue007 Agreement made between",  # PUA
        " ".join(["Xqzt Brdfk Pwrst Lkjhg Mnbvc Zxcvb Qwrtp Sdfgh Jklzx Cvbnm Trwq"] * 2),
    ],
)
def test_garbage_text_layers(text: str) -> None:
    assert is_garbage(text)


@pytest.mark.parametrize(
    "text",
    [
        PAGE_OF_TEXT,
        "Fees: $7,800.00; $6,400.00; $1,950.00 per month (USD), 99.95% uptime, 24x7x365.",
        "Der Auftragnehmer erbringt die Leistungen gemäß diesem Vertrag und seinen Anlagen.",
        "1.1 2.2 3.3",  # too short to judge
        # CUAD pages once mistaken for garbage: signature lines, dot leaders, redactions,
        # a table of part numbers
        "DATED 26 September 2019\nBicycleTX Ltd\nand\n________________________________\n"
        "SERVICE AGREEMENT\n__________________________________________________",
        " 14.E. COMPLIANCE WITH LAWS..........38\n 14.F. PAYMENT OF TAXES...............39",
        "***\n***\n*** ***\n*** ***\n*** ***\n*** ***",
        "[**] [**] [**] [**] [**] [**] [**] [**]\n[**] [**] [**] [**] [**] [**] [**] [**]",
        "PWM-5700-00431-SH\nTBD - Brookside 4 0.2MW\nTBD - Brookside 5 0.2MW\n"
        "TBD - Brookside 6 0.2MW\nTBD - Brookside 7 0.2MW\nTBD - Brookside 8 0.2MW\n"
        "TBD - Brookside 9 0.2MW\nTBD - Brookside 10 0.2MW\nTBD - Brookside 11 0.2MW",
    ],
)
def test_real_text_is_not_garbage(text: str) -> None:
    assert not is_garbage(text)


@pytest.mark.parametrize("text", [
    "", "Plain ASCII text,\twith\nline breaks\x0b\x0c\x1c and 12 digits.",
    "Curly “quotes” — dashes, café, naïve, Æsir, ½, ², ٣, \u00a0no-break\u2003em space",
    "\ud800 a lone surrogate \udfff", "".join(chr(c) for c in range(0, 0x3000, 7)),
])
def test_counting_characters_agrees_with_testing_each(text: str) -> None:
    for test in (str.isspace, str.isalnum, str.isalpha):
        assert count_chars(text, test) == sum(map(test, text))
