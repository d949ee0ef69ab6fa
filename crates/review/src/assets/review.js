(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('vb-data').textContent);
  var $ = function (id) { return document.getElementById(id); };
  var pages = {};
  D.pages.forEach(function (p) { pages[p.n] = p; });
  var all = [].slice.call(document.querySelectorAll('.l>span'));
  var unc = all.filter(function (el) { return el.classList.contains('u'); });
  var chg = all.filter(function (el) { return el.classList.contains('c'); });
  var cur = null, dec = {}, fdec = {}, cdec = {}, dirty = false, item = null;
  var tokenMeta = document.querySelector('meta[name=vanban-token]');
  var token = tokenMeta ? tokenMeta.content : null;

  function pos(el) {
    var l = el.parentNode;
    return { page: +l.parentNode.dataset.p, line: +l.dataset.l, word: [].indexOf.call(l.children, el) };
  }
  function part(el, tag) { var x = el.querySelector(tag); return x ? x.textContent : el.firstChild ? el.firstChild.textContent : ''; }
  function alts(el) { try { return el.dataset.a ? JSON.parse(el.dataset.a) : []; } catch (e) { return []; } }
  function box(el) { return el && el.dataset.b ? el.dataset.b.split(' ').map(Number) : null; }
  function node(tag, text, cls) {
    var n = document.createElement(tag);
    if (text !== undefined) n.textContent = text;
    if (cls) n.className = cls;
    return n;
  }

  function crop(el) { cropAt(pos(el).page, box(el), box(el.parentNode)); }
  function cropAt(pn, b, lb) {
    var view = $('vb-crop'), pg = pages[pn];
    if (!pg || !pg.img || !b || !pg.w || !pg.h) { view.hidden = true; delete view.dataset.region; return; }
    lb = lb || b;
    var m = Math.max(b[3] - b[1], 12);
    var w = Math.min(pg.w, Math.max(b[2] - b[0] + 8 * m, 24 * m));
    var x0 = Math.max(0, Math.min(pg.w - w, (b[0] + b[2]) / 2 - w / 2));
    var y0 = Math.max(0, Math.min(lb[1], b[1]) - 2 * m), y1 = Math.min(pg.h, Math.max(lb[3], b[3]) + 2 * m);
    view.hidden = false;
    var s = view.clientWidth / w, img = $('vb-img'), r = $('vb-box');
    if (img.getAttribute('src') !== pg.img) img.src = pg.img;
    img.style.width = pg.w * s + 'px'; img.style.height = pg.h * s + 'px';
    img.style.left = -x0 * s + 'px'; img.style.top = -y0 * s + 'px';
    view.style.height = (y1 - y0) * s + 'px';
    r.style.left = (b[0] - x0) * s - 3 + 'px'; r.style.top = (b[1] - y0) * s - 3 + 'px';
    r.style.width = (b[2] - b[0]) * s + 2 + 'px'; r.style.height = (b[3] - b[1]) * s + 2 + 'px';
    view.dataset.region = [pg.n, x0, y0, x0 + w, y1].map(Math.round).join(' ');
  }

  function show(el) {
    var p = pos(el), w = $('vb-word'), dl = node('dl'), d = dec[key(p)];
    $('vb-item').hidden = true;
    $('vb-name').checked = !!(d && d.name);
    w.textContent = '';
    w.appendChild(node('p', 'Trang ' + p.page + ', dòng ' + (p.line + 1) + ', từ ' + (p.word + 1) +
      (el.classList.contains('u') ? ' · chưa chắc chắn ' + (unc.indexOf(el) + 1) + '/' + unc.length
        : el.classList.contains('c') ? ' · đã sửa' : ' · không đổi')));
    function row(k, v) { dl.appendChild(node('dt', k)); dl.appendChild(node('dd', v)); }
    row('Gốc', part(el, 'del'));
    row('Sửa', part(el, 'ins'));
    if (el.dataset.k) row('Độ tin cậy', el.dataset.k + ' (OCR ' + el.dataset.o + ')');
    if (d) row('Quyết định', d.verdict === 'accept' ? 'đúng' : d.verdict === 'reject' ? 'giữ bản gốc' : 'sửa thành ' + d.value);
    w.appendChild(dl);
    var a = alts(el);
    if (a.length) {
      var ap = node('p', 'Phương án khác: ');
      a.forEach(function (t, i) {
        var bt = node('button', (i < 9 ? i + 1 + ' ' : '') + t, 'alt');
        bt.type = 'button';
        bt.addEventListener('click', function () { decide('fix', t); });
        ap.appendChild(bt);
      });
      w.appendChild(ap);
    }
    $('vb-act').hidden = false;
    $('vb-fix').value = d && d.value ? d.value : part(el, 'ins');
    crop(el);
  }

  function select(el, scroll) {
    if (item) { item.el.classList.remove('sel'); item = null; }
    if (cur) cur.classList.remove('sel');
    cur = el;
    el.classList.add('sel');
    if (scroll) el.scrollIntoView({ block: 'center' });
    show(el);
  }

  function step(list, dir) {
    if (!list.length) return;
    var i = list.indexOf(cur);
    if (i < 0) {
      i = dir > 0 ? -1 : list.length;
      if (cur) {
        for (var j = 0; j < list.length; j++) {
          if (cur.compareDocumentPosition(list[j]) & Node.DOCUMENT_POSITION_FOLLOWING) { i = dir > 0 ? j - 1 : j; break; }
        }
      }
    }
    select(list[(i + dir + list.length) % list.length], true);
  }

  // NFC, single spaces, new tone placement (hoà → hòa, uỷ → ủy), as apply-review writes it.
  function canonical(v) {
    return String(v || '').normalize('NFD').trim().replace(/\s+/g, ' ')
      .replace(/([oO][aAeE]|[uU][yY])([\u0300\u0301\u0303\u0309\u0323])(?![\p{L}\p{M}])/gu, function (m, v2, t, i, s) {
        return /[uU]/.test(v2[0]) && i > 0 && /[qQ]/.test(s[i - 1]) ? m : v2[0] + t + v2[1];
      })
      .normalize('NFC');
  }
  function key(p) { return p.page + '/' + p.line + '/' + p.word; }
  function count() {
    var n = Object.keys(dec).length + Object.keys(fdec).length + Object.keys(cdec).length;
    $('vb-count').textContent = n + ' quyết định' + (dirty ? ' (chưa lưu)' : '');
  }
  function mark(el, d) {
    el.classList.remove('ok', 'no', 'fx');
    delete el.dataset.fix;
    if (!d) return;
    el.classList.add(d.verdict === 'accept' ? 'ok' : d.verdict === 'reject' ? 'no' : 'fx');
    if (d.value !== undefined) el.dataset.fix = d.value;
  }
  function decide(verdict, value) {
    if (!cur) return;
    var p = pos(cur);
    var d = { page: p.page, line: p.line, word: p.word, raw: part(cur, 'del'), text: part(cur, 'ins'), verdict: verdict, at: new Date().toISOString() };
    if (verdict === 'reject' && $('vb-name').checked) d.name = true;
    if (verdict === 'fix') {
      value = canonical(value);
      if (!value) return;
      d.value = value;
    }
    dec[key(p)] = d;
    dirty = true;
    mark(cur, d);
    count();
    show(cur);
    autosave();
  }
  function undo() {
    if (!cur) return;
    delete dec[key(pos(cur))];
    mark(cur, null);
    dirty = true;
    count();
    show(cur);
    autosave();
  }

  function payload() {
    var list = Object.keys(dec).map(function (k) { return dec[k]; });
    list.sort(function (a, b) { return a.page - b.page || a.line - b.line || a.word - b.word; });
    var path = decodeURIComponent(location.pathname).replace(/^\/([A-Za-z]:)/, '$1');
    var m = /([^\/\\]*)\.review\.html$/.exec(path);
    var out = { format: 'vanban-review/1', source: D.source, sha256: D.sha256 };
    if (location.protocol === 'file:' && m) out.document = path.replace(/\.review\.html$/, '.json');
    out.saved = new Date().toISOString();
    out.decisions = list;
    out.fields = Object.keys(fdec).map(function (k) { return fdec[k]; });
    out.cells = Object.keys(cdec).map(function (k) { return cdec[k]; });
    return { name: (m ? m[1] : 'document') + '.review.json', json: JSON.stringify(out, null, 1) + '\n' };
  }
  function status(text, err) { var st = $('vb-status'); st.textContent = text; st.className = err ? 'err' : ''; }
  var saving = false, again = false;
  // With the review server (vanban review): every decision is saved as it is made.
  function autosave() { if (token) save(); }
  function save() {
    if (token) {
      if (saving) { again = true; return; }
      saving = true;
      var p = payload(), url = location.pathname.replace(/\.review\.html$/, '.review.json');
      status('Đang lưu…');
      fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Vanban-Token': token }, body: p.json })
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
        .then(function (x) {
          if (!x.ok) throw new Error(x.j && x.j.error || 'lỗi');
          dirty = false;
          count();
          Object.keys(x.j.fields || {}).forEach(function (k) {
            var tr = document.querySelector('tr.mf[data-f="' + k + '"]');
            if (!tr) return;
            var v = x.j.fields[k];
            tr.querySelector('td.mv').textContent = v === null ? '(trống)' : v;
            tr.classList.toggle('empty', v === null);
          });
          status('Đã lưu ' + x.j.applied + ' quyết định lúc ' + new Date().toLocaleTimeString('vi-VN') + ' — đã cập nhật văn bản, siêu dữ liệu, bảng và danh sách.' +
            ((x.j.skipped || []).length ? ' Chưa cập nhật được: ' + x.j.skipped.join('; ') : ''));
        })
        .catch(function (e) { status('Chưa lưu được: ' + e.message, true); })
        .then(function () { saving = false; if (again) { again = false; save(); } });
      return;
    }
    var p = payload(), a = $('vb-dl');
    if (a.href) URL.revokeObjectURL(a.href);
    a.href = URL.createObjectURL(new Blob([p.json], { type: 'application/json' }));
    a.download = p.name;
    a.textContent = p.name;
    a.hidden = false;
    a.click();
    dirty = false;
    count();
  }

  // Metadata fields and table cells: clicked, shown on the scan, edited.
  function evBox(el) { return el.dataset.ev ? el.dataset.ev.split(' ').map(Number) : null; }
  function selectItem(kind, el) {
    if (cur) { cur.classList.remove('sel'); cur = null; }
    if (item) item.el.classList.remove('sel');
    item = { kind: kind, el: el };
    el.classList.add('sel');
    $('vb-act').hidden = true;
    $('vb-item').hidden = false;
    var ev = evBox(el), w = $('vb-word');
    w.textContent = '';
    var what, value;
    if (kind === 'field') {
      var f = fdec[el.dataset.f], mv = el.querySelector('td.mv');
      what = el.querySelector('th').textContent + ' · độ tin cậy ' + el.querySelector('td.mc').textContent;
      value = f ? f.value : el.classList.contains('empty') ? '' : mv.textContent;
    } else {
      var t = el.closest('table').dataset.t, c = cdec[cellKey(el)];
      what = 'Bảng ' + (+t + 1) + ', dòng ' + (+el.dataset.r + 1) + ', cột ' + (+el.dataset.c + 1) + (el.title ? ' · ' + el.title : '');
      value = c ? c.value : el.textContent;
    }
    w.appendChild(node('p', what + (ev ? ' · trang ' + ev[0] : ' · không có vùng trên bản quét')));
    $('vb-item-val').value = value;
    if (ev && ev.length === 5) cropAt(ev[0], ev.slice(1)); else $('vb-crop').hidden = true;
    $('vb-item-val').focus();
  }
  // A date as the server reads it (2023-05-12, 12/5/2023, 12.05.2023), and a real day.
  function realDate(v) {
    var m = /^(\d{4})[-\/.](\d{1,2})[-\/.](\d{1,2})$/.exec(v), y, mo, d;
    if (m) { y = +m[1]; mo = +m[2]; d = +m[3]; } else {
      m = /^(\d{1,2})[-\/.](\d{1,2})[-\/.](\d{4})$/.exec(v);
      if (!m) return false;
      d = +m[1]; mo = +m[2]; y = +m[3];
    }
    var t = new Date(Date.UTC(y, mo - 1, d));
    return y >= 1900 && y <= 2200 && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
  }
  function cellKey(el) { return el.closest('table').dataset.t + '/' + el.dataset.r + '/' + el.dataset.c; }
  function setItem(value) {
    if (!item) return;
    var el = item.el, at = new Date().toISOString();
    value = String(value).normalize('NFC').trim().replace(/\s+/g, ' ');
    if (item.kind === 'field' && el.dataset.f === 'issued_date' && value && !realDate(value)) {
      status('Ngày không hợp lệ: ' + value + ' (viết 2023-05-12 hoặc 12/05/2023)', true);
      return;
    }
    if (item.kind === 'field') {
      fdec[el.dataset.f] = { field: el.dataset.f, value: value, at: at };
      el.querySelector('td.mv').textContent = value || '(trống)';
      el.classList.toggle('empty', !value);
      el.classList.add('rv');
    } else {
      var k = cellKey(el), old = cdec[k];
      cdec[k] = { table: +el.closest('table').dataset.t, row: +el.dataset.r, col: +el.dataset.c,
        raw: old ? old.raw : (el.dataset.raw !== undefined ? el.dataset.raw : el.textContent), value: value, at: at };
      el.textContent = value;
      el.classList.remove('dbt');
      el.classList.add('rv');
    }
    dirty = true;
    count();
    autosave();
  }
  function wordAt(d) {
    var l = document.querySelector('section[data-p="' + d.page + '"] .l[data-l="' + d.line + '"]');
    return l ? l.children[d.word] : null;
  }
  if (D.saved) {
    (D.saved.decisions || []).forEach(function (d) {
      var el = wordAt(d);
      if (!el) return;
      dec[key(d)] = d;
      mark(el, d);
    });
    (D.saved.fields || []).forEach(function (f) { fdec[f.field] = f; });
    (D.saved.cells || []).forEach(function (c) { cdec[c.table + '/' + c.row + '/' + c.col] = c; });
    count();
  }
  [].forEach.call(document.querySelectorAll('tr.mf'), function (tr) {
    tr.addEventListener('click', function () { selectItem('field', tr); });
  });
  [].forEach.call(document.querySelectorAll('details.tbl td'), function (td) {
    td.addEventListener('click', function () { selectItem('cell', td); });
  });
  $('vb-item-form').addEventListener('submit', function (e) {
    e.preventDefault();
    setItem($('vb-item-val').value);
    $('vb-item-val').blur();
  });
  $('vb-name').addEventListener('change', function () {
    if (!cur) return;
    var d = dec[key(pos(cur))];
    if (d && d.verdict === 'reject') { if (this.checked) d.name = true; else delete d.name; dirty = true; count(); autosave(); }
  });
  if (token) {
    status('Máy chủ soát xét: mỗi quyết định được lưu ngay khi chọn.');
    // Served by vanban review: the batch index is the server's root.
    var back = node('a', '← Danh sách văn bản');
    back.id = 'vb-index';
    back.href = '/';
    document.querySelector('header h1').before(back);
  }

  var keys = {
    j: function () { step(unc, 1); }, n: function () { step(unc, 1); },
    k: function () { step(unc, -1); }, p: function () { step(unc, -1); },
    J: function () { step(chg, 1); }, K: function () { step(chg, -1); },
    a: function () { decide('accept'); }, r: function () { decide('reject'); },
    u: undo, s: save,
    e: function () { if (cur) { $('vb-fix').focus(); $('vb-fix').select(); } }
  };
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    var typing = t && (t.isContentEditable || t.tagName === 'TEXTAREA' ||
      (t.tagName === 'INPUT' && t.type !== 'radio' && t.type !== 'checkbox' && t.type !== 'button'));
    if (typing) {
      if (e.key === 'Escape') t.blur();
      return;
    }
    var f = keys[e.key];
    if (!f && e.key >= '1' && e.key <= '9' && cur) {
      var al = alts(cur)[+e.key - 1];
      if (al) f = function () { decide('fix', al); };
    }
    if (f) { e.preventDefault(); f(); }
  });
  document.querySelector('main').addEventListener('click', function (e) {
    var el = e.target.closest && e.target.closest('.l>span');
    if (el) select(el, false);
  });
  $('vb-acc').addEventListener('click', function () { decide('accept'); });
  $('vb-rej').addEventListener('click', function () { decide('reject'); });
  $('vb-save').addEventListener('click', save);
  $('vb-form').addEventListener('submit', function (e) {
    e.preventDefault();
    decide('fix', $('vb-fix').value);
    $('vb-fix').blur();
  });
  [].forEach.call(document.querySelectorAll('input[name=vb-view]'), function (r) {
    r.addEventListener('change', function () {
      document.body.classList.remove('v-both', 'v-new', 'v-raw');
      document.body.classList.add(r.value);
    });
  });
  $('vb-only').addEventListener('change', function () { document.body.classList.toggle('only', this.checked); });
  window.addEventListener('beforeunload', function (e) { if (dirty) { e.preventDefault(); e.returnValue = ''; } });
  window.vanbanReview = { payload: payload, select: select, decide: decide, next: function () { step(unc, 1); }, selectItem: selectItem, setItem: setItem };
})();
