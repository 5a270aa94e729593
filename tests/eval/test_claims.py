"""The hand-written claims benchmark (`python -m eval checks --claims`): its files and its
judge."""

from __future__ import annotations

import pytest

from assistant.types import CheckResult
from eval.checks import CLAIMS, Claim, judge_claim, load_claims


@pytest.mark.parametrize("path", [CLAIMS, CLAIMS.with_name("claims2.jsonl")])
def test_the_claim_files_hold_both_kinds_and_say_the_document_s_value(path):
    claims = load_claims(path)
    assert {c.holds for c in claims} == {True, False}
    assert all(c.claim.startswith("Klopt het dat") for c in claims)
    assert all(c.document for c in claims if not c.holds)


def test_a_wrong_claim_is_right_only_when_the_difference_shows_the_document_s_value():
    wrong = Claim("Klopt het dat er 80.000 leerlingen …?", False, "73.558")
    assert judge_claim(wrong, CheckResult("different", "s", differences=[("80.000", "73558")]))[0]
    assert judge_claim(wrong, CheckResult("different", "s", differences=[("80.000", "200")])) == (
        False, "different, without the document's value")
    assert judge_claim(wrong, CheckResult("supported", "s")) == (
        False, "supported (a wrong claim confirmed)")
    assert judge_claim(wrong, None) == (False, "not taken as a check")
    holds = Claim("Klopt het dat …?", True)
    assert judge_claim(holds, CheckResult("verbatim", "s"))[0]
    assert not judge_claim(holds, CheckResult("different", "s", differences=[("a", "b")]))[0]
