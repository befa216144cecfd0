// Custom elements the backend drives with rx.set_value (a property assignment, never eval):
// see onlyjobless/ui/bridge.py.
(function () {
  'use strict';

  function define(name, receive) {
    if (window.customElements.get(name)) { return; }
    window.customElements.define(name, class extends HTMLElement {
      connectedCallback() {
        // A value assigned before this definition ran sits on the element itself: replay it.
        if (Object.prototype.hasOwnProperty.call(this, 'value')) {
          var early = this.value;
          delete this.value;
          receive(this, early);
        }
      }

      set value(data) { receive(this, data); }

      get value() { return undefined; }
    });
  }

  function postJson(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify(body),
    });
  }

  define('oj-session', function (element, ticket) {
    var home = element.dataset.home;
    var login = element.dataset.login;
    if (ticket) {
      postJson('/api/auth/session', {ticket: ticket}).then(
        function (response) { window.location.replace(response.ok ? home : login); },
        function () { window.location.replace(login); }
      );
    } else {
      postJson('/api/auth/session/end', {}).finally(function () { window.location.replace(login); });
    }
  });

  // The running line: chunks wait until React has rendered #oj-live.
  var pending = '';
  var timer = null;

  function flush() {
    timer = null;
    var box = document.getElementById('oj-live');
    if (box) {
      box.append(pending);
      pending = '';
    } else if (pending) {
      timer = setTimeout(flush, 30);
    }
  }

  define('oj-live-feed', function (element, text) {
    if (text === null || text === undefined) { // the text shown so far is void
      pending = '';
      var box = document.getElementById('oj-live');
      if (box) { box.textContent = ''; }
      return;
    }
    pending += String(text);
    if (timer === null) { flush(); }
  });
})();
