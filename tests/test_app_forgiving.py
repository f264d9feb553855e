"""The coding page forgives (issue 9 §1), driven with AppTest: a new selection starts clean, a memo for a replaced
selection is offered back, messages appear next to their control in the app's words, user strings are text, a
widened segment says so, the typed name shows in the sidebar, and document and code memos sit beside the
transcript."""

from __future__ import annotations

from workbench.app.widgets import md
from workbench.store import open_project

from .app_harness import (  # noqa: F401  (fixtures)
    SANNE, SINDS, VERTROUW, add, app, code_id, empty_path, full_path, ok, phrase_span, segments, templates, values,
)


def ancestors(at, key: str) -> list:
    """The blocks around the widget ``key``, innermost first."""
    def walk(node, path):
        for child in getattr(node, "children", {}).values():
            if getattr(child, "key", None) == key:
                return [node, *path]
            found = walk(child, [node, *path])
            if found:
                return found
        return None
    found = walk(at._tree, [])
    assert found, key
    return found


def block_with(at, key: str, also: str | None = None):
    """The innermost block that holds the widget ``key`` (and the widget ``also``)."""
    for block in ancestors(at, key):
        if also is None or also in keys_in(block):
            return block
    raise AssertionError(key)


def keys_in(node) -> set[str]:
    out = set()

    def walk(n) -> None:
        if getattr(n, "key", None):
            out.add(n.key)
        for child in getattr(n, "children", {}).values():
            walk(child)
    walk(node)
    return out


def texts_in(node, kind: str) -> list[str]:
    out = []

    def walk(n) -> None:
        if getattr(n, "type", None) == kind:
            out.append(n.value)
        for child in getattr(n, "children", {}).values():
            walk(child)
    walk(node)
    return out


def test_a_new_selection_starts_without_codes_and_offers_the_replaced_memo_back(app, full_path):
    start, end = phrase_span(full_path, "ria", VERTROUW)
    at = app(full_path, "code", pending={"start": start, "end": end})  # nobody named: Apply fails
    at.multiselect(key="pick_codes").select(code_id(full_path, "distrust"))
    at.text_area(key="pick_memo").input("about the municipality")
    ok(at.button(key="apply_codes").click().run())
    assert segments(full_path) == [] and at.session_state["pending"] == {"start": start, "end": end}

    other_start, other_end = phrase_span(full_path, "ria", SANNE)
    at.number_input(key="manual_start").set_value(other_start)
    at.number_input(key="manual_end").set_value(other_end)
    ok(at.button(key="manual_select").click().run())
    assert at.session_state["pending"] == {"start": other_start, "end": other_end}
    assert at.multiselect(key="pick_codes").value == []
    assert at.text_area(key="pick_memo").value == ""
    assert any(f"{start}–{end} was not applied" in i and "about the municipality" in i for i in values(at.info))

    at.text_input(key="coder_name_input").input("anna")
    at.multiselect(key="pick_codes").select(code_id(full_path, "link work"))
    ok(at.button(key="apply_codes").click().run())
    assert [(s.start, s.code, s.memo) for s in segments(full_path)] == [(other_start, "link work", "")]


def test_the_offered_memo_is_used_only_when_asked(app, full_path):
    start, end = phrase_span(full_path, "ria", VERTROUW)
    at = app(full_path, "code", coder="anna", pending={"start": start, "end": end})
    at.text_area(key="pick_memo").input("a thought").run()
    other_start, other_end = phrase_span(full_path, "ria", SINDS)
    at.number_input(key="manual_start").set_value(other_start)
    at.number_input(key="manual_end").set_value(other_end)
    ok(at.button(key="manual_select").click().run())
    ok(at.button(key="memo_offer_use").click().run())
    assert at.text_area(key="pick_memo").value == "a thought"
    at.multiselect(key="pick_codes").select(code_id(full_path, "link work"))
    ok(at.button(key="apply_codes").click().run())
    assert [(s.start, s.memo) for s in segments(full_path)] == [(other_start, "a thought")]


