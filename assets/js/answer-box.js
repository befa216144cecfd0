// The answer box's length counter, shown near the limit (data-max on the box). The box has no
// maxLength: a longer text is kept whole, the counter turns to a warning with the box's own
// translated message (data-too-long, "{n}" = characters over), and the box is marked invalid,
// which holds the form back (Send and Enter both submit through the browser's validation).
// Enter to send is Reflex's enter_key_submit on the box, not a key handler here.
(function () {
  'use strict';
  var NEAR = 500;

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
    if (!box || !out || box.dataset.counted) { return; }
    box.dataset.counted = '1';
    box.addEventListener('input', function () { update(box, out); });
    // The backend empties the box by assigning its value (no input event): count again then too.
    Object.defineProperty(box, 'value', {
      configurable: true,
      get: function () { return native.get.call(this); },
      set: function (text) { native.set.call(this, text); update(box, out); },
    });
    update(box, out);
  }
  new MutationObserver(bind).observe(document.body, {childList: true, subtree: true});
  bind();
})();
