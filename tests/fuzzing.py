"""Generated bad files and a runner that feeds them to the command line (used by ``tests/test_fuzz.py`` and
``benchmarks/fuzz.py``; nothing here is stored in git but the generators).

Every file is a mutation of a valid seed (docx, odt, pdf, vtt, srt, txt, md, cases CSV, codebook YAML, codings
CSV): bit flips, truncation, splicing two files, NUL bytes, invalid UTF-8, the same mutations applied to the XML
inside a docx/odt, and a fixed list of hostile files (zip bombs, nesting 2,000 deep, renamed formats, long runs
without spaces, a block over a million characters, CR-only line ends).

The runner keeps one worker process (spaCy loaded once) that runs ``workbench.cli.main`` on one file at a time,
exactly as the console script does, and kills it when a file takes longer than the timeout.
"""

from __future__ import annotations

import io
import json
import os
import random
import select
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TRANSCRIPT = (
    "Interview over de buurt (fictief)\nDatum: 1 maart 2026\n\nInterviewer: Hoe lang woont u hier al?\n\n"
    "Ria: Sinds achtenzestig. Eh, toen was het hier nog nieuw, hè.\nIedereen kende iedereen.\n\n"
    "Interviewer: En nu?\n\nRia: Nu ken ik niemand meer. Ik vertrouw die gemeente voor geen meter.\n"
)
CODEBOOK = (
    "codes:\n  - name: link work\n    colour: \"#1f77b4\"\n    definition: Connecting people to help.\n"
    "    keywords: [linkwerk, warme overdracht]\n    children:\n      - name: best persons\n"
    "  - name: distrust\n    children:\n      - name: distrust of institutions\n"
)
VTT = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Fatima>Ik woon hier al twintig jaar.\n\n"
       "00:00:04.500 --> 00:00:07.000\n<v Interviewer>En hoe bevalt het?\n\n"
       "00:00:07.500 --> 00:00:09.000\nFatima: Goed &amp; rustig.\n")
SRT = ("1\n00:00:01,000 --> 00:00:04,000\nFatima: Ik woon hier al twintig jaar.\n\n"
       "2\n00:00:04,500 --> 00:00:07,000\nInterviewer: En hoe bevalt het?\n")
MARKDOWN = "# Interview\n\n**Interviewer:** Hoe gaat het?\n\nR: Goed, [echt](http://example.org) *goed*.\n"
CASES = "document,case,role,age,interviewed\nria,Ria,resident,73,2026-03-01\n"
CODINGS = "document,start,end,code,coder,memo\nria,64,90,distrust,ann,eerste\nria,0,9,link work,ann,\n"
TIMEOUT = 10.0


@dataclass(frozen=True)
class Case:
    """One generated file: ``name`` (with its extension), how it is imported and its bytes."""

    name: str
    kind: str  # document | cases | codebook | codings
    data: bytes

    def command(self, project: Path, path: Path) -> list[str]:
        return {
            "document": ["import", str(project), str(path)],
            "cases": ["import", str(project), "--cases", str(path)],
            "codebook": ["codebook", "import", str(project), str(path)],
            "codings": ["code", "import", str(project), str(path)],
        }[self.kind]


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {info.filename: archive.read(info) for info in archive.infolist()}


def seeds() -> dict[str, tuple[str, bytes]]:
    """Valid files of every kind, by file name: (kind, bytes)."""
    from .test_importers import make_docx, make_odt, make_pdf

    return {
        "seed.txt": ("document", TRANSCRIPT.encode("utf-8")),
        "seed.md": ("document", MARKDOWN.encode("utf-8")),
        "seed.docx": ("document", make_docx()),
        "seed.odt": ("document", make_odt()),
        "seed.pdf": ("document", make_pdf(["Interviewer: Hoe gaat het?", "R: Goed, dank u.", "Het is rustig."])),
        "seed.vtt": ("document", VTT.encode("utf-8")),
        "seed.srt": ("document", SRT.encode("utf-8")),
        "cases.csv": ("cases", CASES.encode("utf-8")),
        "codebook.yaml": ("codebook", CODEBOOK.encode("utf-8")),
        "codings.csv": ("codings", CODINGS.encode("utf-8")),
    }


# ----------------------------------------------------------------------------------------------- mutations
def bit_flips(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 24)):
        index = rng.randrange(len(out))
        out[index] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncation(rng: random.Random, data: bytes) -> bytes:
    return data[:rng.randrange(1, max(len(data), 2))]


def splice(rng: random.Random, data: bytes, other: bytes) -> bytes:
    return data[:rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1):]


def nul_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out.insert(rng.randrange(len(out) + 1), 0)
    return bytes(out)


