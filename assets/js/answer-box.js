// The answer box: a length counter near the limit, and Enter sends (Shift+Enter breaks the line).
(function () {
  'use strict';
  function bind() {
    var box = document.getElementById('answer');
    var out = document.getElementById('answer-count');
    if (!box || !out || box.dataset.counted) { return; }
    box.dataset.counted = '1';
    var update = function () {
      var n = box.value.length, max = box.maxLength;
      out.textContent = n >= max - 500 ? (n + ' / ' + max) : '';
    };
    box.addEventListener('input', update);
    box.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        if (box.form) { box.form.requestSubmit(); }
      }
    });
  }
  new MutationObserver(bind).observe(document.body, {childList: true, subtree: true});
  bind();
})();
