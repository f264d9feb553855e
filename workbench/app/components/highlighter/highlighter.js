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

// What a piece looks like, as one string: two pieces with the same key render identically.
function pieceKey(row, segments) {
  const [start, end, flags, indexes] = row;
  let key = `${start},${end},${flags}`;
  for (const i of indexes) {
    const s = segments[i];
    key += `|${s.id}:${s.code}:${s.colour}:${s.coder}`;
  }
  return key;
}

function makePiece(row, segments, text) {
  const [start, end, flags, indexes] = row;
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
  return span;
}

// Draw the pieces. When the same text is already shown, only the run of pieces between the unchanged start and
// the unchanged end is replaced (applying or removing a code redraws a few pieces, not the whole transcript).
// Returns true when only part was redrawn (the layout of everything else is then unchanged).
function buildTranscript(root, transcript, data, fullText) {
  const segments = data.segments;
  const keys = data.pieces.map((row) => pieceKey(row, segments));
  const old = root.wbPieces;
  const sameText = old && old.textKey === data.text_key && old.length === data.length;
  let prefix = 0;
  let suffix = 0;
  if (sameText) {
    const limit = Math.min(keys.length, old.keys.length);
    while (prefix < limit && keys[prefix] === old.keys[prefix]) prefix++;
    while (suffix < limit - prefix && keys[keys.length - 1 - suffix] === old.keys[old.keys.length - 1 - suffix]) {
      suffix++;
    }
  }
  const rows = data.pieces;
  // UTF-16 index of the first replaced piece: the code-point offset advanced from the nearest known piece start
  let cursor = 0;
  if (sameText && prefix > 0) {
    cursor = old.units[prefix];
  } else {
    cursor = advanceCodePoints(fullText, 0, rows.length ? rows[0][0] : 0);
  }
  const units = sameText ? old.units.slice(0, prefix) : [];
  const fragment = document.createDocumentFragment();
  for (let i = prefix; i < rows.length - suffix; i++) {
    const [start, end] = rows[i];
    const next = advanceCodePoints(fullText, cursor, end - start);
    units[i] = cursor;
    fragment.appendChild(makePiece(rows[i], segments, fullText.slice(cursor, next)));
    cursor = next;
  }
  if (sameText) {
    const shift = rows.length - old.keys.length;
    for (let i = rows.length - suffix; i < rows.length; i++) units[i] = old.units[i - shift];
    const children = transcript.children;
    const stop = old.keys.length - suffix;
    const before = children[stop] || null;
    for (let i = stop - 1; i >= prefix; i--) children[i].remove();
    transcript.insertBefore(fragment, before);
  } else {
    transcript.replaceChildren(fragment);
  }
  units[rows.length] = fullText.length;
  transcript.dataset.length = String(data.length);
  root.wbPieces = { textKey: data.text_key, length: data.length, keys, units,
                    starts: rows.map((row) => row[0]) };
  return Boolean(sameText);
}

