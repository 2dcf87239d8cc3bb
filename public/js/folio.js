// Folio's little client script: keyboard shortcuts on paper lists. Every page works without it.
//   j / k  move the highlight to the next / previous paper
//   o      open the highlighted paper (Enter on its focused title does the same)
//   u      upvote the highlighted paper (focuses and presses its upvote button); on a paper already
//          upvoted it takes the upvote back and says so, so a stray key press is noticed and undone
//   /      focus the search box
(() => {
  const items = () => Array.from(document.querySelectorAll('[data-paper-item]'));
  let current = -1;

  function typing(target) {
    if (!(target instanceof HTMLElement)) return false;
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  // A short spoken and shown note (role="status"), for what a key did that the eye may miss.
  let toast;
  let toastTimer;
  function say(text) {
    if (!toast) {
      toast = document.createElement('div');
      toast.className = 'toast';
      toast.setAttribute('role', 'status');
      document.body.append(toast);
    }
    toast.textContent = text;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      toast.hidden = true;
    }, 4000);
  }

  // Said once the server has answered (the vote script tells with a `folio:vote` event on the form):
  // a refused vote (an address to confirm first) must not be announced as done.
  function pressUpvote(button) {
    const form = button.form;
    if (form) {
      form.addEventListener(
        'folio:vote',
        (e) => {
          if (e.detail.refused) say('Not voted: confirm your email address first.');
          else say(e.detail.voted ? 'Upvoted. Press u again to take it back.' : 'Upvote taken back. Press u again to upvote.');
        },
        { once: true },
      );
    }
    button.focus();
    button.click();
  }

  function highlight(index) {
    const list = items();
    if (!list.length) return;
    const next = Math.max(0, Math.min(list.length - 1, index));
    list[current]?.classList.remove('is-current');
    current = next;
    const item = list[current];
    item.classList.add('is-current');
    const link = item.querySelector('[data-paper-link]');
    if (link) link.focus({ preventScroll: true });
    const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    item.scrollIntoView({ block: 'nearest', behavior: reduce ? 'auto' : 'smooth' });
  }

  // Start from the paper that already holds focus (after a click or Tab), if any.
  document.addEventListener('focusin', (e) => {
    const item = e.target instanceof Element ? e.target.closest('[data-paper-item]') : null;
    if (!item) return;
    const index = items().indexOf(item);
    if (index >= 0 && index !== current) {
      items()[current]?.classList.remove('is-current');
      current = index;
      item.classList.add('is-current');
    }
  });

  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
    if (e.key === '/') {
      const search = document.querySelector('[data-search-box]');
      if (search) {
        e.preventDefault();
        search.focus();
        search.select();
      }
      return;
    }
    const list = items();
    if (!list.length) {
      // A paper page: its one upvote button.
      const only = document.querySelectorAll('[data-upvote]');
      if (e.key === 'u' && only.length === 1) {
        e.preventDefault();
        pressUpvote(only[0]);
      }
      return;
    }
    if (e.key === 'j') {
      e.preventDefault();
      highlight(current + 1);
    } else if (e.key === 'k') {
      e.preventDefault();
      highlight(current < 0 ? 0 : current - 1);
    } else if (e.key === 'o' && current >= 0) {
      const link = list[current]?.querySelector('[data-paper-link]');
      if (link) {
        e.preventDefault();
        window.location.assign(link.href);
      }
    } else if (e.key === 'u' && current >= 0) {
      const button = list[current]?.querySelector('[data-upvote]');
      if (button) {
        e.preventDefault();
        pressUpvote(button);
      }
    }
  });
})();

// A vote the member must confirm their address for: said next to the button, with the server's link,
// and the page stays where it is.
function noteBeside(form, answer) {
  let note = form.querySelector('[data-vote-note]');
  if (!note) {
    note = document.createElement('p');
    note.className = 'vote-note';
    note.setAttribute('role', 'status');
    note.dataset.voteNote = '';
    form.append(note);
  }
  note.textContent = `${answer.error} `;
  if (answer.link?.href) {
    const a = document.createElement('a');
    a.href = answer.link.href;
    a.textContent = answer.link.text;
    note.append(a);
  }
}

