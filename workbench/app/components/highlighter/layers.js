// Transcript highlighter, part 2 of 3: the layers over and beside the text, drawn only near the viewport.
//
// Coding stripes (left margin), the gutter (turn timestamps, line or paragraph numbers, right of the text) and the
// marks (pending selection, focused coding) are absolutely placed layers in the scroller, never inside the text,
// so the pieces stay exact slices. Only the blocks within a screen's height of the viewport get them: a long
// transcript is never measured as a whole. A stripe's place inside its block is measured once and kept until the
// block is redrawn or the width changes; its place in the scroller is the block's top plus that.

const STRIPE_WIDTH = 7;
const LABELLED_WIDTH = 19;  // with labels: a 5-pixel stripe and its code name written beside it

// The blocks [first, last] within one scroller height above and below what is shown, and their code points.
function visibleWindow(root) {
  const scroller = root.querySelector(".wb-scroll");
  const shown = root.wbBlocks;
  if (!shown || !shown.elements.length) return null;
  const height = scroller.clientHeight || 640;
  const top = scroller.scrollTop - height;
  const bottom = scroller.scrollTop + 2 * height;
  const elements = shown.elements;
  let lo = 0;
  let hi = elements.length - 1;
  while (lo < hi) {  // the first block whose bottom is below `top`
    const mid = (lo + hi) >> 1;
    if (elements[mid].offsetTop + elements[mid].offsetHeight <= top) lo = mid + 1;
    else hi = mid;
  }
  let last = lo;
  while (last + 1 < elements.length && elements[last + 1].offsetTop < bottom) last++;
  return { first: lo, last, start: shown.bounds[lo], end: shown.bounds[last + 1] };
}

// Lanes side by side where segments overlap, by code points for the whole text (so a stripe keeps its lane
// however far the transcript is scrolled): a lane is free again `slack` code points after its last segment ends,
// about one line's worth, so two stripes never meet on one line.
function assignLanes(root, data) {
  const transcript = root.querySelector(".wb-transcript");
  const size = parseFloat(getComputedStyle(transcript).fontSize) || 16;
  const slack = Math.ceil((transcript.clientWidth || 700) / (0.25 * size));
  const order = data.segments.map((s, i) => i);
  order.sort((a, b) => data.segments[a].start - data.segments[b].start
                       || data.segments[b].end - data.segments[a].end);
  const laneEnds = [];
  const lanes = new Array(data.segments.length);
  for (const i of order) {
    const segment = data.segments[i];
    let lane = laneEnds.findIndex((end) => end + slack <= segment.start);
    if (lane < 0) {
      lane = laneEnds.length;
      laneEnds.push(0);
    }
    laneEnds[lane] = segment.end;
    lanes[i] = lane;
  }
  // for each block, the segments over it
  const bounds = root.wbBlocks.bounds;
  const byBlock = bounds.slice(1).map(() => []);
  for (const i of order) {
    const segment = data.segments[i];
    const first = blockAt(root, segment.start);
    const last = blockAt(root, Math.max(segment.start, segment.end - 1));
    for (let b = first; b <= last; b++) byBlock[b].push(i);
  }
  root.wbLanes = { version: data.version, width: transcript.clientWidth, lanes, count: laneEnds.length, byBlock };
}

// Top and bottom of segment `i`'s part in block `b`, in pixels from the block's top (measured once, cached).
function stripePart(root, data, b, i) {
  const block = root.wbBlocks.elements[b];
  const segment = data.segments[i];
  const key = `${b}:${segment.id}:${segment.start}:${segment.end}`;
  let place = root.wbStripeCache.get(key);
  if (place) return place;
  const base = block.getBoundingClientRect().top;
  const [start, end] = [root.wbBlocks.bounds[b], root.wbBlocks.bounds[b + 1]];
  let top = 0;
  let bottom = null;
  if (segment.start >= start) {
    const first = pieceAt(root, segment.start).getClientRects()[0];
    top = first ? first.top - base : 0;
  }
  if (segment.end <= end) {
    const rects = pieceAt(root, Math.max(segment.start, segment.end - 1)).getClientRects();
    const last = rects[rects.length - 1];
    bottom = last ? Math.max(last.bottom - base, top + 8) : top + 16;
  }
  place = { top, bottom };  // bottom null: to the block's end (the segment goes on in the next block)
  root.wbStripeCache.set(key, place);
  return place;
}