def test_a_refusal_appears_next_to_the_apply_button(app, full_path):
    start, end = phrase_span(full_path, "ria", SINDS)
    at = app(full_path, "code", pending={"start": start, "end": end}, coder="anna")
    ok(at.button(key="apply_codes").click().run())
    panel = block_with(at, "apply_codes", also="pick_memo")  # the selection's box
    assert any("Choose one or more codes" in w for w in texts_in(panel, "warning"))
    assert not [w for w in texts_in(at._tree, "warning") if w not in texts_in(panel, "warning")]


def test_code_names_are_text_in_the_success_message_and_the_undo_button(app, full_path):
    with open_project(full_path) as project:
        italic = project.add_code("vet *schuin*")
    start, end = phrase_span(full_path, "ria", SINDS)
    at = app(full_path, "code", coder="anna", pending={"start": start, "end": end})
    at.multiselect(key="pick_codes").select(italic)
    ok(at.button(key="apply_codes").click().run())
    assert any("vet \\*schuin\\*" in s for s in values(at.success)), values(at.success)
    assert not any("vet *schuin*" in s for s in values(at.success))
    undo = at.button(key="undo_button")
    assert "vet \\*schuin\\*" in undo.label and "vet *schuin*" not in undo.label


def test_md_escapes_every_markdown_construct():
    for raw in ("vet *schuin*", "__onder__", "~~weg~~", "`code`", "# kop", "- punt", "1. lijst", "![x](http://a)",
                "<b>x</b>", "$x$", "a\\b"):
        shown = md(raw)
        assert shown.replace("\\", "") == raw.replace("\\", "")
        for marker in ("*", "_", "~", "`", "[", "<", "$"):
            assert shown.count(marker) == shown.count("\\" + marker), (raw, shown)
    assert md("# kop").startswith("\\#") and md("- punt").startswith("\\-") and md("1. lijst").startswith("1\\.")


def test_an_overlapping_coding_says_it_widened_the_segment(app, full_path):
    with open_project(full_path) as project:
        add(project, "ria", SINDS, "link work", "anna")
    sinds_start, sinds_end = phrase_span(full_path, "ria", SINDS)
    start, end = sinds_start + 6, sinds_start + 60
    at = app(full_path, "code", coder="anna", pending={"start": start, "end": end})
    at.multiselect(key="pick_codes").select(code_id(full_path, "link work"))
    ok(at.button(key="apply_codes").click().run())
    assert any(f"Widened your segment {sinds_start}–{sinds_end} to {sinds_start}–{end}" in s
               for s in values(at.success))


def test_the_typed_name_shows_in_the_sidebar_at_once(app, full_path):
    start, end = phrase_span(full_path, "ria", SINDS)
    at = app(full_path, "code", pending={"start": start, "end": end})
    assert any("Coder: not set" in c for c in values(at.sidebar.caption))
    ok(at.text_input(key="coder_name_input").input(" fatima ").run())
    assert any("Coder: **fatima**" in c for c in values(at.sidebar.caption)), values(at.sidebar.caption)
    assert at.session_state["coder"] == "fatima"


def test_document_and_code_memos_show_beside_the_transcript(app, full_path):
    with open_project(full_path) as project:
        add(project, "ria", SINDS, "link work", "anna")
        project.add_memo("Ria *spreekt* snel", author="anna", kind="document", document_id=project.document_id("ria"),
                         title="interview notes")
        project.add_memo("Use for warm handovers", author="bob", kind="code",
                         code_id=project.resolve_code("link work").id)
        project.add_memo("about jan", author="bob", kind="document", document_id=project.document_id("jan"))
    at = app(full_path, "code", coder="anna")
    right = next(b for b in ancestors(at, "undo_button")  # the column right of the transcript
                 if any("warm handovers" in t for t in texts_in(b, "markdown")))
    assert "manual_start" not in keys_in(right)  # the transcript's own column is another one
    shown = " ".join(texts_in(right, "markdown"))
    assert "Ria *spreekt* snel" in shown and "interview notes" in shown and "Use for warm handovers" in shown
    assert "about jan" not in shown
    assert any("1 on this document, 1 on its codes" in e.label for e in at.expander)


