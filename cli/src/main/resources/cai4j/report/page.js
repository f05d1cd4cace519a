// The cai4j report page. Everything it shows comes from the JSON block #report-data; text from
// models is untrusted, so it only ever reaches the page through textContent (DOM) or esc() (the
// HTML of chart tooltips), never as markup.
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var R = D.report, E = R.evals;
  var COND_COLORS = { bare: '#8c96a8', prompted: '#3b6fd4', attacked: '#d6793b', trained: '#2e9e6a', all: '#1d2330' };
  var OUTCOMES = ['pass', 'fail', 'grader_error', 'ungraded'];
  var FAILURES = { violation: 'violation: the clause was broken', over_refusal: 'over-refusal: help that was due was refused or watered down',
    loser_won: 'the lower tier won over the higher' };
  var charts = {};
  var POOLED = '\u0000pooled'; // the key of a chart's bar over every tier: no tier id can be it
  var initialised = {};
  var state = { tier: '', clause: '', kind: '', condition: '', outcome: '', text: '', broken: '', selected: -1 };
  var REFUSALS = { partial: 'the judge saw a partial refusal (part declined, the rest handled)', full: 'the judge saw a refusal' };

  // ---- helpers ----
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === 'class') e.className = attrs[k]; else e.setAttribute(k, attrs[k]);
    });
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function pct(x, digits) { return (100 * x).toFixed(digits === undefined ? 1 : digits) + '%'; }
  function rateText(r) { return r.n === 0 ? '–' : pct(r.rate) + ' [' + (100 * r.low).toFixed(1) + ', ' + (100 * r.high).toFixed(1) + '] (' + r.count + '/' + r.n + ')'; }
  // how each interval was found, in words; the figures name the method of every rate
  var METHODS = { 'wilson': 'Wilson', 'cluster-bootstrap': 'cluster bootstrap by scenario', 'paired-bootstrap': 'paired bootstrap by scenario' };
  function method(r) { return METHODS[r.interval] || r.interval || 'Wilson'; }
  function points(x) { return (x >= 0 ? '+' : '\u2212') + Math.abs(100 * x).toFixed(1); }
  function pValue(p) { return p < 0.001 ? '<0.001' : p.toFixed(3); }
  function color(c) { return COND_COLORS[c] || '#6a4fbf'; }
  function cell(dim, key, cond) {
    if (key === POOLED) { dim = 'all'; key = 'all'; }
    for (var i = 0; i < E.cells.length; i++) {
      var c = E.cells[i];
      if (c.dimension === dim && c.key === key && c.condition === cond) return c;
    }
    return null;
  }
  function clauseText(id) {
    for (var i = 0; i < E.clauses.length; i++) if (E.clauses[i].id === id) return E.clauses[i].text;
    return '';
  }
  function makeChart(id) {
    var node = document.getElementById(id);
    var chart = echarts.init(node, null, { renderer: 'svg' });
    charts[id] = chart;
    return chart;
  }
  function cellTooltip(title, c) {
    if (!c) return esc(title) + '<br>no answers';
    var s = '<b>' + esc(title) + '</b><br>adherence ' + esc(rateText(c.adherence)) + ' <i>' + esc(method(c.adherence)) + '</i>' +
      '<br>pass ' + c.pass + ', fail ' + c.fail;
    if (c.graderErrors) s += '<br><span style="color:#b36b00">grader errors ' + c.graderErrors + '</span>';
    if (c.ungraded) s += '<br>ungraded ' + c.ungraded;
    if (c.overRefusal.n) s += '<br>over-refusal ' + esc(rateText(c.overRefusal));
    return s;
  }
  // error bars for grouped bars: one custom series per bar series, drawn over its bars
  function errorBarSeries(name, index, count, data, horizontal) {
    return {
      type: 'custom', name: name, silent: true, z: 10, tooltip: { show: false },
      renderItem: function (params, api) {
        var cat = api.value(0), lo = api.value(1), hi = api.value(2);
        if (isNaN(lo) || isNaN(hi)) return null;
        var band = horizontal ? api.size([0, 1])[1] : api.size([1, 0])[0];
        var usable = band * 0.8, w = usable / (count + (count - 1) * 0.3);
        var offset = -usable / 2 + w / 2 + index * w * 1.3;
        var a = horizontal ? api.coord([lo, cat]) : api.coord([cat, lo]);
        var b = horizontal ? api.coord([hi, cat]) : api.coord([cat, hi]);
        var cap = Math.max(3, w * 0.25), style = { stroke: '#1d2330', lineWidth: 1.3 };
        if (horizontal) {
          var y = a[1] + offset;
          return { type: 'group', children: [
            { type: 'line', shape: { x1: a[0], y1: y, x2: b[0], y2: y }, style: style },
            { type: 'line', shape: { x1: a[0], y1: y - cap, x2: a[0], y2: y + cap }, style: style },
            { type: 'line', shape: { x1: b[0], y1: y - cap, x2: b[0], y2: y + cap }, style: style }] };
        }
        var x = a[0] + offset;
        return { type: 'group', children: [
          { type: 'line', shape: { x1: x, y1: a[1], x2: x, y2: b[1] }, style: style },
          { type: 'line', shape: { x1: x - cap, y1: a[1], x2: x + cap, y2: a[1] }, style: style },
          { type: 'line', shape: { x1: x - cap, y1: b[1], x2: x + cap, y2: b[1] }, style: style }] };
      },
      data: data
    };
  }
  function groupedRateChart(id, dim, keys, labels) {
    var chart = makeChart(id);
    var conds = E.conditions, series = [];
    conds.forEach(function (cond) {
      series.push({
        type: 'bar', name: cond, barGap: '30%', barCategoryGap: '20%', itemStyle: { color: color(cond) },
        data: keys.map(function (k) {
          var c = cell(dim, k, cond);
          return { value: c && (c.pass + c.fail) > 0 ? +(100 * c.adherence.rate).toFixed(2) : null, key: k, condition: cond };
        })
      });
    });
    conds.forEach(function (cond, i) {
      series.push(errorBarSeries(cond, i, conds.length, keys.map(function (k, j) {
        var c = cell(dim, k, cond);
        return c && (c.pass + c.fail) > 0 ? [j, 100 * c.adherence.low, 100 * c.adherence.high] : [j, NaN, NaN];
      }), false));
    });
    chart.setOption({
      animation: false,
      legend: { data: conds, top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 40 },
      tooltip: { trigger: 'item', formatter: function (p) {
        var k = p.data.key, cond = p.data.condition;
        return cellTooltip(labels[keys.indexOf(k)] + ' · ' + cond, cell(dim, k, cond));
      } },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', min: 0, max: 100, name: 'adherence %', axisLabel: { formatter: '{value}%' } },
      series: series
    });
    chart.on('click', function (p) {
      if (p.componentSubType !== 'bar') return;
      var f = { condition: p.data.condition };
      if (dim === 'tier' && p.data.key !== POOLED) f.tier = p.data.key;
      if (dim === 'kind') f.kind = p.data.key;
      drill(f);
    });
  }

  // ---- header, tabs, problems ----
  document.getElementById('title').textContent = 'cai4j report · ' + R.run;
  var sub = [];
  var P = E.provenance || { roles: [], selfJudging: [] };
  function roleModel(role) { for (var i = 0; i < P.roles.length; i++) if (P.roles[i].role === role) return P.roles[i].model; return ''; }
  if (roleModel('generator')) sub.push('scenarios by ' + roleModel('generator'));
  if (E.rows.length) sub.push('target ' + (E.target || '?'));
  if (E.trained) sub.push('trained ' + E.trained);
  if (E.rows.length) sub.push('judge ' + (E.judge || '?') + ' (template ' + (E.judgeTemplate || '?') + ', k=' + E.judgeSamples + ')');
  sub.push('generated ' + D.generated);
  document.getElementById('subtitle').textContent = sub.join(' · ');
  document.getElementById('footer').textContent = 'cai4j ' + D.version + ' · charts by Apache ECharts ' + echarts.version +
    ' · every rate with its count and 95% interval (Wilson; a cluster bootstrap by scenario where a scenario gives several answers); figures per condition, never pooled';
  // a judge that grades its own answers or its own tests: said where the figures are, on every tab
  if (P.selfJudging.length) {
    var banner = document.getElementById('self-judging');
    banner.hidden = false;
    banner.appendChild(document.createTextNode('Self-judging: the judge of these figures is not independent, so read them with care.'));
    P.selfJudging.forEach(function (x) { banner.appendChild(el('p', null, x)); });
  }
  if (D.partial) {
    var part = document.getElementById('partial');
    part.hidden = false;
    part.appendChild(el('b', null, 'Partial report. '));
    part.appendChild(document.createTextNode(D.partial));
  }
  if (R.problems.length) {
    var pr = document.getElementById('problems');
    pr.hidden = false;
    pr.appendChild(el('b', null, 'Some files of this run could not be read:'));
    var ul = el('ul');
    R.problems.forEach(function (p) { ul.appendChild(el('li', null, p)); });
    pr.appendChild(ul);
  }

  var TABS = [];
  if (E.rows.length || R.calibrations.length || R.agreements.length) TABS.push(['overview', 'Overview']);
  if (E.rows.length) TABS.push(['scenarios', 'Scenarios (' + E.rows.length + ')']);
  if (R.data.length) TABS.push(['data', 'Training data']);
  if (R.usage.length) TABS.push(['usage', 'Calls and cost']);
  var nav = document.getElementById('tabs');
  TABS.forEach(function (t) {
    var b = el('button', { role: 'tab', id: 'tabbtn-' + t[0], 'aria-selected': 'false' }, t[1]);
    b.addEventListener('click', function () { showTab(t[0]); });
    nav.appendChild(b);
  });
  if (!TABS.length) {
    var empty = el('p', { 'class': 'panel' }, 'This run directory holds no evaluations, training data or ledger yet.');
    document.querySelector('main').appendChild(empty);
  }

  function showTab(name) {
    TABS.forEach(function (t) {
      document.getElementById('tab-' + t[0]).hidden = t[0] !== name;
      document.getElementById('tabbtn-' + t[0]).setAttribute('aria-selected', t[0] === name ? 'true' : 'false');
    });
    // charts are drawn when their tab is first visible: a hidden element has no size
    if (!initialised[name]) {
      initialised[name] = true;
      ({ overview: initOverview, scenarios: initScenarios, data: initData, usage: initUsage })[name]();
    } else {
      Object.keys(charts).forEach(function (id) { charts[id].resize(); });
    }
  }

  // ---- overview ----
  function initOverview() {
    var cards = document.getElementById('cards');
    function card(label, value, subText, warn) {
      var c = el('div', { 'class': 'card' + (warn ? ' warn' : '') });
      c.appendChild(el('div', { 'class': 'label' }, label));
      c.appendChild(el('div', { 'class': 'value' }, value));
      if (subText) c.appendChild(el('div', { 'class': 'sub' }, subText));
      cards.appendChild(c);
      return c;
    }
    if (E.rows.length) {
      E.conditions.forEach(function (cond) {
        var c = cell('all', 'all', cond);
        var k = card(cond + ' adherence', c.pass + c.fail ? pct(c.adherence.rate) : '–',
          c.pass + c.fail ? '95% CI ' + pct(c.adherence.low) + '–' + pct(c.adherence.high) + ' (' + method(c.adherence) + ') · n=' + c.adherence.n : 'nothing graded');
        k.id = 'card-' + cond;
        var kc = card(cond + ' constitution adherence', c.pass + c.fail ? pct(c.constitutionAdherence.rate) : '–',
          c.pass + c.fail ? '95% CI ' + pct(c.constitutionAdherence.low) + '–' + pct(c.constitutionAdherence.high) + ' · ' + c.collateral +
            ' answers broke another clause' + (c.unconfirmed ? ' · ' + c.unconfirmed + ' unconfirmed claims apart' : '') : 'nothing graded');
        kc.id = 'card-constitution-' + cond;
      });
      var ids = {}, graderErrors = 0;
      E.rows.forEach(function (r) { ids[r.scenarioId] = 1; if (r.outcome === 'grader_error') graderErrors++; });
      card('scenarios', Object.keys(ids).length, E.rows.length + ' answers over ' + E.conditions.length + ' conditions');
      var ge = card('grader errors', graderErrors, graderErrors ? 'judge answers that could not be read; click to list' : 'every answer was graded', graderErrors > 0);
      ge.id = 'card-grader-errors';
      if (graderErrors) { ge.style.cursor = 'pointer'; ge.addEventListener('click', function () { drill({ outcome: 'grader_error' }); }); }
      var methods = (D.figures.evals && D.figures.evals.intervals) || {};
      document.getElementById('interval-methods').textContent = 'Intervals: ' + Object.keys(methods).map(function (m) {
        return (METHODS[m] || m) + ': ' + methods[m]; }).join('. ') + '.';
      provenance();
      trainedBeside();
      comparisons();
      constitutionTable();
      brokenClauses();
      var tierKeys = E.tiers.concat([POOLED]);
      groupedRateChart('chart-tiers', 'tier', tierKeys, tierKeys.map(function (t) { return t === POOLED ? 'all tiers' : t; }));
      heatmap();
      tradeoff();
      var kinds = ['direct', 'conflict', 'attack', 'benign'].filter(function (k) { return E.rows.some(function (r) { return r.kind === k; }); });
      groupedRateChart('chart-kinds', 'kind', kinds, kinds);
    } else {
      ['chart-tiers', 'chart-heatmap', 'chart-tradeoff', 'chart-kinds'].forEach(function (id) {
        document.getElementById(id).closest('.panel').hidden = true;
      });
    }
    if (R.calibrations.length) calibration();
    conflicts();
    if (R.agreements.length) agreement(R.agreements[0]);
  }

  // clause adherence beside constitution adherence, per condition, overall and per tier
  function constitutionTable() {
    var table = document.getElementById('constitution-table');
    var head = el('tr');
    ['condition', 'tier', 'clause adherence', 'constitution adherence', 'broke another clause', 'unconfirmed claims'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    table.appendChild(head);
    E.conditions.forEach(function (cond) {
      [['all', 'all', 'all tiers']].concat(E.tiers.map(function (t) { return ['tier', t, t]; })).forEach(function (k) {
        var c = cell(k[0], k[1], cond);
        if (!c || c.pass + c.fail === 0) return;
        var tr = el('tr', { 'data-condition': cond, 'data-tier': k[1] });
        [cond, k[2], rateText(c.adherence), rateText(c.constitutionAdherence), String(c.collateral), String(c.unconfirmed)]
          .forEach(function (v) { tr.appendChild(el('td', null, v)); });
        table.appendChild(tr);
      });
    });
  }

  // the clauses broken most often over every scenario; a row opens the answers that broke it
  function brokenClauses() {
    var broken = (E.broken || []).filter(function (b) { return b.answers.length || b.unconfirmed; }).slice(0, 20);
    if (!broken.length) return;
    document.getElementById('panel-broken').hidden = false;
    var table = document.getElementById('broken-table');
    var head = el('tr');
    ['clause', 'tier', 'text'].concat(E.conditions).concat(['as tested', 'in other scenarios', 'unconfirmed']).forEach(function (h) { head.appendChild(el('th', null, h)); });
    table.appendChild(head);
    broken.forEach(function (b) {
      var tr = el('tr', { 'data-clause': b.clauseId });
      [b.clauseId, b.tier, (b.text || clauseText(b.clauseId)).slice(0, 140)].concat(E.conditions.map(function (c) { return String(b.breaches[c] || 0); }))
        .concat([String(b.asTested), String(b.collateral), String(b.unconfirmed)]).forEach(function (v) { tr.appendChild(el('td', null, v)); });
      if (b.answers.length) { tr.style.cursor = 'pointer'; tr.addEventListener('click', function () { drill({ broken: b.clauseId }); }); }
      table.appendChild(tr);
    });
  }
  function brokeIt(r, clauseId) {
    var b = (E.broken || []).filter(function (x) { return x.clauseId === clauseId; })[0];
    return !!b && b.answers.some(function (a) { return a.scenarioId === r.scenarioId && a.condition === r.condition; });
  }

  // one winner × loser table per condition; a cell is the higher tier holding against the lower
  function conflicts() {
    var byCond = E.conflicts || {};
    var conds = E.conditions.filter(function (c) { return byCond[c]; });
    if (!conds.length) return;
    document.getElementById('panel-conflicts').hidden = false;
    var box = document.getElementById('conflicts');
    conds.forEach(function (cond) {
      var m = byCond[cond];
      var losers = E.tiers.filter(function (t) { return Object.keys(m).some(function (w) { return m[w][t]; }); });
      var table = el('table', { 'class': 'figures matrix', id: 'conflicts-' + cond });
      var head = el('tr');
      head.appendChild(el('th', null, cond + ': wins ↓ · yields →'));
      losers.forEach(function (t) { head.appendChild(el('th', null, t)); });
      table.appendChild(head);
      E.tiers.filter(function (w) { return m[w]; }).forEach(function (w) {
        var tr = el('tr');
        tr.appendChild(el('th', null, w));
        losers.forEach(function (l) {
          var c = m[w][l];
          var td = el('td');
          if (c) {
            td.className = 'held';
            td.setAttribute('data-winner', w);
            td.setAttribute('data-loser', l);
            td.appendChild(el('div', null, rateText(c.held)));
            td.appendChild(el('div', { 'class': 'sub' }, 'pass ' + c.pass + ' · lower won ' + c.loserWon + ' · neither served ' + c.overRefusal +
              (c.graderErrors ? ' · grader errors ' + c.graderErrors : '')));
            td.addEventListener('click', function () { drill({ condition: cond, tier: w, kind: 'conflict' }); });
          } else {
            td.textContent = '–';
          }
          tr.appendChild(td);
        });
        table.appendChild(tr);
      });
      box.appendChild(table);
    });
  }

  // the judge's grades of the Model Spec's labelled responses, with the rubric that grades adherence
  function agreement(a) {
    document.getElementById('panel-agreement').hidden = false;
    document.getElementById('agreement-hint').textContent = a.judge + ' graded ' + a.overall.responses + ' of the ' + a.available +
      ' GOOD and BAD responses of ' + a.source + ' with the adherence rubric (template ' + a.judgeTemplate +
      '), against the rules of each example\'s section. Grader errors are left out of every rate.';
    var body = document.querySelector('#agreement-table tbody');
    function row(group, f) {
      var tr = el('tr');
      [group, f.responses, rateText(f.accuracy), rateText(f.falsePass), rateText(f.falseFail), f.graderErrors].forEach(function (v) {
        tr.appendChild(el('td', null, v));
      });
      body.appendChild(tr);
    }
    row('all', a.overall);
    Object.keys(a.authorities).forEach(function (k) { row('authority ' + k, a.authorities[k]); });
    Object.keys(a.kinds).forEach(function (k) { row(k, a.kinds[k]); });
    var c = a.choice;
    document.getElementById('agreement-choice').textContent = c.items ? 'Choosing the GOOD over the BAD response of ' + c.items +
      ' pairs, asked in both orders: right ' + rateText(c.accuracy) + ', right in both orders ' + rateText(c.consistentAccuracy) +
      ', flips with the order ' + rateText(c.positionBias) + '.' : '';
  }

  function provenance() {
    if (!P.roles.length) return;
    document.getElementById('panel-provenance').hidden = false;
    var t = document.getElementById('provenance-table');
    var head = el('tr');
    ['role', 'model', 'templates'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    t.appendChild(head);
    P.roles.forEach(function (r) {
      var tr = el('tr', { 'data-role': r.role });
      tr.appendChild(el('td', null, r.role));
      tr.appendChild(el('td', null, r.model));
      tr.appendChild(el('td', null, Object.keys(r.templates).map(function (k) { return k + ' ' + r.templates[k]; }).join(' · ') || '–'));
      t.appendChild(tr);
    });
  }

  // the question training answers: did it beat the base model alone, and the base model prompted?
  function trainedBeside() {
    if (E.conditions.indexOf('trained') < 0) return;
    document.getElementById('panel-trained').hidden = false;
    document.getElementById('trained-hint').textContent = 'Adherence of the base model ' + (E.target || '?') + ' without the constitution (bare) and with it (prompted), ' +
      'and of the trained model ' + (E.trained || '?') + ' without it (trained), on the same held-out scenarios; each with its 95% interval and count. ' +
      'The differences are paired over the scenarios graded under both conditions, with a 95% paired bootstrap interval over scenarios.';
    var conds = ['bare', 'prompted', 'trained'].filter(function (c) { return E.conditions.indexOf(c) >= 0; });
    var cmps = (E.comparisons || []).filter(function (c) { return c.treated === 'trained'; });
    var t = document.getElementById('trained-table');
    var head = el('tr');
    ['tier'].concat(conds).concat(cmps.map(function (c) { return 'trained − ' + c.baseline + ' [95% CI]'; })).forEach(function (h) { head.appendChild(el('th', null, h)); });
    t.appendChild(head);
    [['all tiers', 'all', 'all']].concat(E.tiers.map(function (x) { return [x, 'tier', x]; })).forEach(function (x) {
      var tr = el('tr', { 'data-tier': x[1] === 'all' ? '' : x[2] });
      tr.appendChild(el('td', null, x[0]));
      conds.forEach(function (cond) {
        var c = cell(x[1], x[2], cond);
        tr.appendChild(el('td', { 'data-condition': cond }, c && c.pass + c.fail
          ? pct(c.adherence.rate) + ' [' + pct(c.adherence.low) + ', ' + pct(c.adherence.high) + '] (' + c.pass + '/' + c.adherence.n + ')' : '–'));
      });
      cmps.forEach(function (c) {
        var d = x[1] === 'all' ? c.overall : c.tiers[x[2]];
        tr.appendChild(el('td', { 'data-comparison': 'trained-' + c.baseline }, d && d.pairs
          ? points(d.difference) + ' [' + points(d.low) + ', ' + points(d.high) + '] over ' + d.pairs : '–'));
      });
      t.appendChild(tr);
    });
  }

  // paired differences: each scenario graded under both conditions is one pair
  function comparisons() {
    var cs = E.comparisons || [];
    if (!cs.length) return;
    document.getElementById('panel-comparisons').hidden = false;
    document.getElementById('comparisons-hint').textContent = 'Pass rate under the first condition minus the second, over the scenarios graded under both, ' +
      'in percentage points with a 95% paired bootstrap interval over scenarios; improved and worsened count the scenarios whose outcome changed, ' +
      'and p is the exact two-sided McNemar test on them.';
    var t = document.getElementById('comparisons-table');
    var head = el('tr');
    ['comparison', 'tier', 'scenarios', 'pass rate, first', 'pass rate, second', 'difference [95% CI]', 'improved', 'worsened', 'McNemar p'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    t.appendChild(head);
    cs.forEach(function (c) {
      var rows = [['all tiers', c.overall]];
      E.tiers.forEach(function (tier) { if (c.tiers[tier]) rows.push([tier, c.tiers[tier]]); });
      rows.forEach(function (x, i) {
        var d = x[1];
        var tr = el('tr', { 'data-comparison': c.treated + '-' + c.baseline, 'data-tier': i === 0 ? '' : x[0] });
        [i === 0 ? c.treated + ' \u2212 ' + c.baseline : '', x[0], d.pairs, d.pairs ? pct(d.treated.rate) : '–', d.pairs ? pct(d.baseline.rate) : '–',
          d.pairs ? points(d.difference) + ' [' + points(d.low) + ', ' + points(d.high) + ']' : '–', d.improved, d.worsened, d.pairs ? pValue(d.mcnemarP) : '–']
          .forEach(function (v) { tr.appendChild(el('td', null, v)); });
        t.appendChild(tr);
      });
    });
  }

  function heatmap() {
    var node = document.getElementById('chart-heatmap');
    node.style.height = Math.max(240, 26 * E.clauses.length + 90) + 'px';
    var chart = makeChart('chart-heatmap');
    var conds = E.conditions;
    var ys = E.clauses.map(function (c) { return c.id; }).reverse();
    var data = [];
    ys.forEach(function (id, y) {
      conds.forEach(function (cond, x) {
        var c = cell('clause', id, cond);
        if (!c) return;
        var graded = c.pass + c.fail > 0;
        data.push({ value: [x, y, graded ? +(100 * c.adherence.rate).toFixed(1) : '-'], clause: id, condition: cond, errors: c.graderErrors });
      });
    });
    chart.setOption({
      animation: false,
      grid: { left: 90, right: 90, top: 30, bottom: 30 },
      tooltip: { formatter: function (p) {
        var t = clauseText(p.data.clause);
        return cellTooltip(p.data.clause + ' · ' + p.data.condition, cell('clause', p.data.clause, p.data.condition)) +
          (t ? '<br><span style="display:inline-block;max-width:360px;white-space:normal">' + esc(t) + '</span>' : '');
      } },
      xAxis: { type: 'category', data: conds, position: 'top', splitArea: { show: true } },
      yAxis: { type: 'category', data: ys, splitArea: { show: true } },
      visualMap: { min: 0, max: 100, calculable: false, orient: 'vertical', right: 0, top: 'middle', itemHeight: 120,
        text: ['100%', '0%'], inRange: { color: ['#d64541', '#f3c441', '#2e9d5b'] } },
      series: [{ type: 'heatmap', data: data, label: { show: true, formatter: function (p) {
        var v = p.data.value[2];
        return (v === '-' ? '–' : v + '%') + (p.data.errors ? ' ⚠' + p.data.errors : '');
      } }, itemStyle: { borderColor: '#fff', borderWidth: 2 } }]
    });
    chart.on('click', function (p) {
      var f = { clause: p.data.clause };
      if (p.data.condition !== 'all') f.condition = p.data.condition;
      drill(f);
    });
  }

  function tradeoff() {
    var chart = makeChart('chart-tradeoff');
    var series = [];
    E.conditions.forEach(function (cond) {
      var pts = [];
      var c = cell('all', 'all', cond);
      if (c.pass + c.fail > 0) pts.push({ value: [100 * c.overRefusal.rate, 100 * c.violationRate.rate], condition: cond, tier: '', symbolSize: 22 });
      E.tiers.forEach(function (t) {
        var tc = cell('tier', t, cond);
        if (tc && tc.pass + tc.fail > 0) pts.push({ value: [100 * tc.overRefusal.rate, 100 * tc.violationRate.rate], condition: cond, tier: t, symbolSize: 9 });
      });
      series.push({ type: 'scatter', name: cond, itemStyle: { color: color(cond), opacity: 0.85 }, data: pts, labelLayout: { moveOverlap: 'shiftY' },
        label: { show: true, position: 'right', formatter: function (p) { return p.data.tier ? '' : p.data.condition; } } });
    });
    chart.setOption({
      animation: false,
      legend: { top: 0 },
      grid: { left: 56, right: 24, top: 36, bottom: 44 },
      tooltip: { formatter: function (p) {
        var c = p.data.tier ? cell('tier', p.data.tier, p.data.condition) : cell('all', 'all', p.data.condition);
        return '<b>' + esc(p.data.condition + (p.data.tier ? ' · ' + p.data.tier : '')) + '</b><br>violations ' + esc(rateText(c.violationRate)) +
          '<br>over-refusal ' + esc(rateText(c.overRefusal));
      } },
      xAxis: { type: 'value', name: 'over-refusal % (benign and conflict)', nameLocation: 'middle', nameGap: 28, min: 0, max: 100 },
      yAxis: { type: 'value', name: 'violation %', min: 0, max: 100 },
      series: series
    });
    chart.on('click', function (p) {
      var f = { condition: p.data.condition };
      if (p.data.tier) f.tier = p.data.tier;
      drill(f);
    });
  }

  function calibration() {
    document.getElementById('panel-calibration').hidden = false;
    var cal = R.calibrations;
    document.getElementById('calibration-hint').textContent = cal.map(function (c) {
      return c.judge + ' on ' + c.items + ' labelled comparisons, asked in both option orders (template ' + c.template + '); ' + c.unparseable + ' unparseable answers';
    }).join(' · ');
    var chart = makeChart('chart-calibration');
    var metrics = [['accuracy', 'picks the better response'], ['consistentAccuracy', 'right in both orders'],
      ['positionBias', 'flips with the order'], ['firstOption', 'picks option A']];
    var series = [];
    cal.forEach(function (c, i) {
      series.push({ type: 'bar', name: c.judge, barGap: '30%', barCategoryGap: '20%',
        data: metrics.map(function (m) { return { value: +(100 * c[m[0]].rate).toFixed(2), rate: c[m[0]], label: m[1] }; }) });
    });
    cal.forEach(function (c, i) {
      series.push(errorBarSeries(c.judge, i, cal.length, metrics.map(function (m, j) { return [j, 100 * c[m[0]].low, 100 * c[m[0]].high]; }), true));
    });
    chart.setOption({
      animation: false,
      grid: { left: 170, right: 30, top: 20, bottom: 30 },
      tooltip: { formatter: function (p) { return esc(p.seriesName) + '<br>' + esc(p.data.label) + ': ' + esc(rateText(p.data.rate)); } },
      yAxis: { type: 'category', data: metrics.map(function (m) { return m[1]; }), inverse: true },
      xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: series
    });
  }

  // ---- scenarios: filters, list, transcript ----
  var FILTERS = [['condition', 'condition', E.conditions], ['tier', 'tier', E.tiers],
    ['clause', 'clause', E.clauses.map(function (c) { return c.id; })], ['kind', 'kind', ['direct', 'conflict', 'attack', 'benign']],
    ['outcome', 'outcome', OUTCOMES]];
  function initScenarios() {
    var box = document.getElementById('filters');
    FILTERS.forEach(function (f) {
      var label = el('label', null, f[1]);
      var sel = el('select', { id: 'filter-' + f[0] });
      sel.appendChild(el('option', { value: '' }, 'any'));
      f[2].forEach(function (v) {
        var n = E.rows.filter(function (r) { return (f[0] === 'clause' ? r.clauseId : r[f[0]]) === v; }).length;
        if (n) sel.appendChild(el('option', { value: v }, v + ' (' + n + ')'));
      });
      sel.value = state[f[0]];
      sel.addEventListener('change', function () { state[f[0]] = sel.value; state.selected = -1; renderRows(); });
      label.appendChild(sel);
      box.appendChild(label);
    });
    var tl = el('label', null, 'text');
    var input = el('input', { id: 'filter-text', type: 'search', placeholder: 'search messages and answers' });
    input.addEventListener('input', function () { state.text = input.value.toLowerCase(); renderRows(); });
    tl.appendChild(input);
    box.appendChild(tl);
    renderRows();
  }
  function matches(r) {
    if (state.condition && r.condition !== state.condition) return false;
    if (state.tier && r.tier !== state.tier) return false;
    if (state.clause && r.clauseId !== state.clause) return false;
    if (state.kind && r.kind !== state.kind) return false;
    if (state.outcome && r.outcome !== state.outcome) return false;
    if (state.broken && !brokeIt(r, state.broken)) return false;
    if (state.text) {
      var hay = (r.answer + ' ' + r.reasoning + ' ' + r.scenarioId + ' ' + r.messages.map(function (m) { return m.content; }).join(' ')).toLowerCase();
      if (hay.indexOf(state.text) < 0) return false;
    }
    return true;
  }
  var LIMIT = 500;
  function renderRows() {
    FILTERS.forEach(function (f) { var s = document.getElementById('filter-' + f[0]); if (s) s.value = state[f[0]]; });
    var tbody = document.querySelector('#rows tbody');
    tbody.textContent = '';
    var shown = 0, total = 0;
    E.rows.forEach(function (r, i) {
      if (!matches(r)) return;
      total++;
      if (shown >= LIMIT) return;
      shown++;
      var tr = el('tr', { 'data-index': String(i), 'data-scenario': r.scenarioId });
      if (i === state.selected) tr.className = 'selected';
      var td = el('td');
      td.appendChild(el('span', { 'class': 'badge ' + r.outcome }, r.outcome.replace('_', ' ')));
      tr.appendChild(td);
      tr.appendChild(el('td', null, r.condition));
      tr.appendChild(el('td', null, r.tier));
      tr.appendChild(el('td', null, r.clauseId));
      tr.appendChild(el('td', null, r.kind + (r.strategy ? ' · ' + r.strategy : '')));
      tr.appendChild(el('td', null, r.outcome === 'pass' || r.outcome === 'fail' ? r.score : '–'));
      var last = r.messages.length ? r.messages[r.messages.length - 1].content : '';
      tr.appendChild(el('td', { 'class': 'req' }, last.slice(0, 160)));
      tr.addEventListener('click', function () { select(i); });
      tbody.appendChild(tr);
    });
    document.getElementById('count').textContent = total + ' of ' + E.rows.length + ' answers' + (total > shown ? ' (first ' + shown + ' listed; narrow the filters)' : '') +
      (describeFilters() ? ' · ' + describeFilters() : '');
  }
  function describeFilters() {
    return FILTERS.filter(function (f) { return state[f[0]]; }).map(function (f) { return f[1] + ' = ' + state[f[0]]; })
      .concat(state.broken ? ['answers that broke ' + state.broken] : []).join(', ');
  }
  function block(parent, title, text) {
    parent.appendChild(el('h3', null, title));
    parent.appendChild(el('pre', null, text));
  }
  function select(i) {
    state.selected = i;
    Array.prototype.forEach.call(document.querySelectorAll('#rows tbody tr'), function (tr) {
      tr.className = tr.getAttribute('data-index') === String(i) ? 'selected' : '';
    });
    var r = E.rows[i];
    var t = document.getElementById('transcript');
    t.textContent = '';
    t.appendChild(el('h2', { id: 'transcript-title' }, r.scenarioId + ' · ' + r.condition + ' · ' + r.kind + (r.strategy ? ' (' + r.strategy + ')' : '')));
    if (r.kind === 'conflict' && r.clauseIds.length > 1) {
      block(t, 'must win: clause ' + r.clauseIds[0] + ' · tier ' + r.tier, clauseText(r.clauseIds[0]) || '(text not in this run)');
      block(t, 'must yield: clause ' + r.clauseIds[1], clauseText(r.clauseIds[1]) || '(text not in this run)');
    } else {
      block(t, 'clause ' + r.clauseIds.join(', ') + ' · tier ' + r.tier, clauseText(r.clauseId) || '(text not in this run)');
    }
    if (r.expected) block(t, 'adherence looks like', r.expected);
    if (r.violation) block(t, 'a violation looks like', r.violation);
    t.appendChild(el('h3', null, 'conversation'));
    if (r.systemPrompt) t.appendChild(el('p', { 'class': 'hint' }, 'System prompt: the constitution as written (not repeated here), then the conversation\'s own system message, if any.'));
    r.messages.forEach(function (m) {
      var d = el('div', { 'class': 'msg ' + m.role });
      d.appendChild(el('div', { 'class': 'role' }, m.role));
      d.appendChild(el('pre', null, m.content));
      t.appendChild(d);
    });
    var a = el('div', { 'class': 'msg answer', id: 'transcript-answer' });
    a.appendChild(el('div', { 'class': 'role' }, (r.condition === 'trained' ? 'trained model\'s answer' : 'target answer') + (r.model ? ' (' + r.model + ')' : '') + (r.finishReason && r.finishReason !== 'stop' ? ' (ended: ' + r.finishReason + ')' : '')));
    a.appendChild(el('pre', null, r.answer || '(no answer recorded)'));
    t.appendChild(a);
    t.appendChild(el('h3', null, 'verdict'));
    var v = el('div', { 'class': 'verdict', id: 'transcript-verdict' });
    var head = el('p');
    head.appendChild(el('span', { 'class': 'badge ' + r.outcome }, r.outcome.replace('_', ' ')));
    if (r.failure) head.appendChild(el('span', { 'class': 'failure', id: 'transcript-failure' }, ' ' + FAILURES[r.failure]));
    if (r.outcome === 'pass' || r.outcome === 'fail') head.appendChild(document.createTextNode(' score ' + r.score + ' of 5' + (REFUSALS[r.refusal] ? ' · ' + REFUSALS[r.refusal] : '')));
    if (r.outcome === 'grader_error') head.appendChild(document.createTextNode(' the judge\u2019s answer could not be used; counted neither pass nor fail'));
    v.appendChild(head);
    if (r.reasoning) block(v, 'judge reasoning', r.reasoning);
    if (r.collateral && r.collateral.length) {
      v.appendChild(el('h3', null, 'other clauses this answer breaks'));
      var ul = el('ul', { id: 'transcript-collateral' });
      r.collateral.forEach(function (c) {
        var li = el('li', { 'class': 'collateral ' + c.status });
        li.appendChild(el('b', null, c.clauseId + ' (' + c.tier + ') · ' + (c.status === 'confirmed' ? 'confirmed, counts against constitution adherence'
          : c.status === 'unsupported' ? 'not counted: the quote is not in the answer' : 'not counted: not confirmed')));
        li.appendChild(el('div', null, clauseText(c.clauseId)));
        li.appendChild(el('pre', null, '“' + c.quote + '”' + (c.note ? '\n' + c.note : '')));
        ul.appendChild(li);
      });
      v.appendChild(ul);
    }
    if (r.error) block(v, 'error', r.error);
    if (r.judgeAnswer) block(v, 'judge answer as given', r.judgeAnswer);
    t.appendChild(v);
  }
  function drill(filters) {
    ['tier', 'clause', 'kind', 'condition', 'outcome', 'broken'].forEach(function (k) { state[k] = filters[k] || ''; });
    state.selected = -1;
    showTab('scenarios');
    renderRows();
    var t = document.getElementById('transcript');
    t.textContent = '';
    t.appendChild(el('p', { 'class': 'hint' }, 'Pick a row to read the conversation, the target\u2019s answer and the judge\u2019s verdict.'));
    window.scrollTo(0, 0);
  }

  // ---- training data ----
  function initData() {
    var kinds = R.data.map(function (d) { return d.kind; });
    var chart = makeChart('chart-data');
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 30, bottom: 30 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: kinds },
      yAxis: { type: 'value' },
      series: [
        { type: 'bar', name: 'records', stack: 'n', itemStyle: { color: '#3b6fd4' }, data: R.data.map(function (d) { return d.records; }) },
        { type: 'bar', name: 'items left out', stack: 'n', itemStyle: { color: '#d6793b' }, data: R.data.map(function (d) {
          return Object.keys(d.rejected).reduce(function (s, k) { return s + d.rejected[k]; }, 0); }) }]
    });
    var prefs = R.data.filter(function (d) { return d.softLabels.length; })[0];
    if (prefs) {
      var bins = D.figures.data[prefs.kind].softLabels.bins, n = bins.length, labels = [];
      for (var i = 0; i < n; i++) labels.push((i / n).toFixed(2) + '–' + ((i + 1) / n).toFixed(2));
      var sl = makeChart('chart-softlabels');
      sl.setOption({
        animation: false,
        grid: { left: 48, right: 16, top: 20, bottom: 50 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: labels, name: 'soft label', nameLocation: 'middle', nameGap: 34, axisLabel: { interval: 1, formatter: function (v) { return v.split('–')[0]; } } },
        yAxis: { type: 'value', name: 'pairs' },
        series: [{ type: 'bar', name: 'pairs', itemStyle: { color: '#6a4fbf' }, data: bins }]
      });
    } else {
      document.getElementById('panel-softlabels').hidden = true;
    }
    var box = document.getElementById('examples');
    R.data.forEach(function (d) {
      var p = el('div', { 'class': 'panel' });
      p.appendChild(el('h2', null, d.kind + ' · ' + d.records + ' records from ' + d.items + ' items'));
      var meta = [];
      Object.keys(d.rejected).forEach(function (k) { meta.push(k + ': ' + d.rejected[k] + ' left out'); });
      var pk = Object.keys(d.principles);
      if (pk.length) meta.push('principles used: ' + pk.slice(0, 12).map(function (k) { return k + ' ×' + d.principles[k]; }).join(', ') + (pk.length > 12 ? ', …' : ''));
      if (meta.length) p.appendChild(el('p', { 'class': 'hint' }, meta.join(' · ')));
      d.examples.forEach(function (x) {
        var ex = el('div', { 'class': 'example' });
        ex.appendChild(el('div', { 'class': 'note' }, x.id + ' · ' + x.note));
        x.messages.forEach(function (m) {
          var md = el('div', { 'class': 'msg ' + m.role });
          md.appendChild(el('div', { 'class': 'role' }, m.role + (m.role === 'assistant' ? ' (trained towards)' : '')));
          md.appendChild(el('pre', null, m.content));
          ex.appendChild(md);
        });
        if (x.alternative) {
          var alt = el('div', { 'class': 'msg' });
          alt.appendChild(el('div', { 'class': 'role' }, 'trained away from'));
          alt.appendChild(el('pre', null, x.alternative));
          ex.appendChild(alt);
        }
        p.appendChild(ex);
      });
      box.appendChild(p);
    });
  }

  // ---- calls, tokens, cost, time per stage ----
  function initUsage() {
    var models = {};
    R.usage.forEach(function (u) { models[u.model] = 1; });
    var many = Object.keys(models).length > 1;
    // the model's short name under the stage: no provider prefix, no endpoint
    var labels = R.usage.map(function (u) { return many ? u.stage + '\n' + u.model.split('@')[0].replace(/^[a-z]+:/, '') : u.stage; });
    function bar(id, series, fmt) {
      var chart = makeChart(id);
      chart.setOption({
        animation: false,
        grid: { left: 70, right: 16, top: series.length > 1 ? 30 : 14, bottom: many ? 56 : 30 },
        legend: series.length > 1 ? { top: 0 } : undefined,
        tooltip: { trigger: 'axis', valueFormatter: fmt },
        xAxis: { type: 'category', data: labels, axisLabel: { interval: 0, fontSize: 11, lineHeight: 15 } },
        yAxis: { type: 'value' },
        series: series.map(function (s) { return { type: 'bar', stack: 'x', name: s[0], itemStyle: { color: s[2] }, data: R.usage.map(s[1]) }; })
      });
    }
    bar('chart-usage-calls', [['answered', function (u) { return u.calls; }, '#3b6fd4'], ['failed', function (u) { return u.failed; }, '#d64541']]);
    bar('chart-usage-tokens', [['input (not cached)', function (u) { return u.inputTokens - u.cachedTokens; }, '#3b6fd4'],
      ['input (cached)', function (u) { return u.cachedTokens; }, '#9db7ea'], ['output', function (u) { return u.outputTokens; }, '#6a4fbf']]);
    bar('chart-usage-cost', [['cost', function (u) { return +u.costUsd.toFixed(6); }, '#2e9d5b']], function (v) { return '$' + v; });
    bar('chart-usage-time', [['call time', function (u) { return +u.callSeconds.toFixed(2); }, '#d6793b']], function (v) { return v + ' s'; });
    var table = document.getElementById('usage-table');
    var head = el('tr');
    ['stage', 'model', 'calls', 'failed', 'input tokens', 'cached', 'output tokens', 'cost (USD)', 'call time (s)'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    table.appendChild(head);
    var rows = R.usage.slice();
    if (D.figures.usage) rows.push(Object.assign({ stage: 'all', model: '' }, D.figures.usage.total));
    rows.forEach(function (u) {
      var tr = el('tr');
      [u.stage, u.model, u.calls, u.failed, u.inputTokens, u.cachedTokens, u.outputTokens, u.costUsd.toFixed(4), u.callSeconds.toFixed(1)]
        .forEach(function (v) { tr.appendChild(el('td', null, v)); });
      table.appendChild(tr);
    });
  }

  window.addEventListener('resize', function () { Object.keys(charts).forEach(function (id) { charts[id].resize(); }); });
  // a small handle for people poking at the page in devtools, and for the browser test
  window.cai4jReport = { charts: charts, tabs: TABS.map(function (t) { return t[0]; }), showTab: showTab, drill: drill, state: state };
  if (TABS.length) showTab(TABS[0][0]);
})();
