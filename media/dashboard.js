// CORTEX Health dashboard (webview). Builds the page from the JSON the extension posts.
// Everything is created with DOM APIs and textContent (no innerHTML of data), and the
// charts are plain SVG: no remote content, no inline styles, nothing the CSP must relax.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const app = document.getElementById('app');
  const SVG = 'http://www.w3.org/2000/svg';
  const SERIES = [
    ['overall', 'Overall'],
    ['database', 'Database'],
    ['performance', 'Performance'],
    ['rule_compliance', 'Rules'],
    ['tests', 'Tests'],
    ['storage', 'Storage'],
  ];
  const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }
  const pct = (v) => `${Math.round(v * 100)}%`;
  const mb = (v) => (v === null || v === undefined ? '—' : `${Number(v).toFixed(2)} MB`);
  const when = (sqliteTime) => (sqliteTime ? `${sqliteTime} UTC` : '—');

  function button(label, command, enabled) {
    const b = el('button', 'action', label);
    b.disabled = !enabled;
    b.addEventListener('click', () => vscode.postMessage({ type: 'command', command }));
    return b;
  }

  function header(data, trusted) {
    const h = el('header', 'head');
    const title = el('div', 'title');
    title.append(el('h1', '', 'CORTEX brain health'));
    if (data.latest) {
      const score = el('div', `score band-${data.latest.overall.status}`);
      score.append(el('span', 'big', pct(data.latest.overall.score)), el('span', 'badge', data.latest.overall.status));
      title.append(score, el('p', 'muted', `Last review ${when(data.latest.created_at)} · ${data.latest.fixed} of ${data.latest.auto_fixable} fixable issues fixed`));
    } else {
      title.append(el('p', 'muted', 'No self-review yet. Run one to see scores, issues and trends.'));
    }
    const actions = el('div', 'actions');
    actions.append(
      button('Run Self-Review', 'runSelfReview', trusted),
      button('Run Maintenance…', 'runMaintenance', trusted),
      button('Apply Retention…', 'applyRetention', trusted),
      button('Refresh', 'refresh', true),
    );
    h.append(title, actions);
    if (!trusted) h.append(el('p', 'muted', 'Restricted Mode: the dashboard is read-only until you trust this folder.'));
    return h;
  }

  function cards(latest) {
    const grid = el('section', 'cards');
    grid.setAttribute('aria-label', 'Category scores');
    for (const c of latest.categories) {
      const card = el('div', `card${c.measured ? '' : ' unmeasured'}`);
      card.append(el('div', 'label', c.label), el('div', 'value', c.measured ? pct(c.score) : 'not measured'));
      if (c.measured) {
        const bar = el('div', 'bar');
        const fill = svg('svg', { viewBox: '0 0 100 6', preserveAspectRatio: 'none', class: 'barsvg', 'aria-hidden': 'true' });
        fill.append(svg('rect', { x: 0, y: 0, width: 100, height: 6, class: 'track' }), svg('rect', { x: 0, y: 0, width: Math.max(0, Math.min(100, c.score * 100)), height: 6, class: `fill ${c.score >= 0.7 ? 'ok' : c.score >= 0.5 ? 'warn' : 'bad'}` }));
        bar.append(fill);
        card.append(bar);
      }
      grid.append(card);
    }
    return grid;
  }

  function issues(latest) {
    const section = el('section', 'issues');
    section.append(el('h2', '', `Issues (${latest.issues.length})`));
    if (!latest.issues.length) section.append(el('p', 'muted', 'No issues in the last review.'));
    for (const sev of SEVERITIES) {
      const list = latest.issues.filter((i) => i.severity === sev);
      if (!list.length) continue;
      const group = el('div', `sev sev-${sev}`);
      group.append(el('h3', '', `${sev} (${list.length})`));
      const ul = el('ul');
      for (const i of list) {
        const li = el('li');
        const fix = i.fix_applied ? 'fixed' : i.auto_fixable ? 'fixable' : 'manual';
        li.append(el('span', `fix fix-${fix}`, fix), el('strong', '', i.title), el('span', 'muted', ` · ${i.category}`));
        if (i.description) li.append(el('div', 'desc', i.description));
        if (i.recommendation) li.append(el('div', 'rec', `→ ${i.recommendation}`));
        if (i.fix_description) li.append(el('div', 'muted', i.fix_description));
        ul.append(li);
      }
      group.append(ul);
      section.append(group);
    }
    return section;
  }

  /** Score over time: one polyline per series, y = 0–100 %, x = review order. */
  function trend(points) {
    const section = el('section', 'trend');
    section.append(el('h2', '', 'Trend'));
    if (points.length < 2) {
      section.append(el('p', 'muted', points.length ? 'One review so far: the trend appears after the next one.' : 'No reviews yet.'));
      return section;
    }
    const W = 640, H = 220, L = 36, R = 10, T = 10, B = 26;
    const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': 'Overall and category scores over time' });
    const x = (i) => L + (i * (W - L - R)) / (points.length - 1);
    const y = (v) => T + (1 - v) * (H - T - B);
    for (const g of [0, 0.25, 0.5, 0.75, 1]) {
      chart.append(svg('line', { x1: L, x2: W - R, y1: y(g), y2: y(g), class: 'grid' }));
      const t = svg('text', { x: L - 6, y: y(g) + 4, class: 'axis', 'text-anchor': 'end' });
      t.textContent = `${g * 100}`;
      chart.append(t);
    }
    const first = svg('text', { x: L, y: H - 6, class: 'axis' });
    first.textContent = points[0].at.slice(0, 10);
    const last = svg('text', { x: W - R, y: H - 6, class: 'axis', 'text-anchor': 'end' });
    last.textContent = points[points.length - 1].at.slice(0, 10);
    chart.append(first, last);
    for (const [key] of SERIES) {
      // An unmeasured category has no score at that review: the line breaks there.
      let seg = [];
      const flush = () => {
        if (seg.length > 1) chart.append(svg('polyline', { points: seg.join(' '), class: `line s-${key}` }));
        else if (seg.length === 1) {
          const [cx, cy] = seg[0].split(',');
          chart.append(svg('circle', { cx, cy, r: 2.5, class: `dot s-${key}` }));
        }
        seg = [];
      };
      points.forEach((p, i) => {
        if (key !== 'overall' && p.unmeasured.includes(key)) flush();
        else seg.push(`${x(i).toFixed(1)},${y(p[key]).toFixed(1)}`);
      });
      flush();
    }
    const legend = el('div', 'legend');
    for (const [key, label] of SERIES) {
      const item = el('span', 'key');
      const sw = svg('svg', { viewBox: '0 0 12 4', class: 'swatch', 'aria-hidden': 'true' });
      sw.append(svg('line', { x1: 0, x2: 12, y1: 2, y2: 2, class: `line s-${key}` }));
      item.append(sw, document.createTextNode(label));
      legend.append(item);
    }
    section.append(chart, legend);
    return section;
  }

  function table(headers, rows) {
    const t = el('table');
    const thead = el('thead');
    const tr = el('tr');
    for (const h of headers) tr.append(el('th', '', h));
    thead.append(tr);
    const tbody = el('tbody');
    for (const r of rows) {
      const row = el('tr');
      for (const cell of r) row.append(el('td', '', cell));
      tbody.append(row);
    }
    t.append(thead, tbody);
    return t;
  }

  function maintenance(runs) {
    const section = el('section', 'maintenance');
    section.append(el('h2', '', 'Maintenance history'));
    if (!runs.length) {
      section.append(el('p', 'muted', 'No maintenance run yet.'));
      return section;
    }
    section.append(
      table(
        ['started', 'tier', 'status', 'operations', 'size before → after', 'reclaimed', 'fragmentation', 'speedup'],
        runs.map((r) => [
          when(r.started_at),
          r.tier,
          r.status + (r.error_message ? ` (${r.error_message})` : ''),
          r.operations.join(', '),
          `${mb(r.size_before_mb)} → ${mb(r.size_after_mb)}`,
          mb(r.space_reclaimed_mb),
          r.fragmentation_before === null ? '—' : `${pct(r.fragmentation_before)} → ${r.fragmentation_after === null ? '—' : pct(r.fragmentation_after)}`,
          r.speedup === null ? '—' : `${Number(r.speedup).toFixed(2)}×`,
        ]),
      ),
    );
    return section;
  }

  function describeAction(a) {
    if (a === null || a === undefined) return '';
    if (typeof a !== 'object') return String(a);
    const parts = [];
    for (const k of ['table', 'action', 'rows', 'deleted', 'archived', 'exported', 'reason', 'to', 'file']) if (a[k] !== undefined) parts.push(`${k}: ${typeof a[k] === 'object' ? JSON.stringify(a[k]) : a[k]}`);
    return parts.length ? parts.join(' · ') : JSON.stringify(a);
  }

  function retention(snaps, archival) {
    const section = el('section', 'retention');
    section.append(el('h2', '', 'Retention decisions'));
    if (!snaps.length && !archival.length) {
      section.append(el('p', 'muted', 'No retention run yet.'));
      return section;
    }
    for (const s of snaps) {
      const d = el('details');
      const sum = el('summary');
      sum.append(el('strong', '', s.tier), el('span', 'muted', ` · ${when(s.created_at)} · ${s.violations} violations (${s.age_violations} by age, ${s.count_violations} by count) · ${s.actions.length} actions`));
      d.append(sum);
      const ul = el('ul');
      for (const a of s.actions) ul.append(el('li', '', describeAction(a)));
      if (!s.actions.length) ul.append(el('li', 'muted', 'Nothing was deleted: no row outside its policy window.'));
      d.append(ul, el('pre', 'policy', JSON.stringify(s.policy, null, 2)));
      section.append(d);
    }
    if (archival.length) {
      section.append(el('h3', '', 'Archival batches'));
      section.append(table(['started', 'from → to', 'records', 'freed', 'status'], archival.map((a) => [when(a.started_at), `${a.source_tier} → ${a.destination_tier}`, a.records_archived, mb(a.space_freed_mb), a.status + (a.error_message ? ` (${a.error_message})` : '')])));
    }
    return section;
  }

  function render(data, trusted) {
    app.replaceChildren();
    app.append(header(data, trusted));
    if (data.latest) app.append(cards(data.latest), issues(data.latest));
    app.append(trend(data.trend), maintenance(data.maintenance), retention(data.retention, data.archival));
    app.dataset.rendered = data.generated_at;
  }

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (m && m.type === 'data') render(m.data, m.trusted);
    else if (m && m.type === 'unavailable') {
      app.replaceChildren(el('h1', '', 'CORTEX brain health'), el('p', 'muted', m.reason));
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
