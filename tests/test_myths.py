"""FAQ, sponsor and myth topics: presence, shape, myth patterns and a scan of every topic body.

Run: .venv/bin/python -m pytest tests/test_myths.py -q
"""
from __future__ import annotations

import re
from collections import defaultdict

import pytest

from rules_core.explain import STATIC_KINDS, topics
from tests.myth_claims import MYTH_CLAIMS, wrong_claims

FAQ_IDS = [
    "faq.what_is_default", "faq.what_is_deemed_distribution", "faq.what_is_offset",
    "faq.what_is_qplo", "faq.l_vs_m", "faq.sixty_day_rule", "faq.income_without_cash",
    "faq.which_tax_year", "faq.need_extension", "faq.age_55_rule", "faq.age_59_half",
    "faq.repay_after_default", "faq.roll_to_new_employer", "faq.partial_rollover",
    "faq.credit_score", "faq.rollover_on_return", "faq.employer_fixes", "faq.cure_period",
    "faq.loan_limit", "faq.withholding", "faq.leave_and_military",
    "faq.missed_rollover_deadline", "faq.what_to_do_now",
    # Issue 9: the questions real participants and benefits staff ask.
    "faq.repay_after_leaving", "faq.loan_to_new_plan", "faq.weekend_holiday", "faq.penalty_base",
    "faq.hardship_vs_loan", "faq.state_tax", "faq.tax_return_lines", "faq.form_5329",
    "faq.two_plans", "faq.plan_refuses_repayment", "faq.other_plan_types", "faq.how_much_tax",
    "faq.new_loan_after_default", "faq.when_offset_happens",
]
SPONSOR_IDS = [
    "sponsor.payroll_stopped", "sponsor.cure_period_design", "sponsor.offset_vs_continue",
    "sponsor.leaving_employee", "sponsor.reporting_codes",
]
MYTH_IDS = [
    "myth.loan_is_deemed", "myth.sixty_days_after_leaving", "myth.rollover_reverses_deemed",
    "myth.ninety_day_cure", "myth.qplo_sixty_after_due_date",
    "myth.unpaid_after_leaving_is_deemed", "myth.m_means_termination", "myth.secure_act_window",
    # issue 10: texts that stated the law wrongly
    "myth.defaulted_loan_offset_is_ordinary", "myth.keep_repaying_after_offset",
    "myth.offset_within_a_year_is_qplo", "myth.public_safety_any_plan",
]

