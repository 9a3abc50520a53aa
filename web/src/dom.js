// Building DOM without innerHTML: text is always set with textContent, so message text stays text.

/**
 * h('button', {class: 'x', text: 'Send', onclick: fn, 'aria-label': 'Send'}, child, ...). `style` is refused
 * (the page's CSP allows no inline styles: set element.style from code, or use classes).
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'style') throw new Error('no inline styles');
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'hidden') el.hidden = true;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export const $ = (id) => document.getElementById(id);

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/**
 * Keyed update of a container's children: rows are [{key, sig, ...}]; `make(row)` builds an element. An element
 * whose key and sig are unchanged is kept as it is (so focus, images and selections survive re-renders).
 */
export function reconcile(container, rows, make, cache) {
  const next = new Map();
  const els = [];
  for (const row of rows) {
    const old = cache.get(row.key);
    let el;
    if (old && old.sig === row.sig) el = old.el;
    else {
      el = make(row);
      el.dataset.key = row.key;
    }
    next.set(row.key, { el, sig: row.sig });
    els.push(el);
  }
  // Drop what goes, then move elements into place with as few DOM moves as possible.
  const keep = new Set(els);
  for (const child of [...container.childNodes]) if (!keep.has(child)) container.removeChild(child);
  let cur = container.firstChild;
  for (const el of els) {
    if (cur === el) {
      cur = cur.nextSibling;
    } else {
      container.insertBefore(el, cur);
    }
  }
  while (cur) {
    const n = cur.nextSibling;
    container.removeChild(cur);
    cur = n;
  }
  cache.clear();
  for (const [k, v] of next) cache.set(k, v);
}
