/**
 * The dashboard's only script, served as /assets/dashboard.js (an external file passes any
 * `script-src 'self'` CSP). It follows /events (Server-Sent Events; EventSource reconnects by itself)
 * and patches the page: queue counts in place, new alerts on top of the first page of alerts, and any
 * section the server says changed fetched again from /fragments/:section and swapped in. No polling.
 */
export const DASHBOARD_SCRIPT = `(() => {
  'use strict';
  let state = 'connecting';
  const say = (next) => {
    state = next;
    const live = document.getElementById('live');
    if (live && next !== 'connecting') live.textContent = live.dataset[next === 'live' ? 'textLive' : 'textReconnecting'] || next;
  };
  const arabic = document.documentElement.lang === 'ar';
  const source = new EventSource('/events');
  source.onopen = () => say('live');
  source.onerror = () => say('reconnecting');
  source.addEventListener('counts', (e) => {
    const { stage, counts } = JSON.parse(e.data);
    for (const [field, value] of Object.entries(counts)) {
      const cell = document.querySelector('[data-count="' + CSS.escape(stage + ':' + field) + '"]');
      if (cell && cell.textContent !== String(value)) cell.textContent = String(value);
    }
  });
  source.addEventListener('alert', (e) => {
    const data = JSON.parse(e.data);
    const rows = document.getElementById('alert-rows');
    // Later pages of the alerts stay as they are: a new alert belongs on the first.
    if (!rows || rows.dataset.page !== '1' || rows.querySelector('[data-alert="' + CSS.escape(data.id) + '"]')) return;
    rows.insertAdjacentHTML('afterbegin', (arabic && data.html_ar) || data.html);
    rows.firstElementChild.classList.add('new');
    document.getElementById('no-alerts')?.remove();
  });
  const fetching = new Set();
  source.addEventListener('changed', (e) => {
    const { section } = JSON.parse(e.data);
    const selector = '[data-section="' + CSS.escape(section) + '"]';
    if (!document.querySelector(selector) || fetching.has(section)) return;
    fetching.add(section);
    const query = new URLSearchParams(location.search);
    query.delete('lang');
    query.set('from', location.pathname);
    fetch('/fragments/' + encodeURIComponent(section) + '?' + query, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then((r) => (r.ok ? r.text() : null))
      .then((html) => {
        const current = document.querySelector(selector);
        if (html && current) {
          current.outerHTML = html;
          say(state);
        }
      })
      .catch(() => {})
      .finally(() => fetching.delete(section));
  });
})();
`;