# Wrong sentences, as they could appear in generated text. Every regex must match at least two
# of its myth's examples, and wrong_claims must report each example under its myth.
POSITIVE = {
    # issue 10: the sentences our own topics used to say come first
    "myth.defaulted_loan_offset_is_ordinary": [
        "Because the loan had already failed the repayment rules before the offset, this is an "
        "ordinary offset, not a qualified plan loan offset.",
        "Your loan had already fallen short of those rules by then. So the offset is an ordinary "
        "plan loan offset, and the extended rollover deadline is not available for it.",
        "An offset of a defaulted loan is an ordinary plan loan offset.",
        "The offset of a deemed loan counts as an ordinary offset with 60 days to roll over.",
        "The offset after a deemed distribution is an ordinary offset.",
        "Since the loan was previously deemed distributed, the later offset is an ordinary offset.",
    ],
    "myth.keep_repaying_after_offset": [
        "After the offset, keep repaying the loan as scheduled.",
        "After your loan offset you must continue to repay the plan.",
        "Keep making your loan payments after the offset.",
        "Continue repaying the loan even after the offset.",
    ],
    "myth.offset_within_a_year_is_qplo": [
        "If the loan is current and the offset falls within 12 months after severance, it's a "
        "qualified plan loan offset.",
        "Any offset within a year of leaving is a QPLO.",
        "An offset is a QPLO when the plan terminated, or when it happened within 12 months after "
        "you left your job, and the loan was in good standing.",
        "The offset is a qualified plan loan offset if it happened within 12 months of leaving.",
    ],
    "myth.public_safety_any_plan": [
        "For qualified public safety employees, the age is 50.",
        "Public safety employees can use age 50 instead of 55.",
        "Firefighters get age 50 for penalty-free withdrawals.",
        "The age-50 rule applies to any 401(k) plan.",
        "Police officers can use the age-50 exception with every employer's plan.",
    ],
    "myth.loan_is_deemed": [
        "Taking a 401(k) loan is a deemed distribution, so it shows up on your tax return.",
        "Getting a loan from your 401(k) triggers a deemed distribution right away.",
        "Borrowing against your plan through a loan counts as a deemed distribution.",
        "A 401(k) loan is a deemed distribution from day one.",
        "Plan loans are treated as deemed distributions for tax purposes.",
        "Remember that a 401k loan is always a deemed distribution, even if you repay it.",
        "When you take a 401(k) loan, it's a deemed distribution.",
        "When you borrow through a plan loan, the IRS treats it as a deemed distribution.",
    ],
    "myth.sixty_days_after_leaving": [
        "You have 60 days to repay the loan after you leave your job.",
        "With an offset you get sixty days to roll it over once you quit.",
        "You only have 60 days to pay back your 401(k) loan when you leave.",
        "After you leave your employer, you have only 60 days to repay the outstanding loan.",
        "Once you quit, you'll typically get 60 days to pay back the balance or it becomes taxable.",
        "A QPLO must be rolled over within 60 days.",
        "With a qualified plan loan offset, you have 60 days to roll over the offset amount.",
        "For a QPLO, the 60-day rollover deadline starts when the loan is offset.",
        "You have 60 days after leaving your job to repay the loan.",
        "You get sixty days from termination to roll over the offset.",
        "After you leave, you must repay the loan within 60 days or it is taxed.",
        "Upon leaving, the loan has to be repaid within sixty days.",
        "The loan must be repaid within 60 days of leaving.",
        "You must roll over the offset within sixty days after you quit.",
    ],
    "myth.rollover_reverses_deemed": [
        "Rolling over the cash reverses the deemed distribution.",
        "If you roll over an equal amount within 60 days, that undoes the deemed distribution.",
        "A rollover into an IRA will cancel a deemed distribution.",
        "You can roll over the deemed distribution to an IRA to avoid the tax.",
        "Don't panic: you may roll over your deemed distribution within 60 days.",
        "A deemed distribution can be rolled over within 60 days like any other payout.",
        "Deemed distributions are eligible for rollover treatment.",
        "Remember, a deemed distribution is an eligible rollover distribution.",
        "Rolling the money over to an IRA will reverse the deemed distribution.",
    ],
    "myth.ninety_day_cure": [
        "Most plans give you a 90-day cure period to catch up.",
        "Most 401(k) plans offer a 90-day grace period for missed loan payments.",
        "Under the ninety-day grace period, you can still make the payment.",
        "The standard 90-day cure window applies to every 401(k) loan.",
        "Plans give you 90 days to cure a missed loan payment.",
        "You have ninety days to catch up on missed loan payments before the loan defaults.",
        "The IRS allows 90 days to make up a missed installment.",
        "The loan is deemed distributed 90 days after the missed payment.",
        "Your loan defaults ninety days after your first missed installment.",
    ],
    "myth.qplo_sixty_after_due_date": [
        "You have until 60 days after the tax return due date to roll over a QPLO.",
        "The QPLO deadline is sixty days from your return due date.",
        "You can complete the rollover 60 days past the filing deadline.",
        "Your QPLO rollover deadline is 60 days after the April 15 filing deadline.",
        "A QPLO can be rolled over until the return due date plus 60 days.",
        "Your deadline is the filing due date plus sixty days.",
    ],
    "myth.unpaid_after_leaving_is_deemed": [
        "If you leave your job and don't repay, the unpaid balance becomes a deemed distribution.",
        "Once you quit, any outstanding loan is treated as a deemed distribution.",
        "When you left, the loan was treated as a deemed distribution by the plan.",
        "An unpaid loan after you leave is a deemed distribution.",
        "The outstanding balance when you quit becomes a deemed distribution on your taxes.",
        "A deemed distribution happens when you leave your job with a loan.",
        "The deemed distribution kicks in once you quit without repaying.",
        "Your 401(k) loan becomes a deemed distribution if you don't repay it after leaving your job.",
        "The balance is treated as a deemed distribution once you quit.",
        "If you lose your job, the unpaid loan will be treated as a deemed distribution.",
    ],
    "myth.m_means_termination": [
        "Code M means termination of employment.",
        "A code M in box 7 indicates that you left your job.",
        "Code M stands for separation from service.",
        "M is the code for termination on Form 1099-R.",
        "Box 7 code M = code for leaving the employer.",
        "Code M indicates the distribution was due to termination of employment.",
    ],
    "myth.secure_act_window": [
        "The SECURE Act extended the rollover deadline for qualified plan loan offsets.",
        "SECURE 2.0 introduced the longer QPLO window.",
        "The SECURE Act of 2019 gave employees until the tax return due date.",
        "The extended deadline for a qualified plan loan offset came from the SECURE Act.",
        "The QPLO rule is part of the SECURE Act.",
        "Under the SECURE Act's QPLO rule you get more time.",
        "People can use the SECURE Act qualified plan loan offset extension.",
        "The qualified plan loan offset rules were introduced by the SECURE Act in 2019.",
    ],
}