def invalid_utf8(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] = rng.choice([0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xF0, 0xFE, 0xFF, 0x81, 0x8D])
    return bytes(out)


def repeat_chunk(rng: random.Random, data: bytes) -> bytes:
    start = rng.randrange(len(data))
    chunk = data[start:start + rng.randint(1, 64)]
    return data[:start] + chunk * rng.randint(2, 400) + data[start:]


MUTATIONS = [bit_flips, truncation, nul_bytes, invalid_utf8, repeat_chunk]
_MAIN_MEMBER = {".docx": "word/document.xml", ".odt": "content.xml"}


def mutate(rng: random.Random, name: str, data: bytes, others: list[bytes]) -> tuple[str, bytes]:
    """One mutation of a seed; for docx/odt also the mutation of the XML inside, zipped again."""
    extension = Path(name).suffix
    choice = rng.randrange(len(MUTATIONS) + 2)
    if choice == len(MUTATIONS):
        return "splice", splice(rng, data, rng.choice(others))
    if choice == len(MUTATIONS) + 1 and extension in _MAIN_MEMBER:
        members = _members(data)
        member = _MAIN_MEMBER[extension]
        mutation = rng.choice(MUTATIONS)
        members[member] = mutation(rng, members[member])
        return f"inner-{mutation.__name__}", _zip(members)
    mutation = MUTATIONS[choice % len(MUTATIONS)]
    return mutation.__name__, mutation(rng, data)


def mutated(count: int, seed: int = 10) -> list[Case]:
    """``count`` mutations, spread evenly over the seeds."""
    rng = random.Random(seed)
    found = seeds()
    names = list(found)
    others = [data for _, data in found.values()]
    cases = []
    for index in range(count):
        name = names[index % len(names)]
        kind, data = found[name]
        how, result = mutate(rng, name, data, others)
        stem, extension = os.path.splitext(name)
        cases.append(Case(f"{stem}-{index:04d}-{how}{extension}", kind, result))
    return cases


# ----------------------------------------------------------------------------------------------- hostile files
def _nested_odt(depth: int) -> bytes:
    from .test_importers import make_odt

    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    body = "<text:section>" * depth + "<text:p>hallo</text:p>" + "</text:section>" * depth
    content = f'<?xml version="1.0"?><office:document-content {ns}><office:body><office:text>{body}' \
              "</office:text></office:body></office:document-content>"
    return _zip({**_members(make_odt()), "content.xml": content.encode()})


def _bomb(name: str) -> bytes:
    from .test_importers import make_docx, make_odt

    if name.endswith(".docx"):
        members = _members(make_docx())
        xml = members["word/document.xml"]
        members["word/document.xml"] = xml.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * 2_000_000, 1)
    else:
        members = _members(make_odt())
        paragraph = b"<text:p>" + b"bom " * 50 + b"</text:p>"
        members["content.xml"] = members["content.xml"].replace(b"</office:text>", paragraph * 60_000
                                                                + b"</office:text>", 1)
    return _zip(members, zipfile.ZIP_DEFLATED)


