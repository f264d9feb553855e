"""Review and consensus on a real project: the queue, decisions into a consensus coding, progress, audit, refusals;
comments on segments and codes; the review and comment commands."""

from __future__ import annotations

import pytest

from workbench.errors import WorkbenchError
from workbench.ingest import import_sources
from workbench.privileges import Privileges
from workbench.review.consensus import decide, load_review
from workbench.store import open_project

from .conftest import file_state

OTHER = "Interviewer: En de buurt?\n\nJan: Ik help mensen met formulieren. Dat is mijn werk.\n"

SINDS = "Sinds achtenzestig."
NIEUW = "Eh, toen was het hier nog nieuw, hè."
VERTROUW = "Ik vertrouw die gemeente voor geen meter."
SANNE = "Maar Sanne van het buurtteam, die is goud."
NIEMAND = "Nu ken ik niemand meer."


def span(project, phrase, document="ria"):
    text = project.document_text(project.document_id(document))
    start = text.index(phrase)
    return start, start + len(phrase)


def add(project, phrase, code, coder, document="ria", widen=0):
    start, end = span(project, phrase, document)
    return project.add_segment(project.document_id(document), start, end + widen, project.resolve_code(code).id,
                               coder)


@pytest.fixture
def reviewed(project):
    """anna and bob code ria: they agree on SINDS (link work), differ on VERTROUW's span (distrust), only anna
    codes NIEMAND (distrust), only bob codes SANNE (best persons). Only anna coded document jan."""
    import_sources(project, [("jan.txt", OTHER.encode("utf-8"))])
    add(project, SINDS, "link work", "anna")
    add(project, SINDS, "link work", "bob", widen=1)                 # 20 of 19+1: matched at 90 %
    add(project, VERTROUW, "distrust", "anna")
    add(project, "Ik vertrouw die gemeente", "distrust", "bob")       # too short to match
    add(project, NIEMAND, "distrust", "anna")
    add(project, SANNE, "link work/best persons", "bob")
    add(project, "Ik help mensen met formulieren.", "link work", "anna", document="jan")
    return project


def test_the_queue_lists_each_passage_where_the_coders_differ(reviewed):
    review = load_review(reviewed, "anna,bob")
    assert [(i.code, i.kind, i.a[0].text if i.a else None, i.b[0].text if i.b else None) for i in review.items] == [
        ("distrust", "only_a", NIEMAND, None),
        ("distrust", "differ", VERTROUW, "Ik vertrouw die gemeente"),
        ("link work/best persons", "only_b", None, SANNE),
    ]
    assert [i.number for i in review.items] == [1, 2, 3]
    assert review.progress() == "0 of 3 decided"
    first = review.items[0]
    assert (first.start, first.end) == span(reviewed, NIEMAND)
    assert review.items[1].a[0].matched is False and review.items[1].b[0].matched is False


def test_a_lower_threshold_turns_a_difference_into_agreement(reviewed):
    # "Ik vertrouw die gemeente" is 24 of the 41 characters of VERTROUW: matched from 58 % down.
    assert len(load_review(reviewed, "anna,bob", overlap=58).items) == 2
    assert len(load_review(reviewed, "anna,bob", overlap=59).items) == 3


def test_the_queue_filters_by_code_and_skips_documents_one_coder_never_coded(reviewed):
    assert [i.code for i in load_review(reviewed, "anna,bob", codes=["best persons"]).items] == [
        "link work/best persons"]
    assert all(i.document == "ria" for i in load_review(reviewed, "anna,bob").items)
    assert load_review(reviewed, "anna,bob", documents=["jan"]).items == []


@pytest.mark.parametrize("coders, message", [
    ("anna", "exactly two coders"), ("anna,anna", "two different"), ("anna,zed", "no coder named 'zed'"),
])
def test_bad_coders_are_refused(reviewed, coders, message):
    with pytest.raises(WorkbenchError, match=message):
        load_review(reviewed, coders)


def consensus_spans(project, name="consensus"):
    return [(s.code, s.start, s.end) for s in project.segments(coders=[name])]


def test_accepting_one_side_writes_its_spans_as_the_consensus_coding_and_is_audited(reviewed):
    items = load_review(reviewed, "anna,bob").items
    decision = decide(reviewed, "anna,bob", items[1].key, "accept-a", who="sup")
    assert decision.decision == "accept-a" and len(decision.segments) == 1
    assert consensus_spans(reviewed) == [("distrust", *span(reviewed, VERTROUW))]
    entry = next(e for e in reviewed.audit_log() if e.action == "review.decide")
    assert entry.who == "sup" and entry.target == items[1].key and entry.before is None
    assert entry.after["decision"] == "accept-a" and entry.after["coders"] == ["anna", "bob"]
    added = [e for e in reviewed.audit_log() if e.action == "segment.add" and e.after["coder"] == "consensus"]
    assert len(added) == 1 and added[0].who == "sup"
    assert load_review(reviewed, "anna,bob").progress() == "1 of 3 decided"


