"""Which dialogue a message starts (actions/routing.py): facts win over the classifier's verdict,
a general question with a number in it stays a question, and the question asked beside facts is
found. The extractor is the real one, so each case reads as a user would write it."""
import pytest

from actions.extraction import extract_entities
from actions.routing import (INFORM, WHAT_HAPPENS, Route, is_users_fact, question_part, question_text, route,
                             states_situation)


def entities(text):
    return [span.as_entity() for span in extract_entities(text)]


def routed(text, intent, ranking=(), question_ranking=None):
    return route(intent, list(ranking), text, entities(text), question_ranking)


# ---- facts win ----------------------------------------------------------------------------
@pytest.mark.parametrize("intent", ["greet", "nlu_fallback", "out_of_scope", "faq_what_to_do_now",
                                    "sponsor_payroll_stopped", "request_assessment", "thanks"])
def test_the_commonest_opener_is_information_whatever_the_classifier_said(intent):
    text = "hi, I missed my 401k loan payments since August, what happens?"
    chosen = routed(text, intent, [("greet", 0.3)], question_ranking=[("request_assessment", 0.52)])
    assert chosen.intent == INFORM
    assert chosen.also_asks == WHAT_HAPPENS  # "what happens?" before the facts are complete


@pytest.mark.parametrize("text", [
    "I got laid off in March, when does my loan get offset?",
    "how long do I have since I got laid off in March?",  # the reason inside a question
    "my employee left in March and her loan payments stopped, what now?",
    "she missed a 403b loan payment in March and the plan did a deemed distribution",
    "was laid off last month, do i have to pay penalties on my loan?",  # no subject
    "didn't pay the June 15 installment",
    "outstanding balance ~20K",  # a bare answer
])
def test_a_general_question_with_the_users_own_facts_is_information(text):
    assert routed(text, "faq_when_offset_happens").intent == INFORM


@pytest.mark.parametrize("text, intent", [
    ("when do I reach 59 1/2?", "faq_age_59_half"),
    ("does leaving my job at 55 avoid the 10% penalty on an offset", "faq_age_55_rule"),
    ("is a loan offset penalty-free if you separate in the year you turn 55", "faq_age_55_rule"),
    ("60 day rule for 401k loan when you quit", "faq_sixty_day_rule"),
    ("what's the difference between code L and code M on a 1099-R", "faq_l_vs_m"),
    ("is the 401k loan limit $50,000 or half my balance", "faq_loan_limit"),
    ("how long after I quit does my 401k loan get offset", "faq_when_offset_happens"),  # may be a plan
    ("box 7 code L1 meaning", "decode_code"),
    ("do we use M1 for a qualified plan loan offset of a participant under 59 1/2", "sponsor_reporting_codes"),
])
def test_a_general_question_stays_a_general_question(text, intent):
    assert routed(text, intent) == Route(intent)


def test_a_what_if_keeps_its_hypothetical_values_out():
    assert routed("what if I had left in 2024?", "what_if") == Route("what_if")


def test_a_dont_know_keeps_its_intent():
    assert routed("idk, sometime in March?", "dont_know").intent == "dont_know"


def test_a_dont_know_with_facts_beside_it_is_information():
    # outside the form the facts were lost; the form still reads the don't-know (test_did_you_mean)
    assert routed("no idea, but I got laid off in March and owe about 9k", "dont_know").intent == INFORM


@pytest.mark.parametrize("intent", ["affirm", "deny"])
def test_a_yes_or_no_with_facts_is_information_and_a_bare_one_an_answer(intent):
    assert routed("no, I was behind on it when I got laid off in March", intent).intent == INFORM
    assert routed("yes, about 8 grand", intent).intent == intent  # a value for the question asked


# ---- codes --------------------------------------------------------------------------------
def test_a_code_on_the_users_own_form_is_explained_and_kept():
    assert routed("my 1099-R says L1, what is that", "decode_code") == Route("decode_code", "decode_code", True)


def test_a_code_asked_about_in_general_is_only_explained():
    assert routed("what does code M1 mean?", "decode_code") == Route("decode_code")


def test_a_code_in_a_story_with_other_facts_is_information_and_explained():
    text = "I left my job in March and my 1099-R says M1, what does it mean?"
    assert routed(text, "decode_code") == Route(INFORM, "decode_code", False)


# ---- whose fact, and is it real -------------------------------------------------------------
def test_a_plan_in_a_statement_is_about_the_users_situation_but_a_condition_is_not():
    planned = {"entity": "separation_date", "role": "planned", "value": "January"}
    text = "I'm about to lose my job in January"
    assert is_users_fact(text, {**planned, "start": text.index("January"), "end": len(text)})
    text = "if I quit in January will I owe the penalty?"
    assert not is_users_fact(text, {**planned, "start": text.index("January"), "end": text.index(" will")})


