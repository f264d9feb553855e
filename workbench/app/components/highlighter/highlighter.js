// Transcript highlighter, part 3 of 3: mounting, Python's data and the browser's events.
//
// Selections, clicks and Ctrl+Z go back to Python as trigger events. The parts are concatenated in the order
// text.js, layers.js, highlighter.js (workbench/app/highlighter.py) into one module.

const DEBOUNCE_MS = 10;
const DUPLICATE_MS = 700;

// Segments as sent ([id, start, end, code, coder], with the tables of codes and coders) → objects.
function expandSegments(data) {
  return data.segments.map(([id, start, end, code, coder]) => ({
    id, start, end, code: data.codes[code][0], colour: data.codes[code][1], coder: data.coders[coder],
  }));
}

// One drawing of the layers per frame, whatever asked for it.
function scheduleLayers(root) {
  if (root.wbLayersFrame) return;
  root.wbLayersFrame = requestAnimationFrame(() => {
    root.wbLayersFrame = 0;
    drawLayers(root);
  });
}

// Blocks that were redrawn: their stripes are measured again.
function forgetBlocks(root, redrawn) {
  const cache = root.wbStripeCache || new Map();
  const gone = new Set(redrawn.map(String));
  for (const key of [...cache.keys()]) {
    if (gone.has(key.slice(0, key.indexOf(":")))) cache.delete(key);
  }
  root.wbStripeCache = cache;
}

// A block laid out for the first time (it came near the viewport) may not be as tall as estimated: the layers
// below it move.
function observeBlocks(root) {
  if (root.wbBlockObserver) root.wbBlockObserver.disconnect();
  root.wbBlockObserver = new ResizeObserver((entries) => {
    const width = Math.round(entries[entries.length - 1].contentRect.width);
    if (width !== root.wbBlockWidth) {  // the text wraps anew: every stripe is measured again
      root.wbBlockWidth = width;
      root.wbStripeCache = new Map();
    }
    scheduleLayers(root);
  });
  for (const block of root.wbBlocks.elements) root.wbBlockObserver.observe(block);
}

// Pixels per code point, from the block at the scroll position laid out for real (once per text), for the
// estimated heights of the blocks not yet laid out.
function measureRatio(root, scrollTop) {
  const shown = root.wbBlocks;
  if (!shown.elements.length) return;
  let b = 0;
  while (b + 1 < shown.elements.length && shown.elements[b + 1].offsetTop <= scrollTop) b++;
  const range = document.createRange();
  range.selectNodeContents(shown.elements[b]);
  const height = range.getBoundingClientRect().height;
  const length = shown.bounds[b + 1] - shown.bounds[b];
  if (height > 0 && length > 0) {
    root.wbPixelsPerChar = height / length;
    estimateHeights(root);
  }
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

  const freshMount = !root.dataset.version;
  const texts = (window.__wbTexts = window.__wbTexts || new Map());
  if (typeof data.text === "string") texts.set(data.text_key, data.text);
  const fullText = texts.get(data.text_key);
  if (fullText === undefined) {
    setTriggerValue("event", { type: "need_text", document: data.document, nonce: `${Date.now()}-text` });
    return () => {};
  }
  // Python sends segments and pieces only with a new version (and then only the blocks that changed since
  // `base`); a tab that has another version (a remount, a missed rerun) asks for everything.
  const current = root.dataset.version;
  const stale = data.segments ? data.base && data.base !== current : data.version !== current;
  if (stale || (!data.gutter && !root.wbGutter)) {
    setTriggerValue("event", { type: "need_full", document: data.document, nonce: `${Date.now()}-full` });
    return () => {};
  }
  if (data.segments) root.wbSegments = expandSegments(data);
  if (data.gutter) root.wbGutter = data.gutter;
  root.wbData = { ...data, segments: root.wbSegments, gutter: root.wbGutter };
  if (root.dataset.version !== data.version) {
    const keepScroll = root.dataset.document === data.document ? scroller.scrollTop : 0;
    const redrawn = buildTranscript(root, transcript, root.wbData, fullText);
    if (redrawn === null) {
      root.wbStripeCache = new Map();
      root.wbLanes = null;
      observeBlocks(root);
      measureRatio(root, keepScroll);
    } else {
      forgetBlocks(root, redrawn);
    }
    root.dataset.version = data.version;
    root.dataset.document = data.document;
    scroller.scrollTop = keepScroll;
    scheduleLayers(root);
  }
  const scrollMemory = `wb-scroll:${data.document}`;
  if (freshMount && !(data.scroll_key && root.dataset.scrollKey !== data.scroll_key)) {
    const remembered = Number(sessionStorage.getItem(scrollMemory) || 0);
    if (remembered) requestAnimationFrame(() => { scroller.scrollTop = remembered; });
  }
  // The selection drawn at mouseup stays until the server's answer arrives; from then on the server's pending
  // selection is drawn (it may have refused the selection).
  root.wbPending = data.pending;
  drawMarks(root, visibleWindow(root));
  const gutterKey = `${data.version}:${data.stripe_labels}`;
  if (data.gutter || root.wbGutterKey !== gutterKey) {
    root.wbGutterKey = gutterKey;
    scheduleLayers(root);
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
        drawMarks(root, visibleWindow(root));
        send({ type: "selection", start, end, text: range.toString() });
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
      root.wbStripeCache = new Map();
      drawLayers(root);
    }, 80);
  });
  observer.observe(transcript);

  let scrollTimer = null;
  const onScroll = () => {
    clearTimeout(scrollTimer);
    scrollTimer = setTimeout(() => sessionStorage.setItem(scrollMemory, String(scroller.scrollTop)), 120);
    if (!root.wbScrollFrame) {
      root.wbScrollFrame = requestAnimationFrame(() => {
        root.wbScrollFrame = 0;
        const where = visibleWindow(root);
        if ((where ? `${where.first}-${where.last}` : "") !== root.wbWindow) drawLayers(root);
      });
    }
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
