// Transcript highlighter for the Case-Study Coding Workbench (Streamlit components v2, vendored, no CDN).
//
// Python sends the transcript as flat pieces [start, end, flags, segmentIndexes]; start/end are code-point offsets
// into the stored text, which is sent once per document and session and kept in window.__wbTexts. Every piece is
// one <span> holding one text node that is an exact slice of the stored text (built with createTextNode, never
// innerHTML), so a DOM position converts to a code-point offset by counting code points inside one node.
// Selections, clicks and Ctrl+Z go back to Python as trigger events.

const DEBOUNCE_MS = 40;
const DUPLICATE_MS = 700;

function codePointLength(text) {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

// UTF-16 offset inside a piece's text → code points from the piece start. An offset that falls between the two
// halves of a surrogate pair snaps back to the pair's start (for a selection start) or forward past it (end).
function unitsToCodePoints(text, units, snapForward) {
  let cut = Math.max(0, Math.min(units, text.length));
  if (cut > 0 && cut < text.length) {
    const before = text.charCodeAt(cut - 1);
    const after = text.charCodeAt(cut);
    if (before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff) {
      cut += snapForward ? 1 : -1;
    }
  }
  return codePointLength(text.slice(0, cut));
}

function pieceOf(node, transcript) {
  let element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
  while (element && element !== transcript) {
    if (element.dataset && element.dataset.start !== undefined && element.classList.contains("wb-piece")) {
      return element;
    }
    element = element.parentElement;
  }
  return null;
}

// A DOM boundary point (node, offset) → code-point offset in the stored text.
function boundaryToOffset(node, offset, transcript, snapForward) {
  const total = Number(transcript.dataset.length);
  if (!transcript.contains(node)) {
    const position = transcript.compareDocumentPosition(node);
    return position & Node.DOCUMENT_POSITION_PRECEDING ? 0 : total;
  }
  if (node === transcript) {
    const child = transcript.childNodes[offset];
    if (child && child.dataset) return Number(child.dataset.start);
    return total;
  }
  const piece = pieceOf(node, transcript);
  if (!piece) return null;
  if (node.nodeType === Node.TEXT_NODE) {
    return Number(piece.dataset.start) + unitsToCodePoints(node.data, offset, snapForward);
  }
  // An element boundary inside a piece: before or after its only text node.
  return offset === 0 ? Number(piece.dataset.start) : Number(piece.dataset.end);
}

function colourWithAlpha(hex, alpha) {
  const value = hex.replace("#", "");
  const r = parseInt(value.slice(0, 2), 16);
  const g = parseInt(value.slice(2, 4), 16);
  const b = parseInt(value.slice(4, 6), 16);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

function pieceBackground(colours) {
  if (colours.length === 1) return colourWithAlpha(colours[0], 0.32);
  const step = 100 / colours.length;
  const bands = colours.map((c, i) => `${colourWithAlpha(c, 0.4)} ${i * step}% ${(i + 1) * step}%`);
  return `linear-gradient(to bottom, ${bands.join(", ")})`;
}

// The UTF-16 index just after `count` code points from `from` in `text`.
function advanceCodePoints(text, from, count) {
  let index = from;
  for (let n = 0; n < count && index < text.length; n++) {
    const unit = text.charCodeAt(index);
    index += unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length ? 2 : 1;
  }
  return index;
}

function buildTranscript(transcript, data, fullText) {
  const fragment = document.createDocumentFragment();
  const segments = data.segments;
  let cursor = 0;
  for (const [start, end, flags, indexes] of data.pieces) {
    const next = advanceCodePoints(fullText, cursor, end - start);
    const text = fullText.slice(cursor, next);
    cursor = next;
    const span = document.createElement("span");
    span.className = "wb-piece";
    if (flags & 1) span.classList.add("wb-speaker");
    span.dataset.start = String(start);
    span.dataset.end = String(end);
    if (indexes.length) {
      const shown = indexes.map((i) => segments[i]);
      span.classList.add("wb-hl");
      span.dataset.codes = [...new Set(shown.map((s) => s.code))].join(",");
      span.dataset.segments = shown.map((s) => s.id).join(",");
      span.style.background = pieceBackground([...new Set(shown.map((s) => s.colour))]);
      span.title = [...new Set(shown.map((s) => `${s.code} (${s.coder})`))].join("\n");
    }
    span.appendChild(document.createTextNode(text));
    fragment.appendChild(span);
  }
  transcript.replaceChildren(fragment);
  transcript.dataset.length = String(data.length);
}

function markRange(transcript, range, className) {
  for (const old of transcript.querySelectorAll(`.${className}`)) old.classList.remove(className);
  if (!range) return;
  const [start, end] = range;
  for (const piece of transcript.children) {
    const s = Number(piece.dataset.start);
    const e = Number(piece.dataset.end);
    if (s < end && e > start) piece.classList.add(className);
  }
}

function layoutStripes(root, data) {
  const stripes = root.querySelector(".wb-stripes");
  const transcript = root.querySelector(".wb-transcript");
  const scroller = root.querySelector(".wb-scroll");
  stripes.replaceChildren();
  if (!data.segments.length) {
    stripes.style.width = "0px";
    transcript.style.marginLeft = "0px";
    return;
  }
  const pieces = Array.from(transcript.children);
  const starts = pieces.map((p) => Number(p.dataset.start));
  const findPiece = (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return pieces[lo];
  };
  const base = scroller.getBoundingClientRect().top - scroller.scrollTop;
  const spans = data.segments.map((segment, index) => {
    const first = findPiece(segment.start).getClientRects()[0];
    const lastPiece = findPiece(Math.max(segment.start, segment.end - 1));
    const lastRects = lastPiece.getClientRects();
    const last = lastRects[lastRects.length - 1];
    const top = first ? first.top - base : 0;
    const bottom = last ? last.bottom - base : top + 16;
    return { index, top, bottom: Math.max(bottom, top + 8) };
  });
  spans.sort((a, b) => a.top - b.top || b.bottom - a.bottom);
  const laneEnds = [];
  const width = 7;
  const fragment = document.createDocumentFragment();
  for (const span of spans) {
    let lane = laneEnds.findIndex((end) => end <= span.top);
    if (lane < 0) {
      lane = laneEnds.length;
      laneEnds.push(0);
    }
    laneEnds[lane] = span.bottom + 2;
    const segment = data.segments[span.index];
    const stripe = document.createElement("div");
    stripe.className = "wb-stripe";
    stripe.dataset.segment = String(segment.id);
    stripe.dataset.start = String(segment.start);
    stripe.style.top = `${span.top}px`;
    stripe.style.height = `${span.bottom - span.top}px`;
    stripe.style.left = `${lane * width}px`;
    stripe.style.background = segment.colour;
    stripe.title = `${segment.code} — ${segment.coder}`;
    fragment.appendChild(stripe);
  }
  const lanes = laneEnds.length;
  stripes.style.width = `${lanes * width + 6}px`;
  stripes.style.height = `${transcript.scrollHeight}px`;
  transcript.style.marginLeft = `${lanes * width + 12}px`;
  stripes.appendChild(fragment);
}

function scrollToOffset(root, offset) {
  const transcript = root.querySelector(".wb-transcript");
  const scroller = root.querySelector(".wb-scroll");
  let target = null;
  for (const piece of transcript.children) {
    if (Number(piece.dataset.end) > offset) {
      target = piece;
      break;
    }
  }
  if (!target) return;
  const rect = target.getBoundingClientRect();
  const box = scroller.getBoundingClientRect();
  scroller.scrollTop += rect.top - box.top - box.height / 3;
  target.classList.add("wb-flash");
  setTimeout(() => target.classList.remove("wb-flash"), 1600);
}

function createRoot(parentElement) {
  const root = document.createElement("div");
  root.className = "wb-root";
  const scroller = document.createElement("div");
  scroller.className = "wb-scroll";
  const stripes = document.createElement("div");
  stripes.className = "wb-stripes";
  stripes.setAttribute("aria-hidden", "true");
  const transcript = document.createElement("div");
  transcript.className = "wb-transcript";
  transcript.dataset.testid = "transcript";
  transcript.setAttribute("data-testid", "transcript");
  scroller.append(stripes, transcript);
  root.append(scroller);
  parentElement.appendChild(root);
  return root;
}

export default function highlighter(component) {
  const { data, parentElement, setTriggerValue } = component;
  let root = parentElement.querySelector(".wb-root");
  if (!root) root = createRoot(parentElement);
  const transcript = root.querySelector(".wb-transcript");
  const scroller = root.querySelector(".wb-scroll");
  scroller.style.height = data.height ? `${data.height}px` : "";
  root.wbData = data;

  const freshMount = !root.dataset.version;
  const texts = (window.__wbTexts = window.__wbTexts || new Map());
  if (typeof data.text === "string") texts.set(data.text_key, data.text);
  const fullText = texts.get(data.text_key);
  if (fullText === undefined) {
    setTriggerValue("event", { type: "need_text", document: data.document, nonce: `${Date.now()}-text` });
    return () => {};
  }
  if (root.dataset.version !== data.version) {
    const keepScroll = root.dataset.document === data.document ? scroller.scrollTop : 0;
    buildTranscript(transcript, data, fullText);
    root.dataset.version = data.version;
    root.dataset.document = data.document;
    scroller.scrollTop = keepScroll;
    requestAnimationFrame(() => layoutStripes(root, data));
  }
  const scrollMemory = `wb-scroll:${data.document}`;
  if (freshMount && !(data.scroll_key && root.dataset.scrollKey !== data.scroll_key)) {
    const remembered = Number(sessionStorage.getItem(scrollMemory) || 0);
    if (remembered) requestAnimationFrame(() => { scroller.scrollTop = remembered; });
  }
  markRange(transcript, data.pending, "wb-pending");
  markRange(transcript, data.focus, "wb-focus");
  if (data.scroll_key && root.dataset.scrollKey !== data.scroll_key) {
    root.dataset.scrollKey = data.scroll_key;
    requestAnimationFrame(() => scrollToOffset(root, data.scroll_to));
  }
  root.dataset.ready = "1";

  let timer = null;
  let last = { key: "", at: 0 };
  let counter = 0;
  const send = (event) => {
    const key = JSON.stringify([event.type, event.start, event.end, event.offset, event.segment]);
    const now = Date.now();
    if (key === last.key && now - last.at < DUPLICATE_MS) return;
    last = { key, at: now };
    counter += 1;
    setTriggerValue("event", { ...event, document: root.wbData.document, nonce: `${now}-${counter}` });
  };

  const onMouseUp = (mouse) => {
    if (mouse.button !== 0) return;
    clearTimeout(timer);
    const target = mouse.target;
    timer = setTimeout(() => {
      const selection = window.getSelection();
      if (selection && selection.rangeCount && !selection.isCollapsed) {
        const range = selection.getRangeAt(0);
        if (!transcript.contains(range.startContainer) && !transcript.contains(range.endContainer)) return;
        const start = boundaryToOffset(range.startContainer, range.startOffset, transcript, false);
        const end = boundaryToOffset(range.endContainer, range.endOffset, transcript, true);
        if (start === null || end === null || start >= end) return;
        send({ type: "selection", start, end, text: selection.toString() });
        return;
      }
      if (target && target.classList && target.classList.contains("wb-stripe")) {
        send({ type: "click", offset: Number(target.dataset.start), segment: Number(target.dataset.segment) });
        return;
      }
      const piece = target && transcript.contains(target) ? pieceOf(target, transcript) : null;
      if (!piece) return;
      let offset = Number(piece.dataset.start);
      if (document.caretPositionFromPoint) {
        const caret = document.caretPositionFromPoint(mouse.clientX, mouse.clientY);
        if (caret && piece.contains(caret.offsetNode)) {
          offset = boundaryToOffset(caret.offsetNode, caret.offset, transcript, false);
        }
      } else if (document.caretRangeFromPoint) {
        const caret = document.caretRangeFromPoint(mouse.clientX, mouse.clientY);
        if (caret && piece.contains(caret.startContainer)) {
          offset = boundaryToOffset(caret.startContainer, caret.startOffset, transcript, false);
        }
      }
      send({ type: piece.dataset.codes ? "click" : "caret", offset });
    }, DEBOUNCE_MS);
  };

  const onKeyDown = (key) => {
    if (!(key.ctrlKey || key.metaKey) || key.key.toLowerCase() !== "z" || key.shiftKey) return;
    const active = document.activeElement;
    const typing = ["input", "textarea", "select"];
    if (active && (active.isContentEditable || typing.includes(active.tagName.toLowerCase()))) return;
    key.preventDefault();
    send({ type: "undo" });
  };

  let resizeTimer = null;
  const observer = new ResizeObserver(() => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => layoutStripes(root, root.wbData), 80);
  });
  observer.observe(transcript);

  let scrollTimer = null;
  const onScroll = () => {
    clearTimeout(scrollTimer);
    scrollTimer = setTimeout(() => sessionStorage.setItem(scrollMemory, String(scroller.scrollTop)), 120);
  };

  scroller.addEventListener("mouseup", onMouseUp);
  scroller.addEventListener("scroll", onScroll);
  document.addEventListener("keydown", onKeyDown);
  return () => {
    clearTimeout(scrollTimer);
    scroller.removeEventListener("scroll", onScroll);
    clearTimeout(timer);
    clearTimeout(resizeTimer);
    observer.disconnect();
    scroller.removeEventListener("mouseup", onMouseUp);
    document.removeEventListener("keydown", onKeyDown);
  };
}