# Correct statements (several from our own topics) and explicit denials: no pattern may fire.
NEGATIVE = [
    # issue 10
    "A later offset of a loan already deemed distributed is not an ordinary plan loan offset.",
    "The offset only settled a debt already taxed: it is neither a 60-day rollover chance nor a "
    "qualified plan loan offset.",
    "Yours is an ordinary plan loan offset: an actual distribution that you can roll over.",
    "After the offset there is nothing left to repay.",
    "Keep paying until the offset; after it the loan is gone.",
    "An offset within 12 months after you leave is a QPLO only if it is solely because of the "
    "severance and the loan was in good standing.",
    "If the offset is solely due to severance, within 12 months of it, it's a QPLO.",
    "Public safety employees of a State or local government can use age 50 in a governmental plan.",
    "For some public safety workers it starts at 50, depending on the plan and the date.",
    "Private-sector firefighters qualify from age 50 for distributions after December 29, 2022.",
    "A 401(k) loan that follows the rules isn't taxed when you take it.",
    "A plan loan is a deemed distribution only if it fails the rules.",
    "A defaulted plan loan is a deemed distribution at the end of the cure period.",
    "Taking a loan that is too big results in a deemed distribution of the excess.",
    "It's a myth that taking a 401(k) loan is a deemed distribution.",
    "The 60-day limit applies to an ordinary plan loan offset.",
    "The usual window is 60 days; a qualified plan loan offset gets longer.",
    "A QPLO gets more time than the ordinary 60-day window.",
    "A qualified plan loan offset is not limited to 60 days.",
    "If the offset comes more than 12 months after you leave, you have 60 days from the offset.",
    "A deemed distribution isn't an eligible rollover distribution.",
    "A deemed distribution can't be rolled over.",
    "Rolling over cash does not change a deemed distribution.",
    "Your plan's 90-day cure period ends on June 29.",
    "If your plan chose a 90-day cure period, the deadline is earlier than the maximum.",
    "A payment due March 31 can be made up through June 30, about three months.",
    "The deadline is the return due date, including extensions; nothing is added on top.",
    "When you leave, the plan offsets the loan: that's a plan loan offset, not a deemed distribution.",
    "If you leave after your loan was already deemed distributed, the offset isn't taxed again.",
    "If you left after your loan was deemed distributed, the later offset isn't taxed again.",
    "When you left, your loan had been deemed distributed two years before.",
    "Code M in box 7 stands for a qualified plan loan offset.",
    "Code M means a qualified plan loan offset, which can follow plan termination.",
    "The extended window came from the Tax Cuts and Jobs Act of 2017.",
    "SECURE 2.0 (\u00a7305) also lets plans self-correct many inadvertent errors.",
    "The plan administrator may allow a cure period, which cannot extend beyond the last day of "
    "the calendar quarter following the quarter in which the installment was due.",
    "An offset for any other reason keeps the 60-day rule.",
    "A QPLO may be rolled over until the individual's return due date, including extensions.",
    "A loan already deemed distributed before severance cannot produce a QPLO.",
    "Code M was added for 2018 and may be combined with 1, 2, 4, 7 or B.",
    "Code M indicates a qualified plan loan offset after plan termination or severance.",
    "If you left your job more than 12 months before the offset, the 60-day rule applies.",
    "An offset more than 12 months after you left is an ordinary offset with a 60-day window.",
    "The rollover deadline for an ordinary offset is 60 days after the offset.",
    "If your offset isn't qualified, you must roll it over within 60 days of the offset.",
    "Your plan may give you 90 days to catch up if its loan policy says so.",
    "The loan became a deemed distribution before you left, so the offset isn't taxed again.",
    "A loan offset after plan termination is a distribution, not a deemed distribution.",
    "Rolling over cash can't reverse a deemed distribution.",
    "Contrary to what you may read, the SECURE Act created nothing about QPLOs.",
]

