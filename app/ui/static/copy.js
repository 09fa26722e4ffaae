element.addEventListener('click', (e) => {
  const b = e.target.closest('button.copy'); if (!b) return;
  const src = element.querySelector('textarea.copy-src'); const text = src ? src.value : '';
  const done = () => { b.textContent = 'Copied'; setTimeout(() => { b.textContent = b.dataset.label; }, 1500); };
  const fallback = () => { const t = document.createElement('textarea'); t.value = text; document.body.appendChild(t);
    t.select(); try { document.execCommand('copy'); done(); } finally { document.body.removeChild(t); } };
  if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).then(done, fallback); } else { fallback(); }
});