function drawStripes(root, data, where) {
  const stripes = root.querySelector(".wb-stripes");
  const transcript = root.querySelector(".wb-transcript");
  if (!data.segments.length) {
    stripes.replaceChildren();
    stripes.style.width = "0px";
    transcript.style.marginLeft = "0px";
    return;
  }
  const labelled = Boolean(data.stripe_labels);
  const width = labelled ? LABELLED_WIDTH : STRIPE_WIDTH;
  if (!root.wbLanes || root.wbLanes.version !== data.version || root.wbLanes.width !== transcript.clientWidth) {
    assignLanes(root, data);
  }
  const margin = `${root.wbLanes.count * width + 12}px`;
  if (transcript.style.marginLeft !== margin) {
    transcript.style.marginLeft = margin;  // the text moved (and may wrap anew): measure again
    root.wbStripeCache = new Map();
    assignLanes(root, data);
  }
  stripes.style.width = `${root.wbLanes.count * width + 6}px`;
  const spans = new Map();
  for (let b = where.first; b <= where.last; b++) {
    const block = root.wbBlocks.elements[b];
    const offset = block.offsetTop;
    for (const i of root.wbLanes.byBlock[b]) {
      const part = stripePart(root, data, b, i);
      const top = offset + part.top;
      const bottom = offset + (part.bottom === null ? block.offsetHeight : part.bottom);
      const span = spans.get(i);
      if (span) span.bottom = bottom;
      else spans.set(i, { top, bottom });
    }
  }
  const fragment = document.createDocumentFragment();
  for (const [i, span] of spans) {
    const segment = data.segments[i];
    const lane = root.wbLanes.lanes[i];
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
  stripes.replaceChildren(fragment);
}

// Where a range's rectangle is, in the scroller's content.
function scrollerBox(root) {
  const scroller = root.querySelector(".wb-scroll");
  const box = scroller.getBoundingClientRect();
  return (rect) => ({
    top: rect.top - box.top - scroller.clientTop + scroller.scrollTop,
    left: rect.left - box.left - scroller.clientLeft + scroller.scrollLeft,
  });
}

// The pending selection and the focused coding are drawn as boxes over the text (a layer that takes no clicks),
// so choosing a passage never rebuilds the transcript. Only their part near the viewport is drawn.
function drawMarks(root, where) {
  const layer = root.querySelector(".wb-marks");
  const fragment = document.createDocumentFragment();
  const marks = [["wb-pending", root.wbPending], ["wb-focus", root.wbData && root.wbData.focus]];
  const place = scrollerBox(root);
  for (const [className, span] of marks) {
    if (!where || !span) continue;
    const start = Math.max(span[0], where.start);
    const end = Math.min(span[1], where.end);
    if (end <= start) continue;
    const range = textRange(root, start, end);
    if (!range) continue;
    for (const rect of range.getClientRects()) {
      if (rect.width < 1) continue;
      const at = place(rect);
      const mark = document.createElement("div");
      mark.className = `wb-mark ${className}`;
      mark.style.top = `${at.top}px`;
      mark.style.left = `${at.left}px`;
      mark.style.width = `${rect.width}px`;
      mark.style.height = `${rect.height}px`;
      fragment.appendChild(mark);
    }
  }
  layer.replaceChildren(fragment);
}

// The gutter right of the text: turn timestamps (VTT/SRT) and line or paragraph numbers, each at the height of the
// character where its line, paragraph or turn starts.
function drawGutter(root, where) {
  const layer = root.querySelector(".wb-gutter");
  const transcript = root.querySelector(".wb-transcript");
  const entries = (root.wbData && root.wbData.gutter) || [];
  const fragment = document.createDocumentFragment();
  const room = entries.length ? "72px" : "";
  if (transcript.style.marginRight !== room) transcript.style.marginRight = room;
  if (entries.length && where) {
    const place = scrollerBox(root);
    const left = transcript.offsetLeft + transcript.offsetWidth + 10;
    let lastTop = -Infinity;
    let index = entries.findIndex((entry) => entry[0] >= where.start);
    for (; index >= 0 && index < entries.length && entries[index][0] < where.end; index++) {
      const [offset, text, kind] = entries[index];
      const range = textRange(root, offset, offset + 1);
      const rect = range && range.getClientRects()[0];
      if (!rect) continue;
      const top = place(rect).top;
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

// Draw every layer for the blocks near the viewport (after a scroll, a redraw, a block laid out anew).
function drawLayers(root) {
  const data = root.wbData;
  if (!data || !root.wbBlocks) return;
  if (!root.wbStripeCache) root.wbStripeCache = new Map();
  let where = visibleWindow(root);
  drawStripes(root, data, where || { first: 0, last: -1 });
  where = visibleWindow(root);  // the margin may have changed the layout
  drawGutter(root, where);
  drawMarks(root, where);
  root.wbWindow = where ? `${where.first}-${where.last}` : "";
}

function scrollToOffset(root, offset) {
  const scroller = root.querySelector(".wb-scroll");
  const target = pieceAt(root, Math.min(offset, Math.max(0, root.wbBlocks.bounds.at(-1) - 1)));
  if (!target) return;
  const centre = () => {
    const rect = target.getBoundingClientRect();
    const box = scroller.getBoundingClientRect();
    const by = rect.top - box.top - box.height / 3;
    if (Math.abs(by) > 2) scroller.scrollTop += by;
  };
  centre();
  // the blocks that come into view are laid out only now and may not be as tall as estimated: centre again
  requestAnimationFrame(() => requestAnimationFrame(() => { centre(); drawLayers(root); }));
  target.classList.add("wb-flash");
  setTimeout(() => target.classList.remove("wb-flash"), 1600);
}