def test_a_modal_before_a_value_makes_it_a_possibility_not_a_fact():
    text = "I might retire in June"
    assert not is_users_fact(text, {"entity": "separation_date", "value": "June", "start": text.index("June"),
                                    "end": len(text)})


def test_a_default_401k_mention_is_not_a_situation():
    text = "can I borrow from my 401k"
    assert not states_situation(text, [{"entity": "plan_kind", "value": "401k", "start": 20, "end": 24}])


# ---- the question part ------------------------------------------------------------------------
def test_the_question_part_is_the_part_that_asks():
    assert question_text("hi, I missed my 401k loan payments since August, what happens?") == "what happens?"
    assert question_text("I left in March. They offset it in June. Do I have 60 days?") == "Do I have 60 days?"
    assert question_text("what is a qplo?") is None  # the whole message is the question
    assert question_text("I left in March") is None


def test_a_topic_is_answered_beside_the_facts_only_when_ranked_well_enough_and_asked():
    assert question_part([("faq_sixty_day_rule", 0.4)], "do I have 60 days?") == "faq_sixty_day_rule"
    assert question_part([("faq_sixty_day_rule", 0.05)], "do I have 60 days?") is None
    assert question_part([("faq_sixty_day_rule", 0.2)], "I left in March") is None  # nothing asked
    assert question_part([("inform", 0.9), ("greet", 0.1)], "what now?") is None  # no topic ranked


def test_an_inform_message_keeps_inform_and_gets_its_question_part():
    text = "I left my job on March 14 and they offset my loan in June, do I have 60 days?"
    chosen = routed(text, "inform", [("inform", 0.86)], question_ranking=[("faq_sixty_day_rule", 0.6)])
    assert chosen == Route(INFORM, "faq_sixty_day_rule")


# ---- plans, conditions and added phrases --------------------------------------------------------
def planned(text, value, label="separation_date"):
    start = text.index(value)
    return {"entity": label, "value": value, "start": start, "end": start + len(value), "role": "planned"}


def test_the_users_own_plan_is_their_situation_but_an_employees_plan_is_a_sponsors_question():
    text = "I have a TSP loan and I'm retiring jan 31, can I pay it off after?"
    assert route("faq_repay_after_leaving", [], text, [planned(text, "jan 31")]).intent == INFORM
    text = "we have an employee leaving next week who still has a loan, what do we tell her?"
    chosen = route("sponsor_leaving_employee", [], text, [planned(text, "next week")])
    assert chosen.intent == "sponsor_leaving_employee"


def test_once_is_a_plan_and_if_is_a_supposition():
    text = "once I retire next month, what happens to my loan"
    assert route("faq_when_offset_happens", [], text, [planned(text, "next month")]).intent == INFORM
    text = "if I retire next month, what happens to my loan"
    assert route("faq_when_offset_happens", [], text, [planned(text, "next month")]).intent == "faq_when_offset_happens"


def test_what_is_joined_to_an_opening_condition_is_supposed_too():
    text = "if the plan offsets the loan in january but i left in december, which years taxes does it go on"
    assert routed(text, "faq_which_tax_year").intent == "faq_which_tax_year"


def test_a_phrase_added_to_a_statement_is_part_of_it():
    text = "my retirement loan defaulted, loan of $44k. how do they figure the tax on it?"
    value = {"entity": "loan_balance", "value": "$44k", "start": text.index("$44k"), "end": text.index("$44k") + 4}
    assert route("nlu_fallback", [], text, [value]).intent == INFORM


def test_the_kind_of_plan_is_the_users_fact_only_when_it_is_their_plan():
    text = "i have a loan from my hospital 403(b), does this apply"
    value = {"entity": "plan_kind", "value": "403(b)", "start": text.index("403(b)"), "end": text.index("403(b)") + 6}
    assert route("faq_other_plan_types", [], text, [value]) == Route(INFORM, None)
    ranked = [("faq_other_plan_types", 0.8)]
    assert route("faq_other_plan_types", ranked, text, [value]) == Route(INFORM, "faq_other_plan_types")
    text = "does this apply to 403b loans"
    value = {**value, "value": "403b", "start": text.index("403b"), "end": text.index("403b") + 4}
    assert route("faq_other_plan_types", ranked, text, [value]).intent == "faq_other_plan_types"
    text = "my loan is a 401k, is it different for a 403b"
    value = {**value, "value": "401k", "start": text.index("401k"), "end": text.index("401k") + 4}
    assert route("faq_other_plan_types", ranked, text, [value]).intent == "faq_other_plan_types"  # the default
    text = "its a 403(b) thru the school district"
    value = {**value, "value": "403(b)", "start": text.index("403(b)"), "end": text.index("403(b)") + 6}
    assert route("nlu_fallback", [], text, [value]).intent == INFORM


