"""The website widget in a real browser (Debian's headless Chromium, driven by Playwright) on the
demo portal page, talking to the real Rasa and action servers over socket.io. Each test does
what a person would: types, clicks, reloads, downloads, and checks what they would see."""
from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.channels.conftest import DemoPage
from tests.rasa_support import ROOT, free_port

pytestmark = [pytest.mark.e2e]
TODAY = "2025-11-01"
QPLO_STORY = "left my job 3/14, they offset the loan on June 30, I'm 41, owed about 12k"
# What the timeline must show for that story, as of TODAY (rules core: the QPLO golden case).
QPLO_DATES = {
    "separation_date": ("2025-03-14", "March 14, 2025"),
    "offset_date": ("2025-06-30", "June 30, 2025"),
    "qplo_window_end": ("2026-03-14", "March 14, 2026"),
    "rollover_deadline_without_extension": ("2026-04-15", "April 15, 2026"),
    "return_due_date": ("2026-04-15", "April 15, 2026"),
    "rollover_deadline": ("2026-10-15", "October 15, 2026"),
}
REPLY_TIMEOUT = 60_000  # ms; the 2-core machine is shared


def open_widget(page, url):
    page.goto(url)
    page.get_by_role("button", name="Open the 401(k) loan help chat").click()
    box = page.get_by_role("textbox", name="Your message")
    box.wait_for()
    return box


def send(page, text):
    box = page.get_by_role("textbox", name="Your message")
    box.fill(text)
    box.press("Enter")


def card(page):
    return page.get_by_role("article", name=re.compile("Your assessment"))


# WCAG contrast of every piece of text inside `sel` (in the widget's shadow root, or in the
# document when there is no widget) against the background it sits on.
CONTRAST_JS = """sel => {
  const host = document.querySelector('.loan-assistant-widget');  // none in the printable summary
  const root = host ? host.shadowRoot : document;
  const rgba = s => { const v = s.match(/[\\d.]+/g).map(Number); return v.length === 3 ? v.concat(1) : v; };
  const lum = c => c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = el => { for (; el; el = el.parentElement || el.getRootNode().host) {
      const c = rgba(getComputedStyle(el).backgroundColor); if (c[3] > 0.5) return c; } return [255, 255, 255, 1]; };
  const out = [];
  for (const el of root.querySelectorAll(sel + ' *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.closest('.sr-only') || !el.getClientRects().length) continue;
    const a = lum(rgba(getComputedStyle(el).color)), b = lum(background(el));
    out.push([(Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), el.tagName + '.' + el.className]);
  }
  return out;
}"""


# axe-core (widget/vendor/axe.min.js, pinned in widget/package.json) on the whole page, the
# widget's open shadow root included: WCAG 2.0/2.1 A and AA and axe's best practices.
AXE = ROOT / "widget" / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# Some rules look only at what is on screen, and the log scrolls: axe runs at each scroll
# position of the log, top to bottom, and what it finds anywhere counts.
AXE_RUN = """async tags => {
  const host = document.querySelector('.loan-assistant-widget');  // none in the printable summary
  const log = host && host.shadowRoot.querySelector('.log');
  const scrolls = !!log && log.getClientRects().length > 0, start = scrolls ? log.scrollTop : 0;
  const found = { violations: {}, incomplete: {} };
  const keep = (into, rules) => rules.forEach(rule => {
    const targets = into[rule.id] = into[rule.id] || new Set();
    rule.nodes.forEach(n => targets.add(JSON.stringify(n.target)));
  });
  for (let top = 0; ; top += Math.ceil(log.clientHeight * 0.75)) {
    if (scrolls) log.scrollTop = top;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] });
    keep(found.violations, result.violations);
    keep(found.incomplete, result.incomplete);
    if (!scrolls || top + log.clientHeight >= log.scrollHeight) break;
  }
  if (scrolls) log.scrollTop = start;
  const listed = rules => Object.entries(rules).map(([id, targets]) => [id, [...targets]]);
  return { violations: listed(found.violations), incomplete: listed(found.incomplete) };
}"""
# What axe leaves undecided ("incomplete") and which check of ours decides it instead: text
# contrast inside the shadow root (axe cannot tell the background behind a timeline dot, say)
# is measured from the computed colours by CONTRAST_JS in every state.
AXE_UNDECIDED_OURS = {"color-contrast"}


