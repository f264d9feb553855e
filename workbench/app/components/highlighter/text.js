// Transcript highlighter, part 1 of 3: the text (blocks of flat pieces) and offsets in code points.
//
// Python sends the transcript as blocks (code-point bounds [0, c1, …, length], every cut just after a line break)
// and flat pieces [start, end, flags, segmentIndexes] that never cross a block bound. The stored text is sent once
// per document and session and kept in window.__wbTexts. Every block is one <div class="wb-block"> (laid out by
// the browser only near the viewport: content-visibility: auto); every piece is one <span> holding one text node
// that is an exact slice of the stored text (built with createTextNode, never innerHTML), so a DOM position
// converts to a code-point offset by counting code points inside one node, whichever block it is in.

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

// The UTF-16 index just after `count` code points from `from` in `text`.
function advanceCodePoints(text, from, count) {
  let index = from;
  for (let n = 0; n < count && index < text.length; n++) {
    const unit = text.charCodeAt(index);
    index += unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length ? 2 : 1;
  }
  return index;
}

function pieceOf(node, transcript) {
  let element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
  while (element && element !== transcript) {
    if (element.classList && element.classList.contains("wb-piece")) return element;
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
  const piece = pieceOf(node, transcript);
  if (!piece) {
    // A boundary between blocks (node: the transcript) or between pieces (node: a block).
    const child = node.childNodes[offset];
    if (child && child.dataset && child.dataset.start !== undefined) return Number(child.dataset.start);
    if (node.dataset && node.dataset.end !== undefined) return Number(node.dataset.end);
    return total;
  }
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

// The largest index i with values[i] <= value (0 when none is).
function lastAtOrBefore(values, value) {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (values[mid] <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// The estimated height of a block not yet laid out: its length times the pixels per code point of the blocks
// laid out so far (so the scrollbar is about right before the browser has seen the whole text).
function estimateHeights(root) {
  const shown = root.wbBlocks;
  const ratio = root.wbPixelsPerChar || 0.34;
  for (let b = 0; b < shown.elements.length; b++) {
    const height = Math.max(20, Math.round((shown.bounds[b + 1] - shown.bounds[b]) * ratio));
    shown.elements[b].style.containIntrinsicBlockSize = `auto ${height}px`;
  }
}

// Draw the blocks. When the same text (and so the same blocks) is already shown, only the blocks whose pieces
// changed are redrawn (applying or removing a code redraws one or two blocks, never the whole transcript).
// Returns the indexes of the redrawn blocks, or null when everything was drawn anew.
function buildTranscript(root, transcript, data, fullText) {
  if (data.base) return redrawBlocks(root, data, fullText);
  const segments = data.segments;
  const bounds = data.blocks;
  const old = root.wbBlocks;
  const same = old && old.textKey === data.text_key && old.bounds.length === bounds.length
    && old.bounds.every((b, i) => b === bounds[i]);
  const units = same ? old.units : [];
  if (!same) {  // UTF-16 index of every block start, once per text
    let cursor = 0;
    for (let b = 0; b < bounds.length; b++) {
      cursor = advanceCodePoints(fullText, cursor, bounds[b] - (b ? bounds[b - 1] : 0));
      units.push(cursor);
    }
  }
  const rows = data.pieces;
  const keys = [];
  const starts = [];
  const firstRow = [];
  let row = 0;
  for (let b = 0; b + 1 < bounds.length; b++) {
    firstRow.push(row);
    let key = "";
    const blockStarts = [];
    while (row < rows.length && rows[row][0] < bounds[b + 1]) {
      key += pieceKey(rows[row], segments) + ";";
      blockStarts.push(rows[row][0]);
      row++;
    }
    keys.push(key);
    starts.push(blockStarts);
  }
  firstRow.push(rows.length);
  const elements = same ? old.elements : [];
  const redrawn = [];
  const fragment = same ? null : document.createDocumentFragment();
  for (let b = 0; b + 1 < bounds.length; b++) {
    if (same && keys[b] === old.keys[b]) continue;
    let block = elements[b];
    if (!block) {
      block = document.createElement("div");
      block.className = "wb-block";
      block.dataset.start = String(bounds[b]);
      block.dataset.end = String(bounds[b + 1]);
      elements[b] = block;
    }
    const pieces = document.createDocumentFragment();
    let cursor = units[b];
    for (let r = firstRow[b]; r < firstRow[b + 1]; r++) {
      const next = advanceCodePoints(fullText, cursor, rows[r][1] - rows[r][0]);
      pieces.appendChild(makePiece(rows[r], segments, fullText.slice(cursor, next)));
      cursor = next;
    }
    block.replaceChildren(pieces);
    if (fragment) fragment.appendChild(block);
    redrawn.push(b);
  }
  if (fragment) transcript.replaceChildren(fragment);
  transcript.dataset.length = String(data.length);
  root.wbBlocks = { textKey: data.text_key, bounds, units, keys, starts, elements };
  if (!same) estimateHeights(root);
  return same ? redrawn : null;
}

// Python sent the pieces of the blocks that changed since the version shown ([[block, rows], …]): redraw those.
function redrawBlocks(root, data, fullText) {
  const shown = root.wbBlocks;
  const redrawn = [];
  for (const [b, rows] of data.pieces) {
    const pieces = document.createDocumentFragment();
    let cursor = shown.units[b];
    for (const row of rows) {
      const next = advanceCodePoints(fullText, cursor, row[1] - row[0]);
      pieces.appendChild(makePiece(row, data.segments, fullText.slice(cursor, next)));
      cursor = next;
    }
    shown.elements[b].replaceChildren(pieces);
    shown.starts[b] = rows.map((row) => row[0]);
    shown.keys[b] = null;  // drawn from rows not keyed here: a full redraw of this text redraws it too
    redrawn.push(b);
  }
  return redrawn;
}

// The piece element holding code point `offset` (the last piece that starts at or before it).
function pieceAt(root, offset) {
  const shown = root.wbBlocks;
  if (!shown || !shown.elements.length) return null;
  const b = Math.min(lastAtOrBefore(shown.bounds, offset), shown.elements.length - 1);
  const pieces = shown.elements[b].children;
  if (!pieces.length) return null;
  return pieces[lastAtOrBefore(shown.starts[b], offset)];
}

// The index of the block holding code point `offset`.
function blockAt(root, offset) {
  const shown = root.wbBlocks;
  return Math.min(lastAtOrBefore(shown.bounds, offset), shown.elements.length - 1);
}

// A DOM range over code points [start, end) of the shown text (which may span blocks).
function textRange(root, start, end) {
  const place = (offset) => {
    const piece = pieceAt(root, offset);
    if (!piece) return null;
    const node = piece.firstChild;
    const within = Math.max(0, offset - Number(piece.dataset.start));
    return [node, advanceCodePoints(node.data, 0, within)];
  };
  const first = place(start);
  const last = place(Math.max(start, end - 1));
  if (!first || !last) return null;
  const range = document.createRange();
  range.setStart(first[0], first[1]);
  range.setEnd(last[0], advanceCodePoints(last[0].data, last[1], 1));
  return range;
}
