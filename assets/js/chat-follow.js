// The conversation follows new messages while the reader is at its end (the composer is pinned
// under it by CSS); a reader who has scrolled up stays where they are and gets a "new message"
// pill (#oj-new-message) that brings them down. A newly shown chat opens at its end.
(function () {
  'use strict';
  if (window.ojFollow) { return; }
  window.ojFollow = true;
  var NEAR_PX = 120, follow = true, list = null;

  function atEnd() {
    var root = document.documentElement;
    return window.innerHeight + window.scrollY >= root.scrollHeight - NEAR_PX;
  }

  function showPill(on) {
    var pill = document.getElementById('oj-new-message');
    if (pill) { pill.dataset.show = on ? 'true' : 'false'; }
  }

  function toEnd() {
    window.scrollTo(0, document.documentElement.scrollHeight);
    follow = true;
    showPill(false);
  }

  window.addEventListener('scroll', function () {
    follow = atEnd();
    if (follow) { showPill(false); }
  }, {passive: true});

  // A turned phone or a resized window: a reader at the end stays there.
  window.addEventListener('resize', function () { if (follow && list) { toEnd(); } });

  document.addEventListener('click', function (event) {
    if (event.target.closest && event.target.closest('#oj-new-message')) { toEnd(); }
  });

  function changed(records) {
    var shown = document.querySelector('[data-testid=messages]');
    if (!shown) { list = null; return; }
    if (shown !== list) {  // another chat, or the page itself is new: start at the end
      list = shown;
      toEnd();
      return;
    }
    var inside = records.some(function (record) { return shown.contains(record.target); });
    if (!inside) { return; }
    if (follow) { toEnd(); } else { showPill(true); }
  }

  new MutationObserver(changed).observe(document.body, {childList: true, subtree: true, characterData: true});
  changed([]);
})();