def accessibility_problems(page) -> list:
    """What axe finds wrong on the page as it is now, what it could not decide that no check of
    ours covers, and any widget text under 4.5:1 contrast; empty when all is well."""
    if page.evaluate("typeof window.axe === 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(AXE_RUN, AXE_TAGS)
    problems = [f"{rule}: {', '.join(targets)}" for rule, targets in found["violations"]]
    problems += [f"{rule} undecided: {', '.join(targets)}" for rule, targets in found["incomplete"]
                 if rule not in AXE_UNDECIDED_OURS]
    problems += [f"contrast {ratio:.2f}:1 {where}" for ratio, where in page.evaluate(CONTRAST_JS, "*") if ratio < 4.5]
    return problems


def save_whole_card(page, answer, path: Path) -> None:
    """A picture of the whole card: the panel grows to its content just for the screenshot."""
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 4000})
    page.evaluate("""() => { const root = document.querySelector('.loan-assistant-widget').shadowRoot;
      const panel = root.querySelector('.panel'); panel.dataset.height = panel.style.height;
      panel.style.height = (root.querySelector('.log').scrollHeight + 160) + 'px'; }""")
    answer.screenshot(path=str(path))
    page.evaluate("""() => { const panel = document.querySelector('.loan-assistant-widget').shadowRoot
      .querySelector('.panel'); panel.style.height = panel.dataset.height; }""")
    page.set_viewport_size(size)


def test_qplo_conversation_card_calendar_and_reload(browser, demo, artifacts, tmp_path):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        open_widget(page, f"{demo.url}?today={TODAY}")
        starters = page.get_by_role("group", name="Common questions").get_by_role("button")
        assert starters.all_inner_texts() == ["I missed payments", "I left my job", "Explain my 1099-R code",
                                              "How much can I borrow?"]
        assert page.evaluate("typeof window.io") == "undefined"  # the bundled client stays private

        send(page, QPLO_STORY)
        typing = page.locator(".typing")
        expect(typing).to_be_visible()  # while the answer is on its way
        assert typing.locator(".sr-only").text_content() == "The assistant is typing"  # what a screen reader says
        up_to_date = page.get_by_role("group", name="Suggested replies").get_by_role("button", name="Yes, up to date")
        up_to_date.wait_for(timeout=REPLY_TIMEOUT)
        up_to_date.click()

        answer = card(page)
        answer.wait_for(timeout=REPLY_TIMEOUT)
        assert "Qualified plan loan offset" in answer.get_attribute("aria-label")
        for name, (iso, shown) in QPLO_DATES.items():
            entry = answer.locator(f'li[data-name="{name}"] time')
            assert entry.get_attribute("datetime") == iso, name
            assert entry.inner_text() == shown, name
        assert answer.locator("li.next").get_attribute("data-name") == "qplo_window_end"  # the next deadline
        # A screen reader hears a summary of the card, not the whole card read out.
        heard = page.locator(".announcer[aria-live=polite]").text_content()
        assert "Your assessment: Qualified plan loan offset. Next deadline: End of the 12-month QPLO window, " \
               "March 14, 2026." in heard
        assert "Suggested replies: Yes, up to date, No, I was behind." in heard
        assert answer.locator(".box7 .code").inner_text() == "M1"
        assert "$1,200.00" in answer.locator(".tax-line").inner_text()
        assert "$12,000.00" in answer.locator(".keys").inner_text()
        assert answer.locator(".steps li").count() >= 1
        source_links = answer.locator(".sources a")
        assert source_links.count() >= 2
        assert all(h.startswith("https://") for h in source_links.evaluate_all("ls => ls.map(l => l.href)"))
        # A footnote shows "[1]", is named "[1] IRC ..." (a voice-control user says what they see)
        # and takes the reader to its source: the sources open and focus lands on the entry.
        footnote = answer.locator("button.footnote").first
        number, source = footnote.get_attribute("aria-label").split(" ", 1)
        assert number == footnote.inner_text() == "[1]"
        assert answer.locator(".sources-box[open]").count() == 0
        footnote.focus()
        page.keyboard.press("Enter")
        assert answer.locator(".sources-box[open]").count() == 1
        focused = page.evaluate("() => document.querySelector('.loan-assistant-widget').shadowRoot.activeElement"
                                ".closest('li').textContent")
        assert focused.startswith(source), (focused, source)
        contrasts = page.evaluate(CONTRAST_JS, "article.card")
        assert len(contrasts) > 30 and min(contrasts)[0] >= 4.5, min(contrasts)  # WCAG AA for all card text
        page.screenshot(path=str(artifacts / "widget-qplo-desktop.png"))
        save_whole_card(page, answer, artifacts / "widget-qplo-card.png")

        with page.expect_download() as download_info:
            answer.get_by_role("button", name="Add deadlines to my calendar").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".ics")
        ics = tmp_path / download.suggested_filename
        download.save_as(ics)
        events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
        starts = sorted(e.decoded("dtstart") for e in events)
        assert starts == [date(2026, 3, 14), date(2026, 4, 15), date(2026, 10, 15)]  # deadlines still ahead
        for event in events:
            (alarm,) = event.walk("VALARM")
            assert alarm.decoded("trigger") == timedelta(days=-7)
            assert "401(k) loan" in str(event["summary"])

        page.reload()
        assert page.get_by_role("textbox", name="Your message").is_visible()  # still open after the reload
        assert page.locator(".msg.user", has_text=QPLO_STORY).count() == 1
        restored = card(page)
        assert restored.locator('li[data-name="rollover_deadline"] time').inner_text() == "October 15, 2026"
        # The server kept the conversation too: a follow-up is answered from the same facts.
        send(page, "so what does this mean for me?")
        page.wait_for_function("() => document.querySelector('.loan-assistant-widget').shadowRoot"
                               ".querySelectorAll('article.card').length === 2", timeout=REPLY_TIMEOUT)
        again = card(page).last
        assert again.locator('li[data-name="rollover_deadline"] time').get_attribute("datetime") == "2026-10-15"
    finally:
        context.close()