# The correct fact each myth topic must state.
KEY_FACTS = {
    "myth.defaulted_loan_offset_is_ordinary": [r"taxed only once", r"can't be rolled over"],
    "myth.keep_repaying_after_offset": [r"pay off the loan", r"nothing left to repay"],
    "myth.offset_within_a_year_is_qplo": [r"solely because the plan terminated", r"good standing"],
    "myth.public_safety_any_plan": [r"governmental", r"December 31, 2015", r"December 29, 2022",
                                    r"25 years of service"],
    "myth.loan_is_deemed": [r"(?:isn't|is not) taxed when you take it", r"end of the cure period"],
    "myth.sixty_days_after_leaving": [r"return due date, including extensions", r"12 months"],
    "myth.rollover_reverses_deemed": [r"(?:isn't|is not) an eligible rollover distribution"],
    "myth.ninety_day_cure": [
        r"last day of the calendar quarter (?:after|following) the calendar quarter in which "
        r"the missed payment was due",
        r"shorter cure period",
    ],
    "myth.qplo_sixty_after_due_date": [r"due date of your federal income tax return, including "
                                       r"extensions", r"October 15, 2026"],
    "myth.unpaid_after_leaving_is_deemed": [r"plan loan offset", r"actual distribution"],
    "myth.m_means_termination": [r"qualified plan loan offset"],
    "myth.secure_act_window": [r"Tax Cuts and Jobs Act of 2017", r"13613"],
}


def _words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9$%§½'’().,-]+", text))


