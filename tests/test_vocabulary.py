"""One spelling per thing: rule ids, topic ids, citation ids, date names and fact names agree
across code, data and the output contract."""
import ast
import re
from pathlib import Path

from rules_core import citations, explain, rules
from rules_core.classify import CLASSIFICATIONS
from rules_core.contract import AssessmentOut
from rules_core.facts import FACT_NAMES
from rules_core.parameters import registry as parameters
from rules_core.render import date_names

CORE = Path(__file__).resolve().parents[1] / "rules_core"
SOURCES = {p: p.read_text(encoding="utf-8") for p in CORE.rglob("*.py")}
TOPIC_PREFIXES = ("result", "tax", "rollover", "withholding", "window", "cure", "code", "code_check",
                  "step", "amount", "faq", "sponsor", "myth", "roth", "relief")
TOPIC_LITERAL = re.compile(r'"((?:%s)\.[a-z0-9_.]+)"' % "|".join(TOPIC_PREFIXES))


def ruled_date_calls():
    """(name, rule) of every RuledDate(...) call in the core whose arguments are literals."""
    for text in SOURCES.values():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "RuledDate":
                given = dict(zip(("name", "date", "rule"), node.args))
                given.update({k.arg: k.value for k in node.keywords})
                literal = lambda key: given[key].value if isinstance(given.get(key), ast.Constant) else None
                yield literal("name"), literal("rule")


def test_every_topic_named_in_code_exists():
    named = {m for text in SOURCES.values() for m in TOPIC_LITERAL.findall(text)}
    assert named, "the scan found no topic ids: the pattern is broken"
    missing = sorted(t for t in named - set(rules.registry()) if t not in explain.topics())
    assert not missing


def test_every_rule_named_in_code_exists_and_every_rule_is_used():
    named = {rule for _, rule in ruled_date_calls()}
    assert None not in named, "every RuledDate names its rule as a literal"
    assert named and named <= set(rules.registry())
    unused = set(rules.registry()) - named - {"user_fact", "return_due.original", "return_due.extended",
                                              "tax_year.event"}
    assert not unused, f"rules nobody produces: {unused}"


def test_every_date_name_has_a_label():
    names = {name for name, _ in ruled_date_calls()} - {None}
    names |= {"loan_date", "missed_payment_due_date", "caught_up_on", "separation_date", "plan_termination_date"}
    assert names <= set(date_names())


def test_citations_are_all_defined_and_used():
    used = set()
    for rule in rules.registry().values():
        used |= set(rule.citations)
    for topic in explain.topics().values():
        used |= set(topic.citations)
    for param in parameters().values():
        used |= {v.citation for v in param.values}
    assert used <= set(citations.registry())


def test_date_names_that_are_facts_use_the_fact_spelling():
    for name in ("missed_payment_due_date", "separation_date", "offset_date", "caught_up_on",
                 "plan_termination_date", "loan_date"):
        assert name in FACT_NAMES and name in date_names()


def test_output_fields_match_the_contract():
    from rules_core.assess import FIELD_ORDER
    fields = AssessmentOut.__fields__ if hasattr(AssessmentOut, "__fields__") else AssessmentOut.model_fields
    assert tuple(fields) == FIELD_ORDER


def test_classifications_are_the_contract_values():
    assert set(CLASSIFICATIONS) == {"deemed_distribution", "plan_loan_offset", "qualified_plan_loan_offset",
                                    "offset_after_deemed_distribution", "cure_window_open", "cured",
                                    "needs_more_facts"}


def test_core_imports_no_dialogue_framework():
    for path, text in SOURCES.items():
        assert not re.search(r"^\s*(import|from)\s+rasa", text, re.M), path
