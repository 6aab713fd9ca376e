"""Block boundaries in HTML must separate words in the plain text (and in the safe HTML).

Dedupe compares descriptions word by word: "caisse</p><p>Votre" read as "caisseVotre" makes
two copies of one offer look different. Only phrasing tags ("<b>Java</b>Script") may join.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizers.fields.mojibake import fix_mojibake
from normalizers.fields.text import clean_description, clean_inline

SAMPLES = Path(__file__).parent / "samples"
_ANY_TAG = re.compile(r"<[^<>]*>")
_WORD = re.compile(r"[^\W_]+")
_PHRASING_TAG = re.compile(r"</?(?:a|b|i|em|strong)(?:\s[^<>]*)?>")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _tag_free_words(raw: str) -> set[str]:
    """Words of an HTML text with every tag read as a space: what a reader sees."""
    return set(_words(fix_mojibake(html.unescape(_ANY_TAG.sub(" ", raw)))))


def _rendered(safe: str) -> str:
    """What a browser shows of the safe HTML: allowed block tags break, phrasing tags join."""
    return _ANY_TAG.sub(" ", _PHRASING_TAG.sub("", safe))


def _recorded_descriptions() -> list[str]:
    cassette = yaml.safe_load((SAMPLES / "greenhouse_jobs_with_content.vcr.yml").read_text())
    body = cassette["http_interactions"][0]["response"]["body"]["string"]
    texts = [html.unescape(str(job["content"])) for job in json.loads(body)["jobs"]]
    remoteok = json.loads((SAMPLES / "remoteok_2024-12-04_subset.json").read_text())
    return texts + [job["description"] for job in remoteok]


BLOCK_PAIRS = [
    "<p>caisse</p><p>Votre</p>",
    "caisse<br>Votre",
    "<ul><li>caisse</li><li>Votre</li></ul>",
    "<h2>caisse</h2>Votre",
    "<div>caisse</div><div>Votre</div>",
    "<main>caisse</main><aside>Votre</aside>",
    "<figure>caisse</figure><figcaption>Votre</figcaption>",
    "<details><summary>caisse</summary>Votre</details>",
    "<center>caisse</center><address>Votre</address>",
    "<fieldset><legend>caisse</legend>Votre</fieldset>",
    "<td>caisse</td><td>Votre</td>",  # cells outside a table: the parser drops the tags
    "<tr><td>caisse</td></tr><tr><td>Votre</td></tr>",
    "<table><caption>caisse</caption><tr><td>Votre</td></tr></table>",
    "<o:p>caisse</o:p><o:p>Votre</o:p>",  # Word's namespaced paragraphs
    "<job-text>caisse</job-text><job-text>Votre</job-text>",  # custom elements
    "<label>caisse</label><label>Votre</label>",
    "<select><option>caisse</option><option>Votre</option></select>",
    "caisse<img src='x.png'>Votre",
    "<P>caisse</P><P>Votre</P>",
]


@pytest.mark.parametrize("raw", BLOCK_PAIRS)
def test_a_block_boundary_separates_words(raw: str) -> None:
    plain, safe = clean_description(raw)
    assert _words(plain) == ["caisse", "Votre"], plain
    assert _words(_rendered(safe or "")) == ["caisse", "Votre"], safe


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("Dev <b>Java</b>Script", "Dev JavaScript"),
        ("Power<span>Point</span>", "PowerPoint"),
        ("x<wbr>y", "xy"),
        ("<p>Apply now<script>alert(1)</script></p>", "Apply now"),
    ],
)
def test_phrasing_tags_do_not_split_words(raw: str, plain: str) -> None:
    assert clean_description(raw)[0] == plain


def test_paragraph_layout_is_kept_for_html5_blocks() -> None:
    raw = "<main><h1>Caissier</h1><section>Votre mission</section></main><aside>Profil</aside>"
    assert clean_description(raw)[0] == "Caissier\n\nVotre mission\n\nProfil"


def test_layout_tags_dropped_from_the_safe_html_leave_one_space() -> None:
    raw = "<div><div>First block</div><div>Second block</div></div>"
    assert clean_description(raw) == ("First block\n\nSecond block", "First block Second block")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Vendeur<br>Caissier", "Vendeur Caissier"),
        ("<p>Chef</p><p>de rang</p>", "Chef de rang"),
        ("Serveur<div>H/F</div>", "Serveur H/F"),
        ("C++ <b>Developer</b>", "C++ Developer"),
        ("Java<b>Script</b> developer", "JavaScript developer"),
    ],
)
def test_inline_text_separates_blocks_not_phrasing(raw: str, clean: str) -> None:
    assert clean_inline(raw) == clean


def test_recorded_descriptions_have_no_glued_words() -> None:
    """Every word of the plain text is a word a reader of the HTML sees (Greenhouse, RemoteOK)."""
    descriptions = _recorded_descriptions()
    assert len(descriptions) >= 5
    for raw in descriptions:
        seen = _tag_free_words(raw)
        plain, _ = clean_description(raw)
        glued = [word for word in _words(plain) if word not in seen]
        assert not glued, glued[:5]


_BLOCK_TAGS = ["p", "div", "li", "h3", "td", "section", "article", "blockquote", "dd", "pre"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_BLOCK_TAGS), st.from_regex(r"[A-Za-zéà]{1,8}", fullmatch=True)),
        min_size=1,
        max_size=8,
    )
)
def test_words_in_consecutive_blocks_stay_apart(blocks: list[tuple[str, str]]) -> None:
    raw = "".join(f"<{tag}>{word}</{tag}>" for tag, word in blocks)
    assert _words(clean_description(raw)[0]) == [word for _, word in blocks]