def _norm(ask: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", ask.lower()))


@pytest.fixture(scope="module")
def all_topics():
    return topics()


# (a) presence and shape ---------------------------------------------------------------------

@pytest.mark.parametrize("topic_id", MYTH_IDS)
def test_myth_topic_exists_with_myth_and_citations(all_topics, topic_id):
    t = all_topics[topic_id]
    assert t.kind == "myth"
    assert t.myth and t.myth.strip()
    assert t.citations
    # The body states the correct rule; it does not repeat the wrong claim word for word.
    assert t.myth.strip().rstrip(".").lower() not in t.body.lower()


@pytest.mark.parametrize("topic_id", FAQ_IDS + SPONSOR_IDS)
def test_faq_and_sponsor_topics_exist(all_topics, topic_id):
    t = all_topics[topic_id]
    expected_kind = topic_id.split(".")[0]
    assert t.kind == expected_kind
    assert t.audience == ("sponsor" if expected_kind == "sponsor" else "participant")
    assert t.citations
    assert t.myth is None


@pytest.mark.parametrize("topic_id", FAQ_IDS)
def test_faq_body_length(all_topics, topic_id):
    words = _words(all_topics[topic_id].body)
    assert 60 <= words <= 160, f"{topic_id}: {words} words"


def test_static_topics_have_no_placeholders(all_topics):
    for t in all_topics.values():
        if t.kind in STATIC_KINDS:
            assert "{" not in t.body and "}" not in t.body, t.id
            assert not t.placeholders, t.id


# (b) each regex matches its positive examples -------------------------------------------------

def test_every_myth_has_patterns_and_only_known_ids():
    ids = {topic_id for topic_id, _ in MYTH_CLAIMS}
    assert ids == set(MYTH_IDS)
    assert set(POSITIVE) == set(MYTH_IDS)


@pytest.mark.parametrize("index", range(len(MYTH_CLAIMS)))
def test_pattern_matches_at_least_two_examples(index):
    topic_id, pattern = MYTH_CLAIMS[index]
    hits = [s for s in POSITIVE[topic_id] if pattern.search(s)]
    assert len(hits) >= 2, f"{topic_id} pattern {index} matched only {hits}"


@pytest.mark.parametrize(
    "topic_id,sentence",
    [(tid, s) for tid, sentences in POSITIVE.items() for s in sentences],
)
def test_wrong_claims_reports_each_example(topic_id, sentence):
    assert topic_id in {tid for tid, _ in wrong_claims(sentence)}


@pytest.mark.parametrize("sentence", NEGATIVE)
def test_correct_statements_are_not_flagged(sentence):
    assert wrong_claims(sentence) == []


def test_wrong_claims_returns_matched_text_in_order():
    text = ("Code M means termination of employment. Also, plans give you 90 days to cure a "
            "missed payment.")
    found = wrong_claims(text)
    assert [tid for tid, _ in found] == ["myth.m_means_termination", "myth.ninety_day_cure"]
    assert found[0][1].lower().startswith("code m means termination")


# (c) no topic body anywhere states a wrong claim ----------------------------------------------

def test_no_topic_body_contains_a_wrong_claim(all_topics):
    offenders = {tid: wrong_claims(t.body) for tid, t in all_topics.items()}
    offenders = {tid: found for tid, found in offenders.items() if found}
    assert offenders == {}


def test_no_question_text_contains_a_wrong_claim(all_topics):
    offenders = {tid: wrong_claims(t.question) for tid, t in all_topics.items() if t.question}
    assert {tid: f for tid, f in offenders.items() if f} == {}


# (d) each myth body states the key correct fact ----------------------------------------------

@pytest.mark.parametrize("topic_id", MYTH_IDS)
def test_myth_body_states_the_key_fact(all_topics, topic_id):
    body = " ".join(all_topics[topic_id].body.split())
    for fact in KEY_FACTS[topic_id]:
        assert re.search(fact, body, re.IGNORECASE), f"{topic_id} lacks {fact!r}"


# (e) asks -------------------------------------------------------------------------------------

@pytest.mark.parametrize("topic_id", FAQ_IDS + SPONSOR_IDS)
def test_faq_and_sponsor_have_enough_asks(all_topics, topic_id):
    asks = all_topics[topic_id].asks
    assert 4 <= len(asks) <= 8, f"{topic_id}: {len(asks)} asks"
    assert all(isinstance(a, str) and a.strip() for a in asks)


def test_asks_are_unique_across_all_topics(all_topics):
    seen = defaultdict(list)
    for tid, t in all_topics.items():
        for ask in t.asks:
            seen[_norm(ask)].append(tid)
    duplicates = {ask: tids for ask, tids in seen.items() if len(tids) > 1}
    assert duplicates == {}
