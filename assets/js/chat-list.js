// The sidebar loads the next page of chats when its "load more" button scrolls into view.
(function () {
  'use strict';
  function watch() {
    var sentinel = document.getElementById('chats-more');
    if (!sentinel || sentinel.dataset.watched) { return; }
    sentinel.dataset.watched = '1';
    new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) { sentinel.click(); }
    }).observe(sentinel);
  }
  new MutationObserver(watch).observe(document.body, {childList: true, subtree: true});
  watch();
})();
