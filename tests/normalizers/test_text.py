"""Description and inline cleaning on recorded payloads (Greenhouse 2013, RemoteOK 2024)."""

from __future__ import annotations

import html
import json
from pathlib import Path

import yaml

from normalizers.fields.mojibake import fix_mojibake
from normalizers.fields.text import clean_description, clean_inline, corpus_case

SAMPLES = Path(__file__).parent / "samples"


def _greenhouse_jobs() -> list[dict[str, object]]:
    cassette = yaml.safe_load((SAMPLES / "greenhouse_jobs_with_content.vcr.yml").read_text())
    body = cassette["http_interactions"][0]["response"]["body"]["string"]
    return list(json.loads(body)["jobs"])


def _remoteok_jobs() -> list[dict[str, str]]:
    return list(json.loads((SAMPLES / "remoteok_2024-12-04_subset.json").read_text()))


def test_greenhouse_entity_escaped_content_becomes_html_and_text() -> None:
    jobs = _greenhouse_jobs()
    assert jobs
    for job in jobs:
        text, safe = clean_description(str(job["content"]))
        assert "&lt;" not in text and "<" not in text and "&#x27;" not in text
        assert safe is not None and safe.startswith("<h3>")
        assert "<ul>" in safe and "<li>" in safe
    text, _ = clean_description(str(jobs[0]["content"]))
    assert text.startswith("Who this job is right for\n\nAnim wes anderson mixtape")
    assert "\n- Bespoke exercitation viral typewriter." in text
    assert "you probably haven't heard of them" in text


def test_remoteok_mojibake_entities_and_inline_styles() -> None:
    jobs = _remoteok_jobs()
    for job in jobs:
        text, safe = clean_description(job["description"])
        assert "â\x80" not in text and "Ã" not in text
        assert safe is None or ("style=" not in safe and "class=" not in safe)
        assert "\n\n\n" not in text
    by_id = {job["id"]: job for job in jobs}
    assert clean_inline(by_id["1059247"]["company"]) == "CI&T"
    assert clean_inline(by_id["1052157"]["location"]) == "Florianópolis, Santa Catarina, Brazil"
    assert clean_inline(by_id["1058716"]["location"]) == "Gothenburg, Västra Götaland, Sweden"
    assert clean_inline(by_id["1059244"]["location"]) is None
    assert any("’" in clean_description(job["description"])[0] for job in jobs)


def test_sanitizer_allowlist() -> None:
    raw = (
        '<h1 id="x">Title</h1><p onclick="x()">A <em>b</em> <u>c</u></p>'
        "<script>alert(1)</script><style>p{}</style>"
        '<a href="ftp://files.example/x">ftp</a> <a href="https://ok.example">ok</a>'
        '<form><input value="x"></form>'
    )
    text, safe = clean_description(raw)
    assert safe == (
        '<h1>Title</h1><p>A <em>b</em> c</p><a rel="nofollow noopener">ftp</a> '
        '<a href="https://ok.example" rel="nofollow noopener">ok</a>'
    )
    assert "alert" not in text and "p{}" not in text
    assert text == "Title\n\nA b c\n\nftp ok"


def test_plain_text_keeps_lines_and_one_blank_line_between_paragraphs() -> None:
    text, safe = clean_description("Missions :\r\n- Suivre le stock\r\n\r\n\r\n\r\nProfil :  BAC ")
    assert (text, safe) == ("Missions :\n- Suivre le stock\n\nProfil : BAC", None)


def test_empty_inputs() -> None:
    assert clean_description(None) == ("", None)
    assert clean_description("  \n ") == ("", None)
    assert clean_description("<p> </p><br>") == ("", None)
    assert clean_inline(None) is None
    assert clean_inline(" \t") is None


def test_inline_keeps_text_as_published() -> None:
    assert clean_inline("Chargé(e) d’affaires – BTP (H/F)") == "Chargé(e) d’affaires – BTP (H/F)"
    assert clean_inline("Senior Consultant SR&amp;ED") == "Senior Consultant SR&ED"
    assert clean_inline("R&D   Engineer\n") == "R&D Engineer"
    assert clean_inline("C++ <b>Developer</b>") == "C++ Developer"


def test_corpus_case_shape() -> None:
    out = corpus_case({"html": "<p>x</p>", "title": " y "})
    assert out == {"description": "x", "description_html": "<p>x</p>", "title": "y"}


def test_one_sanitizer_pass_gives_what_the_safe_allowlist_gives() -> None:
    """The safe HTML is cut from the text-tag pass; it must equal nh3 run on the allowlist.

    Up to whitespace: a layout tag the allowlist drops leaves a space in ours (nh3 alone
    glues "<td>a</td><td>b</td>" into "ab"), so words are compared with spaces removed.
    """
    import nh3

    from normalizers.fields.text import _DROP_WITH_CONTENT, SAFE_TAGS

    jobs = [str(job["content"]) for job in _greenhouse_jobs()]
    jobs += [job["description"] for job in _remoteok_jobs()]
    jobs.append('<div><table><tr><td>a<span style="x">b</span></td></tr></table><hr>c</div>')
    for raw in jobs:
        _, safe = clean_description(raw)
        fixed = fix_mojibake(html.unescape(raw) if "&lt;" in raw else raw)
        direct = nh3.clean(
            fixed,
            tags=set(SAFE_TAGS),
            clean_content_tags=set(_DROP_WITH_CONTENT),
            attributes={"a": {"href"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="nofollow noopener",
            strip_comments=True,
        ).strip()
        assert "".join((safe or "").split()) == "".join(direct.split())


def test_table_and_block_layout_become_lines_and_paragraphs() -> None:
    raw = "<div>Intro</div><table><tr><td>A</td><td>B</td></tr><tr><td>C</td></tr></table>x &amp; y"
    assert clean_description(raw)[0] == "Intro\n\nA B\nC\n\nx & y"


def test_inline_repair_reaches_a_fixed_point() -> None:
    """A repair that leaves mojibake ("\\xadÀ\\x86" -> "À†") is repaired again (hypothesis find)."""
    cleaned = clean_inline("\xadÀ\x86")
    assert cleaned is not None and clean_inline(cleaned) == cleaned
