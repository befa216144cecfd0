// The answer box's length counter, shown near the limit (data-max on the box). The box has no
// maxLength: a longer text is kept whole, the counter turns to a warning with the box's own
// translated message (data-too-long, "{n}" = characters over), and the box is marked invalid,
// which holds the form back (Send and Enter both submit through the browser's validation).
// Enter to send is Reflex's enter_key_submit on the box, not a key handler here.
// What is typed and not sent yet is kept for the tab (sessionStorage, per chat): a reload, on
// purpose or mid-stream, brings it back; the backend emptying the box after a send forgets it.
// Another chat opened in the page shows that chat's draft, never the one typed for this chat.
(function () {
  'use strict';
  var NEAR = 500;

  function draftKey() { return 'oj-draft:' + location.pathname.replace(/\/+$/, ''); }

  function keep(text) {
    try {
      if (text) { sessionStorage.setItem(draftKey(), text); } else { sessionStorage.removeItem(draftKey()); }
    } catch (e) { /* storage off or full: the draft is only not kept */ }
  }

  function kept() {
    try { return sessionStorage.getItem(draftKey()) || ''; } catch (e) { return ''; }
  }

  function update(box, out) {
    var n = box.value.length, max = Number(box.dataset.max) || 4000;
    var over = n - max;
    var message = over > 0 ? (box.dataset.tooLong || '').replace('{n}', String(over)) : '';
    box.setCustomValidity(message);
    box.setAttribute('aria-invalid', over > 0 ? 'true' : 'false');
    out.dataset.over = over > 0 ? 'true' : 'false';
    var send = document.querySelector('[data-testid=send]');
    if (send) { send.setAttribute('aria-disabled', over > 0 ? 'true' : 'false'); }
    out.textContent = n >= max - NEAR ? (n + ' / ' + max + (message ? ' · ' + message : '')) : '';
  }

  var native = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value');

  function bind() {
    var box = document.getElementById('answer');
    var out = document.getElementById('answer-count');
    if (!box || !out) { return; }
    if (box.dataset.counted) {
      // Another chat opened in the same page (a link in the sidebar): its own draft, not this one.
      if (box.dataset.chat !== draftKey()) {
        box.dataset.chat = draftKey();
        native.set.call(box, kept());
        update(box, out);
      }
      return;
    }
    box.dataset.counted = '1';
    box.dataset.chat = draftKey();
    box.addEventListener('input', function () { keep(box.value); update(box, out); });
    // The backend empties the box by assigning its value (no input event): count again then too.
    Object.defineProperty(box, 'value', {
      configurable: true,
      get: function () { return native.get.call(this); },
      set: function (text) { native.set.call(this, text); keep(text); update(box, out); },
    });
    if (!native.get.call(box)) { native.set.call(box, kept()); }
    update(box, out);
  }
  new MutationObserver(bind).observe(document.body, {childList: true, subtree: true});
  bind();
})();
