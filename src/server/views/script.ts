/**
 * The status page's only script, served as /assets/dashboard.js (an external file passes any
 * `script-src 'self'` CSP). It follows /events (Server-Sent Events; EventSource reconnects by itself)
 * and patches the page: queue counts in place, new alerts on top. No polling.
 */
export const DASHBOARD_SCRIPT = `(() => {
  'use strict';
  const live = document.getElementById('live');
  const say = (text) => { if (live) live.textContent = text; };
  const source = new EventSource('/events');
  source.onopen = () => say('live');
  source.onerror = () => say('live updates: reconnecting…');
  source.addEventListener('counts', (e) => {
    const { stage, counts } = JSON.parse(e.data);
    for (const [field, value] of Object.entries(counts)) {
      const cell = document.querySelector('[data-count="' + CSS.escape(stage + ':' + field) + '"]');
      if (cell && cell.textContent !== String(value)) cell.textContent = String(value);
    }
  });
  source.addEventListener('alert', (e) => {
    const { id, html } = JSON.parse(e.data);
    const rows = document.getElementById('alert-rows');
    if (!rows || rows.querySelector('[data-alert="' + CSS.escape(id) + '"]')) return;
    rows.insertAdjacentHTML('afterbegin', html);
    rows.firstElementChild.classList.add('new');
    document.getElementById('no-alerts')?.remove();
  });
})();
`;
