// New interviewer messages (data-reveal="true") stay hidden while a copy of each, one after the
// other, is typed out word by word in #oj-reveal; then the message itself shows. The copy is this
// script's own (React's nodes are never changed), a message takes at most MAX_MS, and a copy
// whose page is gone stops at its next step.
(function () {
  'use strict';
  if (window.ojReveal) { return; }
  var WORD_MS = 12, MAX_MS = 2500, STEP_MS = 40, busy = false;

  // Every text node under root, emptied, with the words it is to show again.
  function pieces(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT), found = [], node;
    while ((node = walker.nextNode())) {
      found.push({node: node, words: node.nodeValue.split(/(?<=\s)/)});
      node.nodeValue = '';
    }
    return found;
  }

  function typeOut(message, next) {
    var box = document.getElementById('oj-reveal');
    var copy = message.cloneNode(true);
    ['id', 'data-testid', 'data-reveal'].forEach(function (name) { copy.removeAttribute(name); });
    var parts = [];  // the text after the label row
    Array.prototype.slice.call(copy.children, 1).forEach(function (child) {
      parts = parts.concat(pieces(child));
    });
    var total = parts.reduce(function (sum, part) { return sum + part.words.length; }, 0);
    var perWord = Math.min(WORD_MS, MAX_MS / Math.max(total, 1)), started = Date.now();
    if (box) { box.appendChild(copy); }
    (function step() {
      var left = Math.floor((Date.now() - started) / perWord);
      var done = left >= total || !box || !copy.isConnected || !message.isConnected;
      parts.forEach(function (part) {
        var count = Math.max(0, Math.min(part.words.length, left));
        part.node.nodeValue = part.words.slice(0, count).join('');
        left -= count;
      });
      if (!done) { setTimeout(step, STEP_MS); return; }
      copy.remove();
      message.dataset.revealed = 'done';
      next();
    })();
  }

  window.ojReveal = function () {
    if (busy) { return; }
    var message = document.querySelector('[data-reveal=true]:not([data-revealed])');
    if (!message) { return; }
    busy = true;
    message.dataset.revealed = 'typing';
    typeOut(message, function () { busy = false; window.ojReveal(); });
  };
  new MutationObserver(window.ojReveal).observe(document.body, {childList: true, subtree: true});
  window.ojReveal();
})();