def test_deemed_distribution_card_shows_the_missed_payment_and_the_cure_deadline(browser, demo, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        open_widget(page, f"{demo.url}?today={TODAY}")
        send(page, "I still work there but I missed my 401k loan payment that was due March 31")
        page.get_by_role("button", name="Not yet").click(timeout=REPLY_TIMEOUT)
        # The assistant asks for the balance and the birth date, in the order its form chooses.
        answers = {"owed": "about 8k", "date of birth": "I was born on May 5, 1980"}
        while answers:
            question = page.locator(".msg.bot").filter(has_text=re.compile("|".join(answers))).last
            question.wait_for(timeout=REPLY_TIMEOUT)
            asked = next(k for k in answers if k in question.inner_text())
            send(page, answers.pop(asked))
        answer = card(page)
        answer.wait_for(timeout=REPLY_TIMEOUT)
        assert "Deemed distribution" in answer.get_attribute("aria-label")
        shown = {li.get_attribute("data-name"): li.locator("time").inner_text() for li in answer.locator(".timeline li").all()}
        assert shown["missed_payment_due_date"] == "March 31, 2025" and shown["cure_deadline"] == "June 30, 2025"
        assert answer.locator('li[data-name="cure_deadline"]').get_attribute("class").split()[0] == "past"
        assert answer.locator("li.next").get_attribute("data-name") == "return_due_date"  # April 15, 2026
        assert answer.locator(".box7 .code").inner_text() == "L1"
        assert answer.locator('li[data-name="age_59_half_date"] .when').inner_text() == "in about 14 years"
        assert answer.get_by_role("button", name="Add deadlines to my calendar").is_visible()
        save_whole_card(page, answer, artifacts / "widget-deemed-card.png")
    finally:
        context.close()


# Headless Chromium has no print dialog: in every window of the test's browser, window.print()
# only counts its calls, and the test prints that same window with page.pdf().
COUNT_PRINTS = "window.print = function () { window.printCalls = (window.printCalls || 0) + 1; };"


def pdf_text_and_links(pdf: bytes) -> tuple[str, list[str]]:
    """The PDF's text, as pypdf reads it back, and the addresses its links go to."""
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    links = [annot.get_object()["/A"]["/URI"] for page in reader.pages for annot in page.get("/Annots") or []
             if annot.get_object().get("/Subtype") == "/Link"]
    return text, links


def words(text: str) -> str:
    return " ".join(text.split())


def test_print_or_save_as_pdf_prints_the_card_alone(browser, demo, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(COUNT_PRINTS)
    page = context.new_page()
    try:
        open_widget(page, f"{demo.url}?today={TODAY}")
        send(page, QPLO_STORY)
        page.get_by_role("button", name="Yes, up to date").click(timeout=REPLY_TIMEOUT)
        answer = card(page)
        answer.wait_for(timeout=REPLY_TIMEOUT)
        page.locator(".typing").wait_for(state="hidden", timeout=REPLY_TIMEOUT)  # the whole answer is in
        button = answer.get_by_role("button", name="Print or save as PDF")
        assert button.get_attribute("aria-describedby")
        hint = answer.locator("#" + button.get_attribute("aria-describedby")).inner_text()
        assert "new window" in hint  # said before it happens

        # What the card says, read from the card a person sees (more steps and sources folded).
        shown_dates = answer.locator(".timeline time").all_inner_texts()
        meanings = answer.locator(".timeline .says").all_inner_texts()
        steps = answer.locator(".steps strong").all_text_contents()
        sources = answer.locator(".sources a").evaluate_all("ls => ls.map(l => [l.textContent, l.href])")
        disclaimer = answer.locator(".disclaimer").inner_text()
        assert len(steps) > 3 and len(sources) >= 5 and disclaimer

        button.focus()
        with page.expect_popup() as opened:
            page.keyboard.press("Enter")
        summary = opened.value
        summary.wait_for_load_state()
        assert summary.evaluate("window.printCalls") == 1  # the button asked to print this window
        assert page.evaluate("window.printCalls") is None  # and not the portal page
        assert summary.title().startswith("401(k) loan summary: Qualified plan loan offset")

        summary.emulate_media(media="print")
        pdf = summary.pdf(format="Letter")  # what "Save as PDF" in the print dialog makes
        (artifacts / "widget-qplo-summary.pdf").write_bytes(pdf)
        summary.screenshot(path=str(artifacts / "widget-qplo-summary.png"), full_page=True)
        text, links = pdf_text_and_links(pdf)
        flat, packed = words(text), "".join(text.split())  # a long address may wrap
        assert flat.startswith("YOUR 401(K) LOAN: A SUMMARY TO KEEP Qualified plan loan offset"), flat[:200]
        made = date.today()
        assert f"Summary made on {made:%B} {made.day}, {made.year}." in flat
        assert "counted from November 1, 2025" in flat  # the day the answer was worked out for
        for name, (_, shown) in QPLO_DATES.items():  # the golden case's dates
            assert shown in flat, name
        for shown in shown_dates:  # and every date the card shows
            assert shown in flat, shown
        for meaning in meanings:  # what each date means
            assert words(meaning) in flat, meaning
        for step in steps:  # every step, the folded ones too
            assert step in flat, step
        assert "Roll over the offset by the extended deadline" in steps
        for label, url in sources:  # each source by name, its address written out and linked
            assert words(label) in flat, label
            assert url in packed, url
        assert sorted(set(links)) == sorted({url for _, url in sources})
        assert "IRC §402(c)(3)(C)" in flat
        assert words(disclaimer) in flat
        assert "M1" in flat and "$12,000.00" in flat and "$1,200.00" in flat
        for chrome in ["401(k) loan help", "Your message", "Type your question", "Add deadlines to my calendar",
                       "Print or save as PDF", "Start a new conversation", "Hi Sam", QPLO_STORY, "Yes, up to date",
                       "Read this answer as text", "more steps", "Sources (", "Northwind", "Account balance"]:
            assert chrome not in flat, chrome

        # Black and white: black text, no coloured or dark backgrounds, no colour-only meaning
        # (the next deadline says so in words, as on the card).
        colours = summary.evaluate("""() => [...document.querySelectorAll('body *')].map(el => {
            const st = getComputedStyle(el); return [st.color, st.backgroundColor]; })""")
        assert {c for c, _ in colours} == {"rgb(0, 0, 0)"}
        assert {b for _, b in colours} <= {"rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"}
        assert "Next deadline" in summary.locator(".timeline li.next").inner_text()
        assert accessibility_problems(summary) == []  # axe, print media, on the printed document

        # A browser that blocks the new window gets told what to do, not nothing.
        page.evaluate("window.open = () => null")
        button.click()
        assert "blocked" in page.get_by_role("alert").inner_text()
        assert page.evaluate("window.printCalls") is None
    finally:
        context.close()


def test_mobile_width_fills_the_screen(browser, demo, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_widget(page, f"{demo.url}?today={TODAY}")
        panel = page.get_by_role("dialog", name="401(k) loan help")
        box = panel.bounding_box()
        assert (box["x"], box["width"]) == (0, 390) and box["height"] == 844
        send(page, "what does code 1M on my 1099-R mean?")
        page.locator(".msg.bot", has_text="Code M1").wait_for(timeout=REPLY_TIMEOUT)
        page.screenshot(path=str(artifacts / "widget-mobile.png"))
    finally:
        context.close()


def test_keyboard_only_and_screen_reader_labels(browser, demo):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{demo.url}?today={TODAY}")
        launcher = page.get_by_role("button", name="Open the 401(k) loan help chat")
        assert launcher.get_attribute("aria-expanded") == "false"
        launcher.focus()
        page.keyboard.press("Enter")
        box = page.get_by_role("textbox", name="Your message")
        assert box.evaluate("el => el.getRootNode().activeElement === el")  # focus moved into the chat
        page.keyboard.press("Shift+Tab")  # back through the panel: the last quick reply, then the others
        focused = page.evaluate("() => document.querySelector('.loan-assistant-widget').shadowRoot.activeElement.textContent")
        assert focused == "How much can I borrow?"
        page.keyboard.press("Enter")
        page.locator(".msg.bot", has_text="$50,000").wait_for(timeout=REPLY_TIMEOUT)
        assert box.evaluate("el => el.getRootNode().activeElement === el")  # back to typing after a quick reply
        page.keyboard.press("Escape")
        assert page.get_by_role("dialog").count() == 0
        assert launcher.evaluate("el => el.getRootNode().activeElement === el")  # focus returns to the launcher
        # Colour contrast of the text people read (WCAG AA: 4.5:1), from the computed styles.
        launcher.click()
        ratios = page.evaluate("""() => {
          const root = document.querySelector('.loan-assistant-widget').shadowRoot;
          const rgb = s => s.match(/\\d+/g).slice(0, 3).map(Number);
          const lum = c => c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                            .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
          const ratio = el => { const st = getComputedStyle(el); const a = lum(rgb(st.color)), b = lum(rgb(st.backgroundColor));
                                return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
          return ['.header', '.msg.user', '.msg.bot', '.chip'].map(sel => root.querySelector(sel))
                   .filter(Boolean).map(ratio);
        }""")
        assert len(ratios) >= 3 and min(ratios) >= 4.5, ratios
    finally:
        context.close()


def test_unreachable_server_keeps_the_message_and_sends_it_when_back(browser, demo, artifacts):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.route("**/socket.io/**", lambda route: route.abort())  # the assistant is down
        open_widget(page, f"{demo.url}?today={TODAY}")
        alert = page.get_by_role("alert")
        alert.wait_for(timeout=20_000)
        assert "Can't reach the assistant" in alert.inner_text()
        send(page, "hello")
        pending = page.locator(".msg.user.pending", has_text="hello")
        assert "Waiting to send" in pending.inner_text()
        page.get_by_role("textbox", name="Your message").fill("half-typed question")
        page.screenshot(path=str(artifacts / "widget-unreachable.png"))

        page.unroute("**/socket.io/**")  # back up: the widget reconnects by itself
        page.locator(".msg.bot", has_text="401(k)").nth(1).wait_for(timeout=REPLY_TIMEOUT)  # greeting + the answer
        assert page.locator(".msg.user.pending").count() == 0
        assert page.get_by_role("textbox", name="Your message").input_value() == "half-typed question"
    finally:
        context.close()


def test_a_page_from_another_origin_cannot_open_a_conversation(browser, widget_servers, tmp_path):
    other = DemoPage(widget_servers.url, tmp_path, free_port())  # same widget, origin not in CORS_ORIGINS
    context = browser.new_context()
    page = context.new_page()
    try:
        open_widget(page, other.url)
        assert "Can't reach the assistant" in page.get_by_role("alert").inner_text(timeout=20_000)
        send(page, "hello")
        page.wait_for_timeout(3000)
        assert page.locator(".msg.bot").count() == 1  # only the greeting: nothing got through
    finally:
        context.close()
        other.stop()


def test_the_built_widget_embeds_the_pinned_socketio_client():
    lock = json.loads((ROOT / "widget" / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/socket.io-client"]["version"]
    banner = (ROOT / "widget" / "vendor" / "socket.io.min.js").read_text()[:200]
    assert f"Socket.IO v{pinned}" in banner
    assert Path(ROOT / "widget" / "vendor" / "socket.io-client.LICENSE").read_text().startswith("The MIT License")


def test_socketio_answers_cors_once_and_only_for_the_configured_origin(widget_servers, demo):
    import urllib.error
    import urllib.request

    handshake = f"{widget_servers.url}/socket.io/?EIO=4&transport=polling"
    origin = demo.url.rstrip("/")
    with urllib.request.urlopen(urllib.request.Request(handshake, headers={"Origin": origin}), timeout=10) as response:
        # Two Access-Control-Allow-Origin headers (socket.io's and --cors') make browsers refuse both.
        assert response.headers.get_all("Access-Control-Allow-Origin") == [origin]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(handshake, headers={"Origin": "http://elsewhere.example"}),
                               timeout=10)
    assert refused.value.code == 400


def test_one_script_tag_with_data_attributes_and_starting_over(browser, demo):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{demo.url}one-tag.html")
        launcher = page.get_by_role("button", name="Open the 401(k) loan help chat")
        assert launcher.inner_text() == "Loan questions"  # data-title
        assert launcher.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(107, 33, 168)"  # data-primary-color
        launcher.click()
        assert accessibility_problems(page) == []
        page.get_by_role("group", name="Common questions").get_by_role("button", name="I left my job").click()
        page.locator(".msg.bot", has_text="last day").wait_for(timeout=REPLY_TIMEOUT)
        page.get_by_role("button", name="Start a new conversation").click()
        assert page.locator(".msg.user").count() == 0
        assert page.get_by_role("group", name="Common questions").get_by_role("button").count() == 4
        send(page, "hi")
        page.locator(".msg.bot", has_text="401(k)").nth(1).wait_for(timeout=REPLY_TIMEOUT)
    finally:
        context.close()


SCREENS = {"desktop": {"viewport": {"width": 1280, "height": 900}},
           "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}}


@pytest.mark.parametrize("screen", SCREENS)
def test_axe_finds_nothing_to_fix_in_any_state_a_person_meets(browser, demo, artifacts, screen):
    context = browser.new_context(**SCREENS[screen])
    page = context.new_page()
    found = {}
    try:
        page.goto(f"{demo.url}?today={TODAY}")
        launcher = page.get_by_role("button", name="Open the 401(k) loan help chat")
        launcher.wait_for()
        found["closed"] = accessibility_problems(page)

        launcher.click()
        page.get_by_role("group", name="Common questions").wait_for()
        found["open, greeting and starting points"] = accessibility_problems(page)

        send(page, QPLO_STORY)
        page.get_by_role("button", name="Yes, up to date").wait_for(timeout=REPLY_TIMEOUT)
        found["a question with buttons"] = accessibility_problems(page)

        page.get_by_role("button", name="Yes, up to date").click()
        answer = card(page)
        answer.wait_for(timeout=REPLY_TIMEOUT)
        page.locator(".typing").wait_for(state="hidden", timeout=REPLY_TIMEOUT)  # the whole answer is in
        closed = answer.locator("details:not([open]) > summary")
        for _ in range(closed.count()):  # more steps, sources, the answer as text
            closed.first.click()
        assert answer.locator("details:not([open])").count() == 0
        found["answer card, everything expanded"] = accessibility_problems(page)

        page.get_by_role("button", name="Start a new conversation").click()
        send(page, "what about the taxes on it")
        page.locator(".msg.bot", has_text="Did you mean").wait_for(timeout=REPLY_TIMEOUT)
        assert 2 <= page.get_by_role("group", name="Suggested replies").get_by_role("button").count() <= 3
        found["did you mean"] = accessibility_problems(page)

        down = context.new_page()  # another tab, while the assistant cannot be reached
        down.route("**/socket.io/**", lambda route: route.abort())
        open_widget(down, f"{demo.url}?today={TODAY}")
        down.get_by_role("alert").wait_for(timeout=20_000)
        send(down, "hello")
        down.locator(".msg.user.pending").wait_for()
        found["unreachable, a message waiting"] = accessibility_problems(down)
    finally:
        context.close()
        (artifacts / f"axe-{screen}.json").write_text(json.dumps(found, indent=1))
    assert found == {state: [] for state in found}, json.dumps(found, indent=1)