def test_a_what_if_beside_facts_is_information_and_its_suppositions_stay_out():
    text = "I'm 53. what if i hang on and quit after i turn 55, does the penalty go away then?"
    ents = [{"entity": "age", "value": "53", "start": 4, "end": 6},
            {"entity": "left_job", "value": "quit", "role": "planned", "start": text.index("quit"),
             "end": text.index("quit") + 4}]
    assert route("what_if", [], text, ents) == Route(INFORM, "what_if")
    assert routed("what if I had left in 2024?", "what_if") == Route("what_if")


def test_a_code_on_my_1099_is_theirs_even_asked_as_a_question():
    assert routed("what does 1L mean on my 1099r, is that bad", "decode_code").own_code
    assert not routed("what does code 1L mean on a 1099-R", "decode_code").own_code


@pytest.mark.parametrize("text", [
    "I owe about 9k on a personal loan from my credit union and missed the october payment. is that a default?",
    "different question, i have a student loan around 23k and missed two payments in september",
])
def test_another_loans_story_is_out_of_scope_even_when_the_classifier_hears_a_loan_story(text):
    assert route("inform", [("inform", 0.5)], text, []).intent == "out_of_scope"


def test_our_loan_beside_another_one_stays_the_users_story():
    text = "i missed my 401k loan payment and my car loan payment in june"
    assert route("inform", [("inform", 0.5)], text, []).intent == "inform"


def test_another_loans_story_is_out_of_scope_when_the_classifier_is_unsure_too():
    # below the fallback threshold the classifier's "inform" arrives as nlu_fallback: a car loan's
    # story still gets the plain "I only cover 401(k) loans", not a "did you mean" about ours
    text = "different question, i have a student loan around 23k and missed two payments in september"
    assert route("nlu_fallback", [("inform", 0.27)], text, []).intent == "out_of_scope"


@pytest.mark.parametrize("text", [
    "the company gym closed on june 30, do they owe us a refund on the membership fees?",
    "my HSA got closed out in march when they switched providers, what happened to the money in it?",
])
def test_a_story_with_no_word_of_a_plan_loan_is_out_of_scope_when_the_classifier_doubts_it(text):
    assert routed(text, "inform", [("inform", 0.45), ("out_of_scope", 0.2)]).intent == "out_of_scope"
    # not when the classifier has no doubt it is off-topic
    assert routed(text, "inform", [("inform", 0.45), ("faq_cure_period", 0.2), ("greet", 0.1),
                                   ("out_of_scope", 0.05)]).intent == "inform"


@pytest.mark.parametrize("text", [
    "sometime around the 14th of that month i think",     # an answer to the form's question
    "i missed the payment that was due in june and then the one after that too",  # our words
])
def test_answers_and_our_own_stories_are_never_sent_out_of_scope(text):
    assert routed(text, "inform", [("inform", 0.45), ("out_of_scope", 0.2)]).intent == "inform"


@pytest.mark.parametrize("text, intent", [
    ("my wife missed her car payment thats due on the 1st, is there a grace period?", "faq_cure_period"),
    ("i have a student loan around 23k and missed two payments. will that wreck my credit score?", "faq_credit_score"),
])
def test_a_general_question_about_another_loan_is_out_of_scope(text, intent):
    assert routed(text, intent, [(intent, 0.6)]).intent == "out_of_scope"


def test_a_general_question_about_our_loan_beside_another_stays_a_question():
    text = "do I report the loan default as a pension distribution on my 1040"
    assert routed(text, "faq_tax_return_lines", [("faq_tax_return_lines", 0.6)]).intent == "faq_tax_return_lines"


def test_a_bare_answer_asks_no_question_whatever_topic_its_words_resemble():
    # "october 3" looks like the October 15 extension topic to the classifier
    chosen = routed("october 3", "faq_need_extension", [("faq_need_extension", 0.9)])
    assert chosen == Route(INFORM)


def test_an_unsure_message_with_a_supposition_is_a_what_if_not_a_did_you_mean():
    text = "rumor is the hospital lays people off in february. if that's me and I owe 20k on my 403b loan, what happens?"
    assert routed(text, "nlu_fallback", [("faq_what_to_do_now", 0.2)]).intent == "what_if"
