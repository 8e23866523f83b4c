// The web channel's chat page: no framework, no build step. Replies arrive as Server-Sent Events read with fetch
// (so the JWT travels in the Authorization header), and the bot's markup is rendered as DOM elements created one by
// one with textContent: text from a message never becomes HTML.
(function () {
  'use strict';
  var body = document.body;
  var bot = body.getAttribute('data-bot');
  var visitorTokens = body.getAttribute('data-visitor-tokens') === 'true';
  var zh = /^zh/i.test(navigator.language || '');
  var T = zh ? {
    title: '在线客服', typing: '客服正在输入…', label: '你的消息', placeholder: '输入消息', send: '发送',
    connecting: '正在连接…', connected: '已连接', reconnecting: '连接中断，正在重连…', signin: '需要登录后才能聊天。',
    failed: '发送失败，请重试。'
  } : {
    title: 'Support chat', typing: 'The assistant is typing…', label: 'Your message', placeholder: 'Type a message',
    send: 'Send', connecting: 'Connecting…', connected: 'Connected', reconnecting: 'Connection lost, reconnecting…',
    signin: 'Please sign in to chat.', failed: 'Not sent. Please try again.'
  };
  document.documentElement.lang = zh ? 'zh-CN' : 'en';
  Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (el) { el.textContent = T[el.getAttribute('data-i18n')]; });
  Array.prototype.forEach.call(document.querySelectorAll('[data-i18n-placeholder]'), function (el) { el.placeholder = T[el.getAttribute('data-i18n-placeholder')]; });
  document.title = T.title;

  var list = document.getElementById('messages');
  var typing = document.getElementById('typing');
  var status = document.getElementById('status');
  var form = document.getElementById('composer');
  var input = document.getElementById('input');
  var button = document.getElementById('send');
  var base = '/v1/web/' + encodeURIComponent(bot);
  var tokenKey = 'switchboard.web.token.' + bot;
  var lastKey = 'switchboard.web.last-event.' + bot;
  var pending = 0;
  var typingTimer = null;

  function setStatus(text) { status.textContent = text; }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return 'm-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
  }

  // ---- the common reply markup, rendered safely ----
  var INLINE = /\\([*_`\[\]\\])|\*\*([^*]+)\*\*|_([^_]+)_|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)/g;
  function inline(parent, text) {
    var at = 0, m;
    INLINE.lastIndex = 0;
    while ((m = INLINE.exec(text)) !== null) {
      if (m.index > at) { parent.appendChild(document.createTextNode(text.slice(at, m.index))); }
      var el;
      if (m[1] !== undefined) { el = document.createTextNode(m[1]); }
      else if (m[2] !== undefined) { el = document.createElement('strong'); el.textContent = m[2]; }
      else if (m[3] !== undefined) { el = document.createElement('em'); el.textContent = m[3]; }
      else if (m[4] !== undefined) { el = document.createElement('code'); el.textContent = m[4]; }
      else if (/^(https?:|mailto:)/i.test(m[6])) {
        el = document.createElement('a'); el.textContent = m[5]; el.href = m[6]; el.target = '_blank'; el.rel = 'noopener noreferrer';
      } else { el = document.createTextNode(m[0]); }
      parent.appendChild(el);
      at = INLINE.lastIndex;
    }
    if (at < text.length) { parent.appendChild(document.createTextNode(text.slice(at))); }
  }
  function render(parent, text) {
    var lines = text.split('\n'), ul = null, pre = null;
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      if (/^```/.test(line)) {
        if (pre) { pre = null; } else { pre = document.createElement('pre'); pre.appendChild(document.createElement('code')); parent.appendChild(pre); }
        ul = null; continue;
      }
      if (pre) { pre.firstChild.textContent += (pre.firstChild.textContent ? '\n' : '') + line; continue; }
      if (/^- /.test(line)) {
        if (!ul) { ul = document.createElement('ul'); parent.appendChild(ul); }
        var li = document.createElement('li'); inline(li, line.slice(2)); ul.appendChild(li); continue;
      }
      ul = null;
      var p = document.createElement('p'); inline(p, line); parent.appendChild(p);
    }
  }

  function add(who, text, markup) {
    var li = document.createElement('li');
    li.className = 'msg ' + who;
    if (markup) { render(li, text); } else { li.textContent = text; }
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
    return li;
  }

  function showTyping(on) {
    typing.hidden = !on;
    if (typingTimer) { clearTimeout(typingTimer); typingTimer = null; }
    if (on) { typingTimer = setTimeout(function () { pending = 0; typing.hidden = true; }, 30000); }
  }

  // ---- the token ----
  function token() {
    var fromHash = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
    if (fromHash) { sessionStorage.setItem(tokenKey, decodeURIComponent(fromHash[1])); history.replaceState(null, '', location.pathname); }
    var t = sessionStorage.getItem(tokenKey);
    if (t) { return Promise.resolve(t); }
    if (!visitorTokens) { return Promise.reject(new Error('signin')); }
    return fetch(base + '/token', { method: 'POST' }).then(function (r) {
      if (!r.ok) { throw new Error('signin'); }
      return r.json();
    }).then(function (j) { sessionStorage.setItem(tokenKey, j.token); return j.token; });
  }

  // ---- replies: Server-Sent Events over fetch ----
  var retry = 1000;
  function listen(t) {
    setStatus(T.connecting);
    var headers = { 'Authorization': 'Bearer ' + t, 'Accept': 'text/event-stream' };
    var last = sessionStorage.getItem(lastKey);
    if (last) { headers['Last-Event-ID'] = last; }
    fetch(base + '/events', { headers: headers, cache: 'no-store' }).then(function (r) {
      if (r.status === 401) { sessionStorage.removeItem(tokenKey); throw new Error('unauthorized'); }
      if (!r.ok || !r.body) { throw new Error('HTTP ' + r.status); }
      setStatus(T.connected); retry = 1000;
      var reader = r.body.getReader(), decoder = new TextDecoder(), buffer = '';
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) { throw new Error('closed'); }
          buffer += decoder.decode(chunk.value, { stream: true });
          var end;
          while ((end = buffer.indexOf('\n\n')) >= 0) { event(buffer.slice(0, end)); buffer = buffer.slice(end + 2); }
          return pump();
        });
      }
      return pump();
    }).catch(function (e) {
      if (e.message === 'unauthorized') { start(); return; }
      setStatus(T.reconnecting);
      setTimeout(function () { listen(t); }, retry);
      retry = Math.min(retry * 2, 15000);
    });
  }
  function event(block) {
    var id = null, data = [];
    block.split('\n').forEach(function (line) {
      if (line.indexOf('id: ') === 0) { id = line.slice(4); }
      else if (line.indexOf('data: ') === 0) { data.push(line.slice(6)); }
    });
    if (!data.length) { return; }
    var reply;
    try { reply = JSON.parse(data.join('\n')); } catch (e) { return; }
    if (id) { sessionStorage.setItem(lastKey, id); }
    add('bot', reply.text || '', true);
    pending = Math.max(0, pending - 1);
    showTyping(pending > 0);
  }

  function send(t, text) {
    var id = newId();
    var mine = add('me', text, false);
    pending++; showTyping(true);
    var attempt = function (n) {
      return fetch(base + '/messages', {
        method: 'POST', headers: { 'Authorization': 'Bearer ' + t, 'Content-Type': 'application/json' },
        body: JSON.stringify({ id: id, text: text, locale: document.documentElement.lang })
      }).then(function (r) {
        if (r.status >= 500 && n < 3) { return new Promise(function (ok) { setTimeout(ok, 500 * (n + 1)); }).then(function () { return attempt(n + 1); }); }
        if (!r.ok) { throw new Error('HTTP ' + r.status); }
      });
    };
    // The same id on every try: the job answers a retried message once.
    attempt(0).catch(function () {
      mine.classList.add('failed'); mine.title = T.failed; setStatus(T.failed);
      pending = Math.max(0, pending - 1); showTyping(pending > 0);
    });
  }

  function start() {
    token().then(function (t) {
      button.disabled = false;
      listen(t);
      form.onsubmit = function (e) {
        e.preventDefault();
        var text = input.value.trim();
        if (!text) { return; }
        input.value = '';
        send(t, text);
        input.focus();
      };
    }).catch(function () { setStatus(T.signin); button.disabled = true; });
  }
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : button.click(); }
  });
  start();
}());
