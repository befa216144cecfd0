// The answer box's length counter, shown near the limit (the box's own maxLength).
// Enter to send is Reflex's enter_key_submit on the box, not a key handler here.
(function () {
  'use strict';
  function bind() {
    var box = document.getElementById('answer');
    var out = document.getElementById('answer-count');
    if (!box || !out || box.dataset.counted) { return; }
    box.dataset.counted = '1';
    box.addEventListener('input', function () {
      var n = box.value.length, max = box.maxLength;
      out.textContent = n >= max - 500 ? (n + ' / ' + max) : '';
    });
  }
  new MutationObserver(bind).observe(document.body, {childList: true, subtree: true});
  bind();
})();