def _hue(colour: str) -> float:
    import colorsys

    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[0]


def test_new_codes_from_the_codebook_page_get_distinct_colours_and_children_a_shade(app, full_path):
    at = app(full_path, "codebook")
    for name in ("eerste", "tweede"):
        at.text_input(key="new_name").input(name)
        ok(at.button(key="add_code").click().run())
    at.text_input(key="new_name").input("kind")
    at.selectbox(key="new_parent").set_value(code_id(full_path, "eerste"))
    ok(at.button(key="add_code").click().run())
    with open_project(full_path) as project:
        colours = {c.path: c.colour for c in project.codes()}
    assert len(set(colours.values())) == len(colours)  # no two codes share a colour
    assert colours["eerste/kind"] != colours["eerste"]
    assert abs(_hue(colours["eerste/kind"]) - _hue(colours["eerste"])) < 0.02  # the parent's hue


def test_colour_suggestions_stay_distinct_past_the_palette(empty_path):
    with open_project(empty_path) as project:
        tops = [project.add_code(f"c{i}") for i in range(40)]
        kids = [project.add_code(f"k{i}", parent_id=tops[3]) for i in range(12)]
        colours = {c.id: c.colour for c in project.codes()}
    assert len({colours[c] for c in tops}) == 40
    assert len({colours[c] for c in [*kids, tops[3]]}) == 13
    assert all(abs(_hue(colours[k]) - _hue(colours[tops[3]])) < 0.02 for k in kids)


def test_gutter_marks_number_lines_and_paragraphs_and_carry_turn_times():
    from workbench.coding import gutter_marks
    from workbench.models import Turn

    text = "Titel\n\nA: een\nnog een\n\n  B: twee\n"
    turns = [Turn(7, 14, "A", "00:00:05", 5.0), Turn(25, 32, "B", None, None)]
    assert gutter_marks(text, turns, "none") == [[7, "00:00:05", "time"]]
    assert gutter_marks(text, turns, "lines", times=False) == [[0, "1", "line"], [7, "3", "line"], [14, "4", "line"],
                                                                [25, "6", "line"]]
    assert gutter_marks(text, turns, "paragraphs") == [[0, "¶1", "paragraph"], [7, "¶2 · 00:00:05", "time"],
                                                       [25, "¶3", "paragraph"]]
    for offset, _, _ in gutter_marks(text, turns, "lines"):
        assert offset == 0 or text[offset - 1] in "\n "


def test_messages_shown_in_the_app_name_no_command_line_flags(empty_path):
    import pytest

    from workbench.errors import WorkbenchError
    from workbench.importers import check_size
    from workbench.ingest import import_sources

    with open_project(empty_path) as project:
        import_sources(project, [("ria.txt", b"R: Hallo daar.\n")])
        refusals = []
        for attempt in (lambda: import_sources(project, [("a/ria.txt", b"R: Iets anders.\n")]),
                        lambda: import_sources(project, [("x/b.txt", b"R: een\n"), ("y/b.txt", b"R: twee\n")]),
                        lambda: import_sources(project, [("a.txt", b"x"), ("b.txt", b"y")], name="z"),
                        lambda: import_sources(project, []),
                        lambda: check_size(30 * 1024 * 1024, "big.txt", 20)):
            with pytest.raises(WorkbenchError) as caught:
                attempt()
            refusals.append(caught.value)
    from workbench.cli_common import cli_message

    assert all("(--" in cli_message(e) for e in refusals)  # the command line names its flag
    assert not [str(e) for e in refusals if "--" in str(e)]  # the app does not