// The piece element holding code point `offset` (the last piece that starts at or before it).
function pieceIndexAt(root, offset) {
  const starts = root.wbPieces.starts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// A DOM range over code points [start, end) of the shown text.
function textRange(root, start, end) {
  const transcript = root.querySelector(".wb-transcript");
  const pieces = transcript.children;
  if (!pieces.length || !root.wbPieces) return null;
  const place = (offset) => {
    const index = pieceIndexAt(root, offset);
    const piece = pieces[index];
    const node = piece.firstChild;
    const within = Math.max(0, offset - Number(piece.dataset.start));
    return [node, advanceCodePoints(node.data, 0, within)];
  };
  const range = document.createRange();
  const [startNode, startUnit] = place(start);
  const [endNode, endUnit] = place(Math.max(start, end - 1));
  range.setStart(startNode, startUnit);
  range.setEnd(endNode, advanceCodePoints(endNode.data, endUnit, 1));
  return range;
}

// The pending selection and the focused coding are drawn as boxes over the text (a layer that takes no clicks),
// so choosing a passage never rebuilds the transcript.
function drawMarks(root) {
  const layer = root.querySelector(".wb-marks");
  const scroller = root.querySelector(".wb-scroll");
  const fragment = document.createDocumentFragment();
  const box = scroller.getBoundingClientRect();
  const marks = [["wb-pending", root.wbPending], ["wb-focus", root.wbData && root.wbData.focus]];
  for (const [className, span] of marks) {
    if (!span || span[1] <= span[0]) continue;
    const range = textRange(root, span[0], span[1]);
    if (!range) continue;
    for (const rect of range.getClientRects()) {
      if (rect.width < 1) continue;
      const mark = document.createElement("div");
      mark.className = `wb-mark ${className}`;
      mark.style.top = `${rect.top - box.top - scroller.clientTop + scroller.scrollTop}px`;
      mark.style.left = `${rect.left - box.left - scroller.clientLeft + scroller.scrollLeft}px`;
      mark.style.width = `${rect.width}px`;
      mark.style.height = `${rect.height}px`;
      fragment.appendChild(mark);
    }
  }
  layer.replaceChildren(fragment);
}

// The gutter right of the text: turn timestamps (VTT/SRT) and line or paragraph numbers, each at the height of the
// character where its line, paragraph or turn starts. A layer beside the transcript, so the pieces stay exact.
function drawGutter(root) {
  const layer = root.querySelector(".wb-gutter");
  const transcript = root.querySelector(".wb-transcript");
  const scroller = root.querySelector(".wb-scroll");
  const entries = (root.wbData && root.wbData.gutter) || [];
  const fragment = document.createDocumentFragment();
  const room = entries.length ? "72px" : "";
  if (transcript.style.marginRight !== room) transcript.style.marginRight = room;
  if (entries.length && root.wbPieces) {
    const box = scroller.getBoundingClientRect();
    const left = transcript.offsetLeft + transcript.offsetWidth + 10;
    let lastTop = -Infinity;
    for (const [offset, text, kind] of entries) {
      const range = textRange(root, offset, offset + 1);
      const rect = range && range.getClientRects()[0];
      if (!rect) continue;
      const top = rect.top - box.top - scroller.clientTop + scroller.scrollTop;
      const mark = document.createElement("div");
      mark.className = `wb-gutter-mark wb-gutter-${kind}`;
      mark.dataset.offset = String(offset);
      mark.style.top = `${Math.max(top, kind === "time" && top - lastTop < 14 ? lastTop + 14 : top)}px`;
      mark.style.left = `${left}px`;
      mark.textContent = text;
      lastTop = top;
      fragment.appendChild(mark);
    }
  }
  layer.replaceChildren(fragment);
}

// Stripes: each segment's top and bottom are measured once and kept (by id and span) until the layout may have
// changed (another text, a new width); after a partial redraw only new segments are measured.
function layoutStripes(root, data, reuse) {
  const stripes = root.querySelector(".wb-stripes");
  const transcript = root.querySelector(".wb-transcript");
  const scroller = root.querySelector(".wb-scroll");
  if (!reuse || !root.wbStripeCache) root.wbStripeCache = new Map();
  const cache = root.wbStripeCache;
  stripes.replaceChildren();
  if (!data.segments.length) {
    stripes.style.width = "0px";
    transcript.style.marginLeft = "0px";
    return;
  }
  const pieces = transcript.children;
  const base = scroller.getBoundingClientRect().top - scroller.scrollTop;
  const seen = new Map();
  const spans = data.segments.map((segment, index) => {
    const key = `${segment.id}:${segment.start}:${segment.end}`;
    let place = cache.get(key);
    if (!place) {
      const first = pieces[pieceIndexAt(root, segment.start)].getClientRects()[0];
      const lastRects = pieces[pieceIndexAt(root, Math.max(segment.start, segment.end - 1))].getClientRects();
      const last = lastRects[lastRects.length - 1];
      const top = first ? first.top - base : 0;
      const bottom = last ? last.bottom - base : top + 16;
      place = { top, bottom: Math.max(bottom, top + 8) };
    }
    seen.set(key, place);
    return { index, top: place.top, bottom: place.bottom };
  });
  root.wbStripeCache = seen;
  spans.sort((a, b) => a.top - b.top || b.bottom - a.bottom);
  const laneEnds = [];
  const labelled = Boolean(data.stripe_labels);
  const width = labelled ? 19 : 7;  // with labels: a 5-pixel stripe and its code name written beside it
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
    stripe.setAttribute("aria-label", segment.code);
    fragment.appendChild(stripe);
    if (labelled && span.bottom - span.top >= 36) {
      // The code's name beside its stripe when the stripe is tall enough (as MAXQDA does); text, never HTML.
      const label = document.createElement("div");
      label.className = "wb-stripe-label";
      label.dataset.segment = String(segment.id);
      label.style.top = `${span.top}px`;
      label.style.height = `${span.bottom - span.top}px`;
      label.style.left = `${lane * width + 6}px`;
      label.style.color = segment.colour;
      label.textContent = segment.code;
      fragment.appendChild(label);
    }
  }
  const lanes = laneEnds.length;
  stripes.style.width = `${lanes * width + 6}px`;
  stripes.style.height = `${transcript.scrollHeight}px`;
  const margin = `${lanes * width + 12}px`;
  if (transcript.style.marginLeft !== margin) {
    transcript.style.marginLeft = margin;  // the text moved (and may wrap anew): measure everything again
    root.wbStripeCache = new Map();
    if (!root.wbRelayout) {
      root.wbRelayout = true;
      try {
        layoutStripes(root, data, false);
      } finally {
        root.wbRelayout = false;
      }
      return;
    }
  }
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
  const marks = document.createElement("div");
  marks.className = "wb-marks";
  marks.setAttribute("aria-hidden", "true");
  const gutter = document.createElement("div");
  gutter.className = "wb-gutter";
  gutter.setAttribute("data-testid", "gutter");
  const transcript = document.createElement("div");
  transcript.className = "wb-transcript";
  transcript.dataset.testid = "transcript";
  transcript.setAttribute("data-testid", "transcript");
  scroller.append(stripes, marks, gutter, transcript);
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
    const partial = buildTranscript(root, transcript, data, fullText);
    root.dataset.version = data.version;
    root.dataset.document = data.document;
    scroller.scrollTop = keepScroll;
    requestAnimationFrame(() => {
      layoutStripes(root, data, partial);
      drawMarks(root);
      drawGutter(root);
    });
  }
  const scrollMemory = `wb-scroll:${data.document}`;
  if (freshMount && !(data.scroll_key && root.dataset.scrollKey !== data.scroll_key)) {
    const remembered = Number(sessionStorage.getItem(scrollMemory) || 0);
    if (remembered) requestAnimationFrame(() => { scroller.scrollTop = remembered; });
  }
  // The selection drawn at mouseup stays until the server's answer arrives; from then on the server's pending
  // selection is drawn (it may have refused the selection).
  root.wbPending = data.pending;
  drawMarks(root);
  const gutterKey = JSON.stringify([data.version, data.gutter, data.stripe_labels]);
  if (root.wbGutterKey !== gutterKey) {
    const labelsChanged = root.wbLabels !== undefined && root.wbLabels !== Boolean(data.stripe_labels);
    root.wbGutterKey = gutterKey;
    root.wbLabels = Boolean(data.stripe_labels);
    requestAnimationFrame(() => {
      if (labelsChanged) layoutStripes(root, data, false);
      drawGutter(root);
    });
  }
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
        root.wbPending = [start, end];
        drawMarks(root);
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
    if (!(key.ctrlKey || key.metaKey)) return;
    const letter = key.key.toLowerCase();
    const redo = letter === "y" || (letter === "z" && key.shiftKey);
    if (letter !== "z" && !redo) return;
    const active = document.activeElement;
    const typing = ["input", "textarea", "select"];
    if (active && (active.isContentEditable || typing.includes(active.tagName.toLowerCase()))) return;
    key.preventDefault();
    send({ type: redo ? "redo" : "undo" });
  };

  let resizeTimer = null;
  const observer = new ResizeObserver((entries) => {
    const width = Math.round(entries[entries.length - 1].contentRect.width);
    if (width === root.wbWidth) return;  // observing starts with a call: nothing moved
    const first = root.wbWidth === undefined;
    root.wbWidth = width;
    if (first) return;
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      layoutStripes(root, root.wbData, false);
      drawGutter(root);
      drawMarks(root);
    }, 80);
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