// Posts a vote form with fetch and returns the server's JSON answer. On any failure the form is posted
// the plain way instead, so the server says what went wrong on a page, and null comes back.
async function postInPlace(form, name, value) {
  const body = new URLSearchParams(new FormData(form));
  body.set(name, value);
  try {
    const res = await fetch(form.action, { method: 'POST', body, headers: { accept: 'application/json' }, credentials: 'same-origin' });
    if (res.status === 403 && (res.headers.get('content-type') ?? '').includes('application/json')) {
      const answer = await res.json();
      if (answer.code === 'confirm_email') {
        noteBeside(form, answer);
        form.dispatchEvent(new CustomEvent('folio:vote', { detail: { refused: true } }));
        return null;
      }
    }
    if (!res.ok) throw new Error(String(res.status));
    return await res.json();
  } catch {
    // form.submit() sends no button value: add it.
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.append(input);
    form.submit();
    return null;
  }
}

// Upvotes without a reload: the vote form is posted with fetch (same fields, same CSRF token) and the
// count and pressed state change in place. Signed-out visitors (no token in the form) and any failure
// fall back to the plain form post, which works without JS.
(() => {
  const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
  const compact = (n) => (n < 1000 ? String(n) : COMPACT.format(n));

  function show(button, state) {
    button.setAttribute('aria-pressed', state.voted ? 'true' : 'false');
    button.value = state.voted ? 'down' : 'up';
    button.title = state.voted ? 'Remove your upvote' : 'Upvote';
    const count = button.querySelector('.vote__count');
    if (count) count.textContent = compact(state.upvotes);
    const label = button.getAttribute('aria-label');
    if (label)
      button.setAttribute(
        'aria-label',
        label.replace(/, [\d,]+ upvotes?$/, `, ${state.upvotes.toLocaleString('en-US')} upvote${state.upvotes === 1 ? '' : 's'}`),
      );
  }

  document.addEventListener('submit', async (e) => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains('vote')) return;
    const token = form.querySelector('input[name="_csrf"]');
    const button = form.querySelector('[data-upvote]');
    if (!token?.value || !button) return; // signed out: the form goes to sign-in
    e.preventDefault();
    if (button.getAttribute('aria-busy') === 'true') return;
    button.setAttribute('aria-busy', 'true');
    const state = await postInPlace(form, 'vote', button.value);
    button.removeAttribute('aria-busy');
    if (state) {
      show(button, state);
      form.dispatchEvent(new CustomEvent('folio:vote', { detail: { voted: state.voted } }));
    }
  });
})();

// Search while typing, on /search: after a short pause the form's fields go to /search/results and the
// results part of the page is replaced; the address follows, so that reload, back and sharing work.
// Without JS (or when a request fails) the form is an ordinary GET form.
(() => {
  const form = document.querySelector('form[data-search-form]');
  const results = document.querySelector('[data-search-results]');
  if (!form || !results) return;
  const DELAY_MS = 250;
  let timer;
  let controller;
  let last = new URLSearchParams(window.location.search).toString();

  function params() {
    const p = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (typeof value !== 'string' || value === '' || (name === 'mode' && value === 'hybrid')) continue;
      p.append(name, value);
    }
    return p.toString();
  }

  async function run() {
    const qs = params();
    if (qs === last) return;
    last = qs;
    controller?.abort();
    controller = new AbortController();
    results.setAttribute('aria-busy', 'true');
    try {
      const res = await fetch(`/search/results${qs ? `?${qs}` : ''}`, {
        signal: controller.signal,
        headers: { accept: 'text/html' },
        credentials: 'same-origin',
      });
      if (!res.ok) throw new Error(String(res.status));
      results.innerHTML = await res.text();
      window.history.replaceState(null, '', `/search${qs ? `?${qs}` : ''}`);
      const q = form.querySelector('input[name="q"]')?.value.trim() ?? '';
      const site = document.title.split(' · ').pop();
      document.title = q ? `Search: ${q} · ${site}` : `Search · ${site}`;
    } catch (e) {
      if (e?.name === 'AbortError') return;
      last = null; // try again on the next change; the form still submits normally
    } finally {
      results.removeAttribute('aria-busy');
    }
  }

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(run, DELAY_MS);
  };
  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
})();

