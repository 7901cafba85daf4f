"""Telegram HTML: escaping, links, and right-to-left text around German terms and numbers."""

from __future__ import annotations

from bot.render import LRI, PDI, RLM, anchor, clean_user_text, render


def test_html_is_escaped_and_links_become_anchors() -> None:
    html = render("Tipp: <b>5 & 6</b> [BERUFENET](https://web.arbeitsagentur.de/berufenet)", "de")
    assert html == ('Tipp: &lt;b&gt;5 &amp; 6&lt;/b&gt; '
                    '<a href="https://web.arbeitsagentur.de/berufenet">BERUFENET</a>')


def test_link_urls_are_attribute_escaped() -> None:
    assert anchor("x", 'https://a.de/?q="1"&b=2', "de") == (
        '<a href="https://a.de/?q=&quot;1&quot;&amp;b=2">x</a>')


def test_text_that_looks_like_a_link_but_is_not_stays_text() -> None:
    assert render("[nur Klammern](kein-link)", "en") == "[nur Klammern](kein-link)"


def test_rtl_isolates_german_terms_and_numbers() -> None:
    html = render("مدة الـ Ausbildung هي 3,5 سنوات في Agentur für Arbeit.", "ar")
    assert f"{LRI}Ausbildung{PDI}" in html
    assert f"{LRI}3,5{PDI}" in html
    assert f"{LRI}Agentur für Arbeit{PDI}" in html
    assert html.startswith(RLM)


def test_rtl_line_starting_with_a_german_term_starts_right_to_left() -> None:
    html = render("Jobcenter يساعدك.\n• 724 € في السنة الأولى", "fa")
    lines = html.split("\n")
    assert all(line.startswith(RLM) for line in lines)
    assert f"{LRI}724 €{PDI}" in lines[1]


def test_rtl_links_keep_their_url_untouched() -> None:
    html = render("[BAMF-NAVI](https://bamf-navi.bamf.de/de/) للدورات", "ar")
    assert 'href="https://bamf-navi.bamf.de/de/"' in html
    assert f">{LRI}BAMF-NAVI{PDI}</a>" in html


def test_ltr_languages_get_no_direction_marks() -> None:
    html = render("Ausbildung 3,5 Jahre", "de")
    assert LRI not in html and RLM not in html


def test_clean_user_text_drops_control_and_bidi_but_keeps_persian_zwnj() -> None:
    assert clean_user_text("\u202eabc\u200b\x00 ") == "abc"
    assert clean_user_text("می\u200cخواهم") == "می\u200cخواهم"


def test_rtl_brackets_stay_outside_isolates() -> None:
    html = render("المتدرب (Azubi) يحصل على أجر", "ar")
    assert f"({LRI}Azubi{PDI})" in html
