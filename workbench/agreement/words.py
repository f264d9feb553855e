"""What each agreement number counts, in one sentence (shown under the number on the page)."""

from __future__ import annotations

from .core import UNIT_WORDS, AgreementResult, CodeAgreement


def _n(value: float) -> str:
    return f"{int(round(value)):,}"


def explanations(result: AgreementResult, entry: CodeAgreement) -> dict[str, str]:
    """Sentences keyed like :meth:`CodeAgreement.to_json` (plus ``table`` and ``cu_alpha``) for one code, or for
    ``result.overall``."""
    one, many = UNIT_WORDS[result.unit]
    code = "any code (all codes pooled)" if entry.code_id is None else f"“{entry.code}”"
    docs = len(result.documents)
    pooled = entry.code_id is None
    t = entry.tally
    coders = " and ".join(result.coders) if len(result.coders) == 2 else f"{len(result.coders)} coders"
    words = {
        "units": (f"{_n(entry.units)} {many} in the {docs} document{'s' if docs != 1 else ''} that at least two of "
                  f"the coders coded (a coder who has no segment in a document has not coded it: its {many} are "
                  "missing for that coder, not “not coded”)."),
        "percent_agreement": (
            f"The share of those {many} on which every coder who coded the {one} gave the same answer: coded with "
            f"{code} or not" + (f" ({_n(t.agreeing)} of {_n(t.units)} decisions, every code's {many} counted once "
                                "per code)." if pooled else f" ({_n(t.agreeing)} of {_n(t.units)}).")),
        "cohen_kappa": (
            f"How far {coders} agree beyond chance on whether a {one} is coded with {code}: (observed − expected) "
            "/ (1 − expected), the expected agreement from each coder's own share of coded units."
            if len(result.coders) == 2 else "Cohen's κ compares exactly two coders; choose two to see it."),
        "krippendorff_alpha": (
            f"Krippendorff's α (nominal): 1 − observed / expected disagreement over all pairs of values that two "
            f"different coders gave the same {one} ({_n(t.values)} values); 1 is perfect, 0 is chance level. "
            "Missing values are left out, not counted as “not coded”."),
        "unitized_alpha": (
            f"|uα on the continuum of characters (Krippendorff et al. 2016): agreement on where {code} applies "
            "and where not, each segment taken as one whole; it does not depend on the unit chosen above."),
        "segments": (
            f"Segments of {code} matched by every other coder of their document with a segment of the same code "
            f"overlapping at least {result.overlap} % of the longer of the two (MAXQDA), out of all of them."),
        "table": (f"The {_n(entry.units)} {many} both coders coded, by whether each of them coded {code} there: "
                  "the table behind κ."),
        "cu_alpha": ("cuα: where the coders' segments intersect, how well they agree on which code applies "
                     "(the gaps left out); 1 is perfect, 0 is chance level."),
    }
    if entry.warning:
        words["warning"] = entry.warning
    return words
