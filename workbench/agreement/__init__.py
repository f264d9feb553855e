"""Intercoder agreement: do the coders apply the codebook the same way, and where not?

API (pure Python over the store's read API; no Streamlit)::

    from workbench.agreement import compute_agreement, disagreements

    result = compute_agreement(project, coders=["marloes", "daan"], unit="character",   # or sentence, turn,
                               codes=None, documents=None, overlap=90)                  # paragraph, document
    result.to_json()       # {"unit", "coders", "codes": {code: {"units", "percent_agreement", "cohen_kappa",
                           #   "krippendorff_alpha", "unitized_alpha", "segments_matched", "segments_unmatched"}},
                           #  "overall": {same keys…, "cu_alpha"}}; None/null where a statistic is undefined
    result.codes           # [CodeAgreement]: .code, .units, the statistics, .table (2×2 behind κ, two coders),
                           #   .matched_by_coder {coder: (matched, unmatched)}, .coded_units, .segments, .warning
    result.overall         # CodeAgreement of all codes pooled; result.cu_alpha; result.documents / .skipped
    disagreements(project, coders, unit, code, documents=None)   # [Disagreement]: where the coders differ on code

Definitions (README "Intercoder agreement" says the same in words):

- A coder has coded a document when they have at least one segment in it (any code). Only documents coded by at
  least two of the compared coders are compared; in them, a unit of a document a coder has not coded is missing
  for that coder (not "not coded"). ``codes=None`` compares every code one of the coders used there.
- A unit (character, sentence, speaker turn, paragraph, document) is coded with C by a coder when one of the coder's
  C segments overlaps it (shares a character with it).
- Per code, over the pairable units: percent agreement (all coders who coded the unit give the same answer),
  Cohen's κ (two coders only), Krippendorff's nominal α (any number of coders, missing values), both of the
  binary decision "coded with C / not". On the continuum of characters whatever the unit: |uα ("unitized_alpha",
  Krippendorff, Mathet, Bouvry & Widlöcher 2016), and MAXQDA's segment matching (a segment is matched when every
  other coder of its document has a segment of the code overlapping it by at least ``overlap`` % of the longer).
- Overall: every code's decisions pooled, as if each code's coding of the documents were laid end to end (summed
  tallies, 2×2 tables and coincidences; each statistic computed once from the sums), and cuα: agreement on which
  code applies where the coders' segments intersect.
"""

from importlib import import_module
from typing import Any

_API = {"UNITS": "core", "AgreementResult": "core", "CodeAgreement": "core", "compute_agreement": "core",
        "Disagreement": "passages", "disagreements": "passages"}


def __getattr__(name: str) -> Any:
    """The API above, loaded on first use: the command line imports this package for its ``agreement`` command,
    and the statistics (numpy, the analysis) are loaded only when a command or page uses them."""
    if name in _API:
        return getattr(import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["UNITS", "AgreementResult", "CodeAgreement", "Disagreement", "compute_agreement", "disagreements"]