def test_progress_survives_closing_and_reopening_the_project(reviewed):
    items = load_review(reviewed, "anna,bob").items
    decide(reviewed, "anna,bob", items[0].key, "neither", who="sup")
    decide(reviewed, "anna,bob", items[2].key[:6], "accept-b", who="sup")
    path = reviewed.path
    reviewed.close()
    with open_project(path) as again:
        review = load_review(again, "anna,bob")
        assert review.progress() == "2 of 3 decided"
        assert [review.decision(i).decision if review.decision(i) else None for i in review.items] == [
            "neither", None, "accept-b"]
        assert consensus_spans(again) == [("best persons", *span(again, SANNE))]


def test_both_joins_the_two_sides_and_edit_takes_the_given_span(reviewed):
    item = load_review(reviewed, "anna,bob").items[1]
    decide(reviewed, "anna,bob", item.key, "both", who="sup")
    assert consensus_spans(reviewed) == [("distrust", *span(reviewed, VERTROUW))]   # bob's lies inside anna's
    start, end = span(reviewed, "die gemeente")
    decide(reviewed, "anna,bob", item.key, "edit", who="sup", start=start, end=end)
    assert consensus_spans(reviewed) == [("distrust", start, end)]                  # replaced, not added
    assert load_review(reviewed, "anna,bob").progress() == "1 of 3 decided"
    audit = [e for e in reviewed.audit_log() if e.action == "review.decide"]
    assert audit[0].before["decision"] == "both" and audit[0].after["decision"] == "edit"


def test_another_consensus_coder_is_another_review(reviewed):
    item = load_review(reviewed, "anna,bob").items[0]
    decide(reviewed, "anna,bob", item.key, "accept-a", who="sup", consensus="panel")
    assert load_review(reviewed, "anna,bob").decided == 0
    assert load_review(reviewed, "anna,bob", consensus="panel").decided == 1
    assert consensus_spans(reviewed, "panel") == [("distrust", *span(reviewed, NIEMAND))]


def test_a_refused_decision_leaves_the_project_file_as_it_was(reviewed):
    items = load_review(reviewed, "anna,bob").items
    path = reviewed.path
    reviewed.close()
    before = file_state(path)
    with open_project(path) as project:
        for args, message in [
            ((items[1].key, "edit"), "needs its start and end"),
            ((items[1].key, "edit", 0, 5), "does not overlap the passage"),
            ((items[1].key, "accept-a", 0, 5), "belong to the edit decision"),
            (("ffffffffffff", "accept-a"), "no item"),
            ((items[1].key, "perhaps"), "unknown decision"),
        ]:
            key, decision, *offsets = args
            with pytest.raises(WorkbenchError, match=message):
                decide(project, "anna,bob", key, decision, who="sup", start=offsets[0] if offsets else None,
                       end=offsets[1] if offsets else None)
        with pytest.raises(WorkbenchError, match="must not be one of the reviewed coders"):
            decide(project, "anna,bob", items[1].key, "accept-a", who="sup", consensus="bob")
    assert file_state(path) == before


def test_a_clash_with_the_consensus_coders_own_segment_refuses_everything(reviewed):
    item = load_review(reviewed, "anna,bob").items[1]
    add(reviewed, "gemeente voor", "distrust", "consensus")
    with pytest.raises(WorkbenchError, match="overlaps consensus's existing"):
        decide(reviewed, "anna,bob", item.key, "accept-a", who="sup")
    assert load_review(reviewed, "anna,bob").decided == 0
    assert not [e for e in reviewed.audit_log() if e.action == "review.decide"]


def test_a_passage_that_changed_is_a_new_item(reviewed):
    item = load_review(reviewed, "anna,bob").items[1]
    decide(reviewed, "anna,bob", item.key, "accept-b", who="sup")
    reviewed.update_segment(item.b[0].id, "bob", end=item.b[0].end + 3)
    review = load_review(reviewed, "anna,bob")
    assert item.key not in {i.key for i in review.items} and review.decided == 0
    with pytest.raises(WorkbenchError, match="no item"):
        decide(reviewed, "anna,bob", item.key, "accept-a", who="sup")


