import { createHash } from 'node:crypto';

/**
 * The display script a site adds with one line:
 *   <script src="https://piquet.example/v1/public/embed.js" data-site="pqs_…" async></script>
 * Served by Piquet itself, the same bytes for every site (so its hash is stable, for a CSP or SRI).
 * No cookie (fetch without credentials), no tracking, nothing from a third party. It reads the
 * site's status once, keeps it in localStorage and sleeps until the next window; during a strike it
 * looks again every minute and at the end. It builds its elements with the DOM and sets styles through
 * CSSOM (element.style), which a strict style-src allows; it injects no markup, no <style>, no
 * inline handler.
 */
export const EMBED_SCRIPT = `/* Piquet: the display form of a strike (AGPL-3.0-or-later) */
(function () {
  'use strict';
  var me = document.currentScript;
  if (!me || !window.fetch) return;
  var key = me.getAttribute('data-site') || '';
  if (!/^pqs_[A-Za-z0-9_-]{22}$/.test(key)) return;
  var base = new URL(me.src, location.href).origin;
  var STORE = 'piquet:' + key;
  var ROOT_ID = 'piquet-strike';
  var timer = null;
  var T = {
    fr: { tag: 'En grève', more: 'Pourquoi cette grève', close: 'Fermer', go: 'Continuer vers le site', closed: 'Ce site est fermé pour cause de grève.' },
    en: { tag: 'On strike', more: 'Why this strike', close: 'Close', go: 'Continue to the site', closed: 'This site is closed: its workers are on strike.' }
  };
  function lang() {
    var l = (me.getAttribute('data-lang') || document.documentElement.lang || '').toLowerCase();
    if (/^fr/.test(l)) return 'fr';
    if (/^en/.test(l)) return 'en';
    var ls = navigator.languages || [navigator.language || ''];
    for (var i = 0; i < ls.length; i++) {
      if (/^fr/i.test(ls[i])) return 'fr';
      if (/^en/i.test(ls[i])) return 'en';
    }
    return 'en';
  }
  function get(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
  function set(k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode: remembered for this page only */ } }
  function read() { try { return JSON.parse(get(STORE) || 'null'); } catch (e) { return null; } }
  function now(s) { return Date.now() + ((s && s.skew) || 0); }
  function css(el, styles) { el.style.all = 'initial'; for (var k in styles) el.style[k] = styles[k]; return el; }
  function make(tag, styles, text) { var el = css(document.createElement(tag), styles || {}); if (text) el.textContent = text; return el; }
  var FONT = { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', fontSize: '16px', lineHeight: '1.5', color: '#fff' };
  function merge(a, b) { var o = {}, k; for (k in a) o[k] = a[k]; for (k in b) o[k] = b[k]; return o; }
  function remove() { var old = document.getElementById(ROOT_ID); if (old) old.parentNode.removeChild(old); }
  function dismissed(strike) { return get('piquet:dismissed:' + strike.id) === '1'; }
  function render(strike) {
    var old = document.getElementById(ROOT_ID);
    if (!strike || (strike.form !== 'page' && strike.form !== 'closed' && dismissed(strike))) { remove(); return; }
    if (strike.form === 'page-continue' && dismissed(strike)) { remove(); return; }
    var t = T[lang()];
    var sig = strike.id + '|' + strike.form + '|' + lang();
    if (old && old.getAttribute('data-strike') === sig) return;
    remove();
    var full = strike.form !== 'banner';
    var root = make('div', full
      ? merge(FONT, { position: 'fixed', top: '0', left: '0', right: '0', bottom: '0', zIndex: '2147483647', background: '#b71c1c', display: 'flex', alignItems: 'center', justifyContent: 'center', padding: '2rem', overflow: 'auto', boxSizing: 'border-box' })
      : merge(FONT, { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '.5rem 1rem', background: '#b71c1c', padding: '.6rem 1rem', position: 'relative', zIndex: '2147483647', boxSizing: 'border-box', width: '100%' }));
    root.id = ROOT_ID;
    root.setAttribute('data-strike', sig);
    root.setAttribute('data-form', strike.form);
    root.setAttribute('role', full ? 'dialog' : 'region');
    root.setAttribute('aria-label', t.tag);
    root.setAttribute('lang', lang());
    if (full) root.setAttribute('aria-modal', 'true');
    var box = full ? make('div', merge(FONT, { maxWidth: '40rem', display: 'block' })) : root;
    box.appendChild(make('strong', merge(FONT, { fontWeight: '700', display: full ? 'block' : 'inline', fontSize: full ? '2rem' : '16px', marginBottom: full ? '1rem' : '0' }), t.tag + ' — ' + strike.title));
    if (full) {
      if (strike.form === 'closed') box.appendChild(make('p', merge(FONT, { display: 'block', margin: '0 0 1rem' }), t.closed));
      box.appendChild(make('p', merge(FONT, { display: 'block', margin: '0 0 1rem', whiteSpace: 'pre-wrap' }), strike.reason));
    }
    var more = make('a', merge(FONT, { textDecoration: 'underline', fontWeight: '600', cursor: 'pointer', display: full ? 'block' : 'inline', marginBottom: full ? '1rem' : '0' }), t.more);
    more.href = strike.pageUrl + '?lang=' + lang();
    more.rel = 'noopener noreferrer';
    box.appendChild(more);
    if (strike.form === 'banner' || strike.form === 'page-continue') {
      var btn = make('button', merge(FONT, { cursor: 'pointer', border: '2px solid #fff', borderRadius: '4px', padding: strike.form === 'banner' ? '0 .5rem' : '.4rem 1rem', background: 'transparent', marginLeft: strike.form === 'banner' ? 'auto' : '0', display: 'inline-block' }), strike.form === 'banner' ? '×' : t.go);
      btn.type = 'button';
      btn.setAttribute('aria-label', strike.form === 'banner' ? t.close : t.go);
      btn.addEventListener('click', function () { set('piquet:dismissed:' + strike.id, '1'); remove(); });
      box.appendChild(btn);
    }
    if (full) root.appendChild(box);
    var body = document.body;
    if (body) body.insertBefore(root, body.firstChild);
  }
  function inForce(s) {
    var t = now(s), list = [s.strike, s.next];
    for (var i = 0; i < list.length; i++) {
      var w = list[i];
      if (w && Date.parse(w.effectiveFrom) <= t && t < Date.parse(w.endsAt)) return w;
    }
    return null;
  }
  function sleep(ms) { clearTimeout(timer); timer = setTimeout(tick, Math.max(1000, Math.min(ms, 2147483000))); }
  // The next instant a known window opens or closes.
  function edge(s, t) {
    var wake = Infinity, list = [s.strike, s.next];
    for (var i = 0; i < list.length; i++) {
      var w = list[i];
      if (!w) continue;
      var from = Date.parse(w.effectiveFrom), to = Date.parse(w.endsAt);
      if (from > t) wake = Math.min(wake, from);
      if (to > t) wake = Math.min(wake, to);
    }
    return wake;
  }
  function apply(s) {
    var t = now(s);
    render(inForce(s));
    sleep(Math.min(Date.parse(s.checkAfter), edge(s, t)) - t);
  }
  function fetchStatus() {
    var sent = Date.now();
    return fetch(base + '/v1/public/sites/' + key + '/status', { credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) return null;
        s.skew = Date.parse(s.now) - Math.round((sent + Date.now()) / 2);
        set(STORE, JSON.stringify(s));
        return s;
      }, function () { return null; });
  }
  // The kept status decides only while it is fresh; past its checkAfter, the page waits for the
  // fresh one before changing anything, so an estimate of the server's clock a little ahead cannot
  // show the notice a moment early and take it down again (a flicker at the start).
  function tick() {
    var s = read();
    if (s && now(s) < Date.parse(s.checkAfter)) { apply(s); return; }
    fetchStatus().then(function (fresh) {
      if (fresh) { apply(fresh); return; }
      // Piquet out of reach: the kept status still knows the windows; ask again later.
      if (s) render(inForce(s));
      sleep(s ? Math.min(5 * 60000, edge(s, now(s)) - now(s)) : 5 * 60000);
    });
  }
  if (document.body) tick();
  else document.addEventListener('DOMContentLoaded', tick);
})();
`;

/** For a page's CSP (`script-src 'sha256-…'` with the script inlined) or the SRI attribute (`integrity`). */
export const EMBED_SCRIPT_SHA256 = `sha256-${createHash('sha256').update(EMBED_SCRIPT).digest('base64')}`;
