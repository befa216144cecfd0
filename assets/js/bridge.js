// Custom elements the backend drives with rx.set_value (a property assignment, never eval):
// see onlyjobless/ui/bridge.py.
(function () {
  'use strict';

  // The browser's time zone, for times shown in it (onlyjobless/ui/local_time.py). Set here, in the
  // head of every page, so the websocket opened later carries it in its headers.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) {
      document.cookie = 'oj_tz=' + encodeURIComponent(zone) + '; path=/; max-age=31536000; samesite=lax';
    }
  } catch (ignored) { /* no Intl: times stay in UTC */ }

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

  // Unsent answers are kept per chat for the tab (answer-box.js); they belong to whoever was
  // signed in, so a session that ends or begins in this tab forgets them.
  function forgetDrafts() {
    try {
      for (var i = sessionStorage.length - 1; i >= 0; i -= 1) {
        var key = sessionStorage.key(i);
        if (key && key.indexOf('oj-draft:') === 0) { sessionStorage.removeItem(key); }
      }
    } catch (ignored) { /* storage off: nothing was kept */ }
  }

  define('oj-session', function (element, ticket) {
    forgetDrafts();
    var home = element.dataset.home;
    var login = element.dataset.login;
    // The login page says why when the service could not open the session (an outage, or no
    // answer at all); it stays a plain login page when the ticket was refused.
    var unavailable = login + '?reason=unavailable';
    if (ticket) {
      postJson('/api/auth/session', {ticket: ticket}).then(
        function (response) {
          window.location.replace(response.ok ? home : (response.status === 503 ? unavailable : login));
        },
        function () { window.location.replace(unavailable); }
      );
    } else {
      postJson('/api/auth/session/end', {}).finally(function () { window.location.replace(login); });
    }
  });

  // The running line: chunks go into #oj-live. Its box is drawn a frame or two after the line
  // turns on, so chunks that find no box wait for it on one timer at most, and at most MAX_WAITS
  // times in a row: after that (the page was left mid-stream) they are only kept until a later
  // chunk finds a box again. A reset (a new or retried generation) starts the count afresh.
  var WAIT_MS = 30;
  var MAX_WAITS = 50;
  var pending = '';
  var streamed = ''; // all the current generation has sent, for its finished message
  var timer = null;
  var waits = 0;

  function flush() {
    timer = null;
    var box = document.getElementById('oj-live');
    if (box) {
      if (pending) { box.append(pending); }
      pending = '';
      waits = 0;
    } else if (pending && waits < MAX_WAITS) {
      waits += 1;
      timer = setTimeout(flush, WAIT_MS);
    }
  }

  define('oj-live-feed', function (element, text) {
    if (text === null || text === undefined) { // the text shown so far is void
      pending = '';
      streamed = '';
      waits = 0;
      var box = document.getElementById('oj-live');
      if (box) { box.textContent = ''; }
      return;
    }
    pending += String(text);
    streamed += String(text);
    if (timer === null) { flush(); }
  });

  // A finished message whose text the running line was streamed: the backend sends only its id
  // (onlyjobless/ui/bridge.py), and the element shows the text as it arrived. Kept per message,
  // so the element drawn again (the list re-rendered) shows the same text.
  var kept = {};
  if (!window.customElements.get('oj-streamed')) {
    window.customElements.define('oj-streamed', class extends HTMLElement {
      connectedCallback() {
        var id = this.dataset.id || '';
        if (!Object.prototype.hasOwnProperty.call(kept, id)) { kept[id] = streamed; }
        this.textContent = kept[id];
      }
    });
  }
})();
