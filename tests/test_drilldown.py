"""Every co-occurrence cell that shows a count > 0 lists that many passages: every unit, filter and roll-up."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.analysis.cooccurrence import cooccurrence, meetings
from workbench.analysis.data import Scope, load
from workbench.models import NewSegment

UNITS = ["overlap", "near", "sentence", "turn", "paragraph", "document"]
CODES = ["link work", "best persons", "distrust", "distrust of institutions", "distrust among residents",
         "participation fatigue"]

segment = st.tuples(st.integers(0, 300), st.integers(1, 80), st.sampled_from(CODES), st.sampled_from(["m", "d"]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(segment, max_size=25), st.sampled_from(UNITS), st.sampled_from([None, 1]),
       st.sampled_from([(), ("m",)]))
def test_each_count_lists_that_many_passages(project, raw, unit, rollup, coders) -> None:
    project.conn.execute("DELETE FROM segments")
    doc = project.documents()[0].id
    length = project.document(doc).characters
    new, taken = [], []
    for start, size, code, coder in raw:
        end = min(start + size, length)
        if start >= end or any(c == code and k == coder and s < end and start < e for s, e, c, k in taken):
            continue
        taken.append((start, end, code, coder))
        new.append(NewSegment(doc, start, end, project.resolve_code(code).id, coder))
    if new:
        project.add_segments(new)
    scope = Scope.of(coders=[c for c in coders if c in {k for *_, k in taken}], rollup_level=rollup)
    data = load(project, scope)
    result = cooccurrence(project, unit, 25 if unit == "near" else None, scope, data=data)
    for (a, b), count in result.counts.items():
        assert len(meetings(project, result, a, b, data=data)) == count, (unit, a, b)


def test_passages_of_child_codes_with_rollup_on_the_command_line(cli, project_file) -> None:
    """`passages A B --rollup 1` with A a child code: the cell of its top-level ancestor, never 0 and nothing."""
    assert cli("code", "add", project_file, "ria", "100", "140", "distrust of institutions").returncode == 0
    assert cli("code", "add", project_file, "ria", "120", "160", "best persons").returncode == 0
    result = cli("passages", project_file, "distrust of institutions", "best persons", "--rollup", "1",
                 "--format", "json").json()
    assert result["count"] == 1 and len(result["passages"]) == 1
    assert (result["a"], result["b"]) == ("distrust", "link work")