@pytest.mark.parametrize("role", ["coder", "student"])
def test_only_those_who_may_review_decide(reviewed, role):
    item = load_review(reviewed, "anna,bob").items[0]
    with pytest.raises(WorkbenchError, match="may not review codings"):
        decide(reviewed, "anna,bob", item.key, "accept-a", who=Privileges(name="eve", role=role))
    decide(reviewed, "anna,bob", item.key, "accept-a", who=Privileges(name="sue", role="supervisor"))
    assert load_review(reviewed, "anna,bob").decided == 1


# ------------------------------------------------------------------------------------------------ comments
def test_comments_form_threads_on_a_segment_and_on_a_code(reviewed):
    seg = reviewed.segments(coders=["bob"])[0]
    first = reviewed.add_comment("segment", seg.guid, "Why only the first half?", "anna")
    answer = reviewed.add_comment("", "", "The rest is about Sanne.", "bob", reply_to=first.id)
    other = reviewed.add_comment("segment", seg.guid, "Second thread.", "sue")
    again = reviewed.add_comment("", "", "And this answers the first.", "anna", reply_to=answer.id)
    on_code = reviewed.add_comment("code", reviewed.resolve_code("distrust").guid, "Too broad?", "sue")
    thread = reviewed.comments("segment", [seg.guid])
    assert [c.text for c in thread] == ["Why only the first half?", "The rest is about Sanne.",
                                        "And this answers the first.", "Second thread."]
    assert answer.thread == again.thread == first.guid and again.reply_to == answer.guid
    assert other.thread == other.guid and answer.target == seg.guid
    assert reviewed.comments("code") == [on_code]
    assert [e.action for e in reviewed.audit_log()][:5] == ["comment.add"] * 5


def test_a_thread_stays_readable_after_its_segment_is_removed(reviewed):
    seg = reviewed.segments(coders=["bob"])[0]
    reviewed.add_comment("segment", seg.guid, "Keep this?", "anna")
    reviewed.remove_segment(seg.id, "bob")
    assert [c.text for c in reviewed.comments("segment", [seg.guid])] == ["Keep this?"]


@pytest.mark.parametrize("kind, target, text, author, message", [
    ("segment", "NOPE", "x", "anna", "no segment with GUID"),
    ("memo", "X", "x", "anna", "on a segment or a code"),
    ("code", None, "   ", "anna", "needs some text"),
    ("code", None, "x", " ", "needs its author"),
    ("code", None, "x" * 10_001, "anna", "at most"),
])
def test_bad_comments_are_refused(reviewed, kind, target, text, author, message):
    target = target or reviewed.resolve_code("distrust").guid
    with pytest.raises(WorkbenchError, match=message):
        reviewed.add_comment(kind, target, text, author)
    assert reviewed.comments() == []


# ------------------------------------------------------------------------------------------------ commands
@pytest.fixture
def reviewed_file(reviewed):
    path = reviewed.path
    reviewed.close()
    return path


def test_review_commands(cli, reviewed_file):
    queue = cli("review", reviewed_file, "--coders", "anna,bob", "--json")
    assert queue.returncode == 0, queue.stderr
    data = queue.json()
    assert (data["total"], data["decided"], data["consensus"]) == (3, 0, "consensus")
    assert data["items"][1]["definition"] == "" and data["items"][2]["code"] == "link work/best persons"
    key = data["items"][1]["item"]
    done = cli("review", "decide", reviewed_file, key, "accept-b", "--coders", "anna,bob", "--coder", "sup")
    assert done.returncode == 0, done.stderr
    assert "1 of 3 decided" in done.stdout
    text = cli("review", "queue", reviewed_file, "--coders", "anna,bob")
    assert text.stdout.startswith("1 of 3 decided") and "accept-b" in text.stdout
    number = cli("review", "decide", reviewed_file, "1", "neither", "--coders", "anna,bob", "--json")
    assert number.json()["decided"] == 2


@pytest.mark.parametrize("args, message", [
    (("review", "{p}", "--coders", "anna"), "exactly two coders"),
    (("review", "decide", "{p}", "abcd", "accept-a", "--coders", "anna,bob"), "no item 'abcd'"),
    (("review", "decide", "{p}", "1", "edit", "--coders", "anna,bob", "--start", "0", "--end", "3"),
     "does not overlap"),
    (("comment", "add", "{p}", "hello"), "on one segment"),
    (("comment", "add", "{p}", "hello", "--segment", "999"), "no segment with id 999"),
    (("codebook", "history", "{p}", "--since", "soon"), "not a date"),
])
def test_review_command_errors_are_one_line_and_change_nothing(cli, reviewed_file, args, message):
    before = file_state(reviewed_file)
    result = cli(*[a.format(p=reviewed_file) for a in args])
    assert result.returncode == 2 and message in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert file_state(reviewed_file) == before