def _renamed(kind: str) -> bytes:
    from odf.opendocument import OpenDocumentPresentation, OpenDocumentSpreadsheet

    document = OpenDocumentSpreadsheet() if kind == "ods" else OpenDocumentPresentation()
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def hostile(large: bool = False) -> list[Case]:
    """The fixed hostile files; ``large`` adds the ones that take seconds (a block over a million characters)."""
    deep_yaml = "codes:\n" + "".join("  " * i + "- name: a\n" + "  " * i + "  children:\n" for i in range(2000))
    cases = [
        Case("bomb.docx", "document", _bomb("bomb.docx")),
        Case("bomb.odt", "document", _bomb("bomb.odt")),
        Case("deep.odt", "document", _nested_odt(2000)),
        Case("spreadsheet.odt", "document", _renamed("ods")),
        Case("slides.odt", "document", _renamed("odp")),
        Case("equals.txt", "document", ("R: " + "=" * 20_000).encode()),
        Case("angles.vtt", "document", ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n" + "<" * 29_000 + "\n").encode()),
        Case("angles.txt", "document", ("Interviewer: " + "<" * 29_000).encode()),
        Case("nul.txt", "document", b"R: hallo\x00 daar. " * 200),
        Case("latin.txt", "document", b"R: caf\xe9 \xff\xfe en \xc3 zo. " * 50),
        Case("undefined-cp1252.txt", "document", b"R: hallo \x81\x8d\x8f daar. " * 20),
        Case("deep.yaml", "codebook", deep_yaml.encode()),
        Case("flow.yaml", "codebook", ("codes: " + "[" * 2000 + "]" * 2000).encode()),
        Case("laughs.yaml", "codebook", b"a: &a [x, x]\nb: &b [*a, *a]\ncodes: [*b, *b]\n"),
        Case("python.yaml", "codebook", b"codes: !!python/object/apply:os.system ['true']\n"),
        Case("cr-only.csv", "codings", CODINGS.replace("\n", "\r").encode()),
        Case("cr-cases.csv", "cases", CASES.replace("\n", "\r").encode()),
        Case("huge-field.csv", "codings", b'document,start,end,code,coder\n"' + b"x" * 300_000 + b'",0,1,a,b\n'),
        Case("nul-codings.csv", "codings", CODINGS.replace("distrust", "dis\x00trust").encode()),
        Case("big-numbers.csv", "codings", b"document,start,end,code,coder\nria,0,99999999999999999999999,distrust,a\n"),
    ]
    if large:
        cases.append(Case("block.txt", "document", ("Een zin zonder witregel en nog wat woorden. " * 25_000).encode()))
    return cases


# ----------------------------------------------------------------------------------------------- running
_WORKER = r"""
import io, json, sys, time, traceback
from workbench import cli
from workbench.units import pipeline
pipeline("nl"); pipeline("en")
real_out, real_err = sys.stdout, sys.stderr
print("ready", file=real_out, flush=True)
for line in sys.stdin:
    args = json.loads(line)
    stdout, stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    sys.stdout, sys.stderr = stdout, stderr
    start = time.perf_counter()
    crash = ""
    try:
        code = cli.main(args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    except BaseException:
        code, crash = -1, traceback.format_exc()
    seconds = time.perf_counter() - start
    sys.stdout, sys.stderr = real_out, real_err
    print(json.dumps({"code": code, "stderr": stderr.getvalue(), "crash": crash, "seconds": seconds}),
          file=real_out, flush=True)
"""


@dataclass
class Outcome:
    case: Case
    code: int | None  # None: killed after the timeout
    stderr: str
    crash: str
    seconds: float
    unchanged: bool


class Worker:
    """A process with the workbench and spaCy loaded that runs one command line at a time."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        env = {**os.environ, "WORKBENCH_CODER": "fuzzer"}
        self.process = subprocess.Popen([sys.executable, "-c", _WORKER], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("the fuzz worker did not start")

    def run(self, args: list[str], timeout: float) -> dict | None:
        if self.process is None or self.process.poll() is not None:
            self.start()
        assert self.process is not None and self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(args) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            self.stop()
            return None
        line = self.process.stdout.readline()
        if not line:  # the worker died (a crash of the interpreter itself)
            self.stop()
            return {"code": -9, "stderr": "", "crash": "worker died", "seconds": 0.0}
        return json.loads(line)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def make_template(folder: Path) -> Path:
    """A project with the ``ria`` transcript and the codebook, built through the core."""
    from workbench.codebook import import_codebook
    from workbench.ingest import import_sources
    from workbench.store import create_project

    path = folder / "template.wbproj"
    with create_project(path) as project:
        import_sources(project, [("ria.txt", TRANSCRIPT.encode("utf-8"))])
        import_codebook(project, CODEBOOK + "  - name: a\n")
    return path


def run_case(worker: Worker, case: Case, template: Path, folder: Path, timeout: float = TIMEOUT) -> Outcome:
    """Import one generated file into a fresh copy of the template and check what happened."""
    work = folder / "run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    project = work / "p.wbproj"
    shutil.copyfile(template, project)
    before = project.read_bytes()
    path = work / case.name
    path.write_bytes(case.data)
    start = time.perf_counter()
    result = worker.run(case.command(project, path), timeout)
    seconds = time.perf_counter() - start
    if result is None:
        return Outcome(case, None, "", "", seconds, False)
    unchanged = project.read_bytes() == before and not Path(f"{project}-wal").exists()
    return Outcome(case, result["code"], result["stderr"], result["crash"], result["seconds"], unchanged)


def problems(outcome: Outcome) -> list[str]:
    """What is wrong with an outcome (empty when it is a clean refusal or a clean import)."""
    found = []
    if outcome.code is None:
        return [f"took over the timeout ({outcome.seconds:.1f} s)"]
    if outcome.crash:
        return [f"traceback: {outcome.crash.strip().splitlines()[-1]}"]
    if outcome.code not in (0, 2):
        found.append(f"exit status {outcome.code}")
    if outcome.code == 2:
        lines = outcome.stderr.splitlines()
        if len(lines) != 1 or not lines[0].startswith("error: ") or not outcome.stderr.endswith("\n"):
            found.append(f"not one error line: {outcome.stderr[:200]!r}")
        if not outcome.unchanged:
            found.append("the project file changed although the import was refused")
    return found