// Comment votes in place too: the clicked button's value (1, -1, or 0 to take a vote back) is posted
// with fetch and both buttons show the new state. Any failure falls back to the plain form post.
(() => {
  function show(form, value) {
    for (const b of form.querySelectorAll('.comment-vote')) {
      const dir = Number(b.dataset.dir);
      const pressed = dir === value;
      b.setAttribute('aria-pressed', pressed ? 'true' : 'false');
      b.value = pressed ? '0' : String(dir);
      b.title = pressed ? 'Take back your vote' : (b.dataset.label ?? '');
    }
  }

  document.addEventListener('submit', async (e) => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains('comment__votes')) return;
    const token = form.querySelector('input[name="_csrf"]');
    const button = e.submitter;
    if (!token?.value || !(button instanceof HTMLButtonElement)) return;
    e.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    form.setAttribute('aria-busy', 'true');
    const state = await postInPlace(form, 'value', button.value);
    form.removeAttribute('aria-busy');
    if (state) show(form, state.value);
  });
})();

// A form shown again after a refusal: its summary of what to correct takes focus (and so is read out),
// and a reply or edit box that holds a field to correct is open. Without JS the page says the same.
(() => {
  const summary = document.querySelector('[data-form-problems]');
  for (const bad of document.querySelectorAll('[aria-invalid="true"]')) {
    const box = bad.closest('details');
    if (box) box.open = true;
  }
  if (summary) summary.focus();
})();

// Comment previews in place: a comment form's "Preview" button sends the text to /comments/preview and
// the comment as it would be shown (the server's rendering, sanitised as a posted comment) appears above
// the text box; nothing is stored. A refusal is said beside the text box; any other failure posts the
// form the plain way, and the page comes back with the preview.
(() => {
  const KATEX_CSS = '/static/katex/katex.min.css';

  function box(form, area) {
    let b = form.querySelector('[data-comment-preview]');
    if (!b) {
      b = document.createElement('section');
      b.className = 'comment-preview';
      b.setAttribute('aria-label', 'Preview');
      b.dataset.commentPreview = '';
      const title = document.createElement('p');
      title.className = 'comment-preview__title';
      title.textContent = 'Preview ';
      const note = document.createElement('span');
      note.className = 'comment-preview__note';
      note.textContent = '(not posted yet)';
      title.append(note);
      const body = document.createElement('div');
      body.className = 'comment__body prose';
      b.append(title, body);
      (area.closest('.field') ?? area).before(b);
    }
    return b;
  }

  function setProblem(area, message) {
    const id = `${area.id}-error`;
    let p = document.getElementById(id);
    if (!message) {
      area.removeAttribute('aria-invalid');
      p?.remove();
      return;
    }
    if (!p) {
      p = document.createElement('p');
      p.className = 'field__error';
      p.id = id;
      area.after(p);
      const ids = (area.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
      if (!ids.includes(id)) area.setAttribute('aria-describedby', [id, ...ids].join(' '));
    }
    p.textContent = message;
    area.setAttribute('aria-invalid', 'true');
  }

  function plainPreview(form) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = 'intent';
    input.value = 'preview';
    form.append(input);
    form.submit();
  }

  document.addEventListener('submit', async (e) => {
    const form = e.target;
    const button = e.submitter;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-comment-form')) return;
    if (!(button instanceof HTMLButtonElement) || button.name !== 'intent' || button.value !== 'preview') return;
    const token = form.querySelector('input[name="_csrf"]');
    const area = form.querySelector('textarea[name="body"]');
    if (!token?.value || !area) return;
    e.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    form.setAttribute('aria-busy', 'true');
    try {
      const res = await fetch('/comments/preview', {
        method: 'POST',
        body: new URLSearchParams({ _csrf: token.value, body: area.value }),
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (!(res.headers.get('content-type') ?? '').includes('application/json') || res.status >= 500) throw new Error(String(res.status));
      const answer = await res.json();
      if (res.ok && typeof answer.html === 'string') {
        setProblem(area, '');
        box(form, area).querySelector('.comment__body').innerHTML = answer.html;
        if (answer.html.includes('class="katex') && !document.querySelector(`link[href="${KATEX_CSS}"]`)) {
          const link = document.createElement('link');
          link.rel = 'stylesheet';
          link.href = KATEX_CSS;
          document.head.append(link);
        }
      } else if (typeof answer.error === 'string') {
        setProblem(area, answer.fields?.body ?? answer.error);
      } else throw new Error(String(res.status));
    } catch {
      plainPreview(form);
    } finally {
      form.removeAttribute('aria-busy');
    }
  });
})();
