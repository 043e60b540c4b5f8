'use strict';
// The simulator's chat page: act as one WeCom member, type to the bot, see what the bot sends.
// Everything that comes from the network is inserted as text (textContent), or escaped before the
// few markdown patterns are turned back into markup: a message can never inject HTML here.
(() => {
  const $ = (id) => document.getElementById(id);
  const userInput = $('user'), input = $('input'), messages = $('messages'), status = $('status');
  const validUser = /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$/;
  let user = localStorage.getItem('sim.user') || userInput.value.trim();
  let lastSeq = 0;
  let generation = 0;       // bumped on a user switch, so a late answer for the old user is ignored
  const cards = new Map();  // task_id -> the card's bubble, for updates

  userInput.value = user;

  function setStatus(text, error) {
    status.textContent = text;
    status.classList.toggle('error', !!error);
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
  }

  // WeCom's markdown subset: headings, **bold**, `code`, [links](https://…), > quotes and
  // <font color="info|comment|warning">. The text is escaped first; only these patterns become markup.
  function inline(s) {
    return s
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2" target="_blank" rel="noopener noreferrer">$1</a>')
      .replace(/&lt;font color=&quot;(info|comment|warning)&quot;&gt;(.*?)&lt;\/font&gt;/g, '<span class="$1">$2</span>');
  }
  function markdown(src) {
    return escapeHtml(src).split('\n').map((line) => {
      let m;
      if ((m = line.match(/^#{1,6} (.*)$/))) return '<h4>' + inline(m[1]) + '</h4>';
      if ((m = line.match(/^&gt; ?(.*)$/))) return '<blockquote>' + inline(m[1]) + '</blockquote>';
      return inline(line) + '<br>';
    }).join('');
  }

  // Text of an HTML fragment (textcard descriptions may carry <div class="gray">…</div>); the parsed
  // document is inert: no scripts run and nothing loads.
  function plain(html) {
    return new DOMParser().parseFromString(String(html || ''), 'text/html').body.textContent;
  }

  function link(url, text) {
    if (!/^https?:\/\//.test(url || '')) return null;
    const a = el('a', '', text);
    a.href = url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    return a;
  }

  function bubble(side, item, label) {
    const b = el('div', 'msg ' + side);
    const time = item.time ? new Date(item.time).toLocaleTimeString() : '';
    b.appendChild(el('span', 'meta', [label, time].filter(Boolean).join(' · ')));
    b.dataset.seq = item.seq;
    return b;
  }

  function add(node) {
    const atBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 80;
    messages.appendChild(node);
    if (atBottom) messages.scrollTop = messages.scrollHeight;
  }

  function disabledButton(text) {
    const b = el('button', '', text);
    b.type = 'button';
    b.disabled = true;
    return b;
  }

  function cardBody(card, taskId) {
    const box = el('div', 'card-body');
    if (card.source && card.source.desc) box.appendChild(el('div', 'sub', card.source.desc));
    if (card.main_title && card.main_title.title) box.appendChild(el('div', 'title', card.main_title.title));
    if (card.main_title && card.main_title.desc) box.appendChild(el('div', 'desc', card.main_title.desc));
    if (card.emphasis_content && card.emphasis_content.title) box.appendChild(el('div', 'title', card.emphasis_content.title));
    if (card.sub_title_text) box.appendChild(el('div', 'sub', card.sub_title_text));
    if (Array.isArray(card.horizontal_content_list) && card.horizontal_content_list.length) {
      const dl = el('dl');
      for (const kv of card.horizontal_content_list) {
        dl.appendChild(el('dt', '', kv.keyname));
        dl.appendChild(el('dd', '', kv.value || ''));
      }
      box.appendChild(dl);
    }
    if (card.card_action && card.card_action.url) {
      const a = link(card.card_action.url, '查看详情');
      if (a) box.appendChild(a);
    }
    if (Array.isArray(card.button_list) && card.button_list.length) {
      const row = el('div', 'buttons');
      for (const b of card.button_list) {
        const button = el('button', 'style-' + (b.style || 1), b.text);
        button.type = 'button';
        button.dataset.key = b.key;
        button.addEventListener('click', () => click(taskId, b.key, row));
        row.appendChild(button);
      }
      box.appendChild(row);
    }
    return box;
  }

  function renderMessage(item) {
    const robot = item.from === 'robot';
    const b = bubble('bot' + (robot ? ' robot' : ''), item, robot ? '群机器人' : '应用消息');
    const body = item[item.msgtype] || {};
    if (item.msgtype === 'text') {
      b.appendChild(document.createTextNode(body.content || ''));
    } else if (item.msgtype === 'markdown') {
      const md = el('div', 'md');
      md.innerHTML = markdown(body.content || '');
      b.appendChild(md);
    } else if (item.msgtype === 'textcard') {
      b.classList.add('card');
      b.appendChild(el('div', 'title', body.title));
      b.appendChild(el('div', 'desc', plain(body.description)));
      const a = link(body.url, body.btntxt || '详情');
      if (a) b.appendChild(a);
    } else if (item.msgtype === 'template_card') {
      b.classList.add('card');
      b.appendChild(cardBody(body, item.task_id));
      if (item.task_id) cards.set(item.task_id, b);
    } else {
      b.appendChild(document.createTextNode('[' + item.msgtype + ']'));
    }
    add(b);
  }

  function applyUpdate(item) {
    const card = cards.get(item.task_id);
    if (!card) {
      add(bubble('bot', item, '卡片更新 ' + item.task_id));
      return;
    }
    if (item.button && item.button.replace_name) {
      const row = card.querySelector('.buttons');
      if (row) row.replaceChildren(disabledButton(item.button.replace_name));
    } else if (item.template_card) {
      const old = card.querySelector('.card-body');
      const fresh = cardBody(item.template_card, item.task_id);
      if (old) old.replaceWith(fresh);
      else card.appendChild(fresh);
    }
  }

  function render(item) {
    if (item.kind === 'sent') {
      const b = bubble('me', item, user);
      b.appendChild(document.createTextNode((item.text && item.text.content) || ''));
      add(b);
    } else if (item.kind === 'click') {
      const b = bubble('me click', item, user);
      b.appendChild(document.createTextNode('点击了按钮 · clicked ' + item.event_key));
      add(b);
    } else if (item.kind === 'update') {
      applyUpdate(item);
    } else if (item.kind === 'message') {
      renderMessage(item);
    }
  }

  async function postJson(path, payload) {
    const r = await fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(payload)});
    let body = {};
    try { body = await r.json(); } catch (e) { /* not JSON: reported below */ }
    return {ok: r.ok, body};
  }

  function report(result) {
    const s = result.body.status;
    if (result.ok && s >= 200 && s < 300) setStatus('bot 已接收 · HTTP ' + s);
    else setStatus('bot 未接收 · ' + (result.body.error || ('HTTP ' + s)), true);
  }

  async function click(taskId, key, row) {
    const buttons = Array.from(row.querySelectorAll('button'));
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const result = await postJson('/sim/click', {user, task_id: taskId, event_key: key});
      report(result);
      if (!result.ok) buttons.forEach((b) => { b.disabled = false; });
    } catch (e) {
      setStatus('模拟器无响应 · simulator unreachable', true);
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  async function poll() {
    const asked = generation;
    try {
      const r = await fetch('/sim/messages?user=' + encodeURIComponent(user) + '&since=' + lastSeq + '&include_sent=1',
                            {cache: 'no-store'});
      if (r.ok) {
        const items = await r.json();
        if (asked === generation) {
          for (const item of items) {
            if (item.seq <= lastSeq) continue;
            lastSeq = item.seq;
            render(item);
          }
        }
      }
    } catch (e) {
      setStatus('模拟器无响应 · simulator unreachable', true);
    }
    setTimeout(poll, 500);
  }

  function switchUser() {
    const next = userInput.value.trim();
    if (!validUser.test(next)) {
      setStatus('UserID: 字母、数字、_-@.', true);
      userInput.value = user;
      return;
    }
    if (next === user) return;
    user = next;
    localStorage.setItem('sim.user', user);
    generation += 1;
    lastSeq = 0;
    cards.clear();
    messages.replaceChildren();
    setStatus('当前成员 · ' + user);
  }

  userInput.addEventListener('change', switchUser);
  $('composer').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    switchUser();  // a UserID typed but not yet committed (no change event) still applies
    const text = input.value;
    if (!text.trim()) return;
    input.value = '';
    try {
      report(await postJson('/sim/send', {user, text}));
    } catch (e) {
      setStatus('模拟器无响应 · simulator unreachable', true);
    }
    input.focus();
  });

  fetch('/sim/info').then((r) => r.json()).then((info) => {
    const list = $('users');
    for (const id of info.users || []) {
      const option = document.createElement('option');
      option.value = id;
      list.appendChild(option);
    }
    document.title = '企业微信模拟器 · ' + info.corp_id + ' / ' + info.agent_id;
  }).catch(() => {});

  input.focus();
  poll();
})();
