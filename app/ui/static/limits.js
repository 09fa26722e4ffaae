// Character counts under the parent's boxes (LIMITS: elem id -> the most the box takes, set before this script).
// Nothing is cut: near the limit the count shows, over it a warning says by how much (the server refuses too).
const count = (id) => {
  const wrap = document.getElementById(id); if (!wrap) return;
  const box = wrap.querySelector('textarea, input'); if (!box) return;
  const limit = LIMITS[id];
  // a contact is one line of its box: the longest line counts
  const n = id === 'p-contacts' ? Math.max(0, ...box.value.split('\n').map((l) => l.trim().length)) : box.value.trim().length;
  let out = wrap.querySelector('.limit-count');
  if (!out) { out = document.createElement('div'); out.className = 'limit-count'; out.id = id + '-count';
    out.setAttribute('aria-live', 'polite'); wrap.appendChild(out); }
  const fmt = (x) => x.toLocaleString('en-GB');
  const what = id === 'p-contacts' ? 'A line here' : 'This';
  let text = '', cls = 'limit-count';
  if (n > limit) { text = `${what} is ${fmt(n)} characters: ${fmt(n - limit)} over the ${fmt(limit)} limit. Please shorten it; nothing is cut.`; cls += ' over'; }
  else if (n >= 0.8 * limit) { text = `${fmt(n)} of ${fmt(limit)} characters`; cls += ' near'; }
  if (out.textContent !== text) out.textContent = text;
  if (out.className !== cls) out.className = cls;
};
const all = () => Object.keys(LIMITS).forEach(count);
document.addEventListener('input', (e) => {
  for (let el = e.target; el; el = el.parentElement) { if (el.id && LIMITS[el.id]) { count(el.id); return; } }
});
// values put back from this browser's copy (a reload) arrive without an input event
setInterval(all, 1000);
all();