def test_comment_commands(cli, reviewed_file):
    with open_project(reviewed_file) as project:
        seg_id = project.segments(coders=["bob"])[0].id
    made = cli("comment", "add", reviewed_file, "Why so short?", "--segment", seg_id, "--coder", "anna", "--json")
    assert made.returncode == 0, made.stderr
    cli("comment", "add", reviewed_file, "Because.", "--reply-to", made.json()["id"], "--coder", "bob")
    cli("comment", "add", reviewed_file, "Define it better", "--code", "distrust")
    listed = cli("comment", "list", reviewed_file, "--segment", seg_id, "--json").json()
    assert [(c["author"], c["text"]) for c in listed] == [("anna", "Why so short?"), ("bob", "Because.")]
    assert listed[0]["target_name"].startswith("link work on ria")
    everything = cli("comment", "list", reviewed_file)
    assert "Define it better" in everything.stdout and "tester" in everything.stdout


def test_codebook_history_command(cli, project_file):
    cli("codebook", "rename", project_file, "participation fatigue", "fatigue", "--coder", "ann")
    result = cli("codebook", "history", project_file, "--json")
    assert result.returncode == 0, result.stderr
    data = result.json()
    assert data["changes"][-1]["action"] == "code.rename" and data["changes"][-1]["who"] == "ann"
    assert {c["code"] for c in data["diff"]["added"]} >= {"fatigue", "link work/best persons"}
    text = cli("codebook", "history", project_file, "--since", data["changes"][-1]["at"])
    assert "renamed fatigue: name 'participation fatigue' → 'fatigue'" in text.stdout
    assert "~ fatigue: name, path" in text.stdout


def test_an_old_project_file_migrates_forward_to_the_review_tables(tmp_path):
    import sqlite3

    import sqlite_utils

    from workbench.store import APPLICATION_ID, SCHEMA_VERSION
    from workbench.store.schema import MIGRATIONS

    path = tmp_path / "old.wbproj"  # a version-2 file, made by the migrations of that time
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for step in (1, 2):
        MIGRATIONS[step](sqlite_utils.Database(conn))
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (2)")
    conn.commit()
    conn.close()
    with open_project(path) as project:
        assert project._one("SELECT version FROM schema_version") == SCHEMA_VERSION
        assert project.comments() == [] and project.exercises() == []
        assert project.review_decisions("a", "b", "consensus") == {}


def test_the_queue_read_a_document_at_a_time_is_the_same_queue(reviewed, monkeypatch):
    import workbench.review.queue as queue

    add(reviewed, "Ik help mensen met formulieren.", "distrust", "anna", document="jan")
    add(reviewed, "Dat is mijn werk.", "link work", "bob", document="jan")
    whole = load_review(reviewed, "anna,bob")
    monkeypatch.setattr(queue, "CHUNK", 1)
    heard: list[float] = []
    chunked = load_review(reviewed, "anna,bob", progress=heard.append)
    assert [i.as_json() for i in chunked.items] == [i.as_json() for i in whole.items]
    assert {i.document for i in whole.items} == {"ria", "jan"}
    assert heard == sorted(heard) and len(heard) == 2 and all(0 <= f < 1 for f in heard)


def test_a_decision_looked_up_in_its_document_and_code_is_the_same_decision(reviewed):
    add(reviewed, "Ik help mensen met formulieren.", "distrust", "anna", document="jan")
    add(reviewed, "Dat is mijn werk.", "distrust", "bob", document="jan")
    items = load_review(reviewed, "anna,bob").items
    target = next(i for i in items if i.document == "jan")
    assert target.number > 1                        # its number in the narrowed queue would be 1
    decide(reviewed, "anna,bob", target.key, "accept-a", who="sup", documents=["jan"], codes=[target.code])
    review = load_review(reviewed, "anna,bob")
    assert [(i.key, review.decision(i).decision) for i in review.items if review.decision(i)] == [
        (target.key, "accept-a")]
    assert consensus_spans(reviewed) == [("distrust", *span(reviewed, "Ik help mensen met formulieren.", "jan"))]
    with pytest.raises(WorkbenchError, match="no item"):    # an item outside the narrowed queue is not found
        decide(reviewed, "anna,bob", items[0].key, "neither", who="sup", documents=["jan"])
