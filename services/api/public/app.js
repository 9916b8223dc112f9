// Dashboard: login, fleet view, account page, alert inbox. Plain ES modules, no build step.
/* global document, window, location, EventSource, FormData, setTimeout, clearTimeout */
import { api, ApiFailure } from './api.js';
import { COLORS, emptyNote, lineChart } from './charts.js';
import { currentLang, formatNumber, formatTime, localName, setLang, t, translate } from './i18n.js';

const DAY_S = 86_400;
const SLOT_S = 900; // 15-minute load curve, 96 points a day (domain.md §6)
const CST_OFFSET_S = 8 * 3600;
const STAFF_ACTIONS = ['dispatcher', 'account_manager', 'ops', 'admin'];
const RESOLVERS = ['dispatcher', 'account_manager', 'admin'];

const state = { me: null, stream: null, view: null, fleet: null, account: null };
const $view = () => document.getElementById('view');

const esc = (v) =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

function localDayStartS(nowMs = Date.now()) {
  const local = Math.floor(nowMs / 1000) + CST_OFFSET_S;
  return Math.floor(local / DAY_S) * DAY_S - CST_OFFSET_S;
}

// ---- start-up, login, routing -------------------------------------------------------------------

async function boot() {
  setLang(currentLang());
  document.getElementById('lang-toggle').addEventListener('click', () => {
    setLang(currentLang() === 'zh' ? 'en' : 'zh');
    renderChrome();
    route();
  });
  document.getElementById('logout').addEventListener('click', logout);
  window.addEventListener('hashchange', route);
  try {
    state.me = await api('/api/me');
  } catch {
    state.me = null;
  }
  route();
}

function renderChrome() {
  const bar = document.getElementById('topbar');
  bar.hidden = !state.me;
  document.getElementById('lang-toggle').textContent = currentLang() === 'zh' ? 'EN' : '中文';
  if (state.me) {
    document.getElementById('user-name').textContent =
      `${state.me.displayName || state.me.username} · ${state.me.role}`;
    for (const el of bar.querySelectorAll('[data-staff-only]')) el.hidden = state.me.role === 'customer';
  }
  translate(bar);
  document.title = t('app.title');
}

function route() {
  renderChrome();
  if (!state.me) return renderLogin();
  openStream();
  const hash = location.hash || '#/fleet';
  for (const a of document.querySelectorAll('[data-nav]'))
    a.classList.toggle('active', hash.startsWith(`#/${a.dataset.nav}`));
  const account = /^#\/accounts\/(\d+)/.exec(hash);
  if (account) return renderAccount(Number(account[1]));
  if (hash.startsWith('#/inbox')) return renderInbox();
  return renderFleet();
}

function renderLogin() {
  closeStream();
  state.view = 'login';
  $view().innerHTML = `
    <section class="login">
      <form class="login-card" id="login-form" autocomplete="on">
        <div class="login-brand"><span class="brand-mark">⚡</span><div>
          <h1 data-i18n="app.title"></h1><p class="muted" data-i18n="login.subtitle"></p></div></div>
        <label><span data-i18n="login.username"></span><input name="username" autocomplete="username" required /></label>
        <label><span data-i18n="login.password"></span>
          <input name="password" type="password" autocomplete="current-password" required /></label>
        <p class="form-error" id="login-error" role="alert" hidden></p>
        <button class="primary" type="submit" data-i18n="login.submit"></button>
        <button class="link lang-inline" type="button" id="login-lang">${currentLang() === 'zh' ? 'English' : '中文'}</button>
      </form>
    </section>`;
  translate($view());
  document.getElementById('login-lang').addEventListener('click', () => {
    setLang(currentLang() === 'zh' ? 'en' : 'zh');
    renderLogin();
  });
  document.getElementById('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    const error = document.getElementById('login-error');
    try {
      const res = await api('/api/auth/login', {
        method: 'POST',
        body: { username: form.get('username'), password: form.get('password') },
      });
      state.me = { ...res.user };
      if (!localStorageHasLang()) setLang(res.user.locale);
      location.hash =
        state.me.role === 'customer' && state.me.accountId ? `#/accounts/${state.me.accountId}` : '#/fleet';
      route();
    } catch (err) {
      error.hidden = false;
      error.textContent = err instanceof ApiFailure && err.status === 429 ? t('login.throttled') : t('login.failed');
    }
  });
}

function localStorageHasLang() {
  try {
    return window.localStorage.getItem('kam.lang') !== null;
  } catch {
    return false;
  }
}

async function logout() {
  await api('/api/auth/logout', { method: 'POST' }).catch(() => null);
  state.me = null;
  location.hash = '#/login';
  route();
}

// ---- live stream -----------------------------------------------------------------------------------

function openStream() {
  if (state.stream) return;
  const source = new EventSource('/api/stream');
  const dot = document.getElementById('live-dot');
  source.addEventListener('ready', () => dot.classList.add('on'));
  source.addEventListener('error', () => dot.classList.remove('on'));
  source.addEventListener('reading', (e) => onReading(JSON.parse(e.data)));
  source.addEventListener('alert', (e) => onAlert(JSON.parse(e.data)));
  state.stream = source;
}

function closeStream() {
  state.stream?.close();
  state.stream = null;
  document.getElementById('live-dot')?.classList.remove('on');
}

function onReading(r) {
  if (r.powerKw === undefined || r.powerKw === null) return;
  const accounts = state.view === 'fleet' ? state.fleet?.accounts : state.view === 'account' ? [state.account] : [];
  for (const a of accounts ?? []) {
    if (!a || a.id !== r.accountId) continue;
    const meter = a.meters.find((m) => m.id === r.meterId);
    if (!meter) continue;
    meter.powerKw = r.powerKw;
    meter.ts = r.ts;
    // sub-meters are shown but not added: their energy is already in the incomer's
    a.liveLoadKw = a.meters.reduce((s, m) => s + (m.inAccountTotal ? (m.powerKw ?? 0) : 0), 0);
    const el = document.querySelector(`[data-live-load="${a.id}"]`);
    if (el) {
      el.textContent = formatNumber(a.liveLoadKw);
      el.classList.remove('flash');
      void el.offsetWidth; // restart the highlight animation
      el.classList.add('flash');
    }
    const util = document.querySelector(`[data-utilisation="${a.id}"]`);
    if (util) util.textContent = utilisation(a);
  }
}

let alertReload;
function onAlert() {
  clearTimeout(alertReload);
  alertReload = setTimeout(() => {
    if (state.view === 'fleet') refreshFleetBadges();
    else if (state.view === 'account' && state.account) renderAlerts(state.account.id);
    else if (state.view === 'inbox') renderInbox();
  }, 300);
}

// ---- fleet view --------------------------------------------------------------------------------------

function utilisation(a) {
  if (a.liveLoadKw === null || a.liveLoadKw === undefined) return '—';
  return `${formatNumber((a.liveLoadKw / a.contractedCapacityKva) * 100, 0)} %`;
}

function badges(alerts) {
  return ['critical', 'major', 'minor', 'info']
    .filter((s) => alerts[s] > 0)
    .map((s) => `<span class="badge sev-${s}" title="${esc(t(`sev.${s}`))}">${esc(t(`sev.${s}`))} ${alerts[s]}</span>`)
    .join('');
}

async function renderFleet() {
  state.view = 'fleet';
  const data = await api('/api/fleet/overview');
  if (state.view !== 'fleet') return;
  state.fleet = data;
  $view().innerHTML = `
    <div class="page-head"><h1>${esc(t('fleet.title'))}</h1>
      <span class="muted">${data.accounts.length} ${esc(t('fleet.accounts'))} · ${esc(formatTime(data.generatedAt))}</span></div>
    <div class="legend-inline"><span class="swatch" style="background:${COLORS.today}"></span>${esc(t('fleet.today'))}
      <span class="swatch" style="background:${COLORS.yesterday}"></span>${esc(t('fleet.yesterday'))}
      <span class="swatch dashed" style="border-color:${COLORS.capacity}"></span>${esc(t('fleet.capacity'))} (kVA)</div>
    <div class="grid">${data.accounts.map(fleetCard).join('')}</div>`;
  for (const a of data.accounts) {
    const el = document.querySelector(`[data-chart="${a.id}"]`);
    drawDayChart(el, a, data, { compact: true, height: 120 });
  }
  for (const card of document.querySelectorAll('.card[data-account]')) {
    card.addEventListener('click', () => (location.hash = `#/accounts/${card.dataset.account}`));
  }
}

function fleetCard(a) {
  return `
    <article class="card" data-account="${a.id}" tabindex="0">
      <header class="card-head">
        <div><h2 title="${esc(a.name)}">${esc(localName(a.name))}</h2>
          <div class="muted small">${esc(a.code)} · ${esc(t('fleet.manager'))} ${esc(localName(a.managerName))}</div></div>
        <span class="tier tier-${esc(a.tier)}">${esc(t(`tier.${a.tier}`))}</span>
      </header>
      <div class="live-row">
        <div><div class="muted small">${esc(t('fleet.live'))}</div>
          <div class="live"><span class="live-value" data-live-load="${a.id}" data-testid="live-load">${formatNumber(a.liveLoadKw)}</span>
          <span class="unit">kW</span></div></div>
        <div class="right"><div class="muted small">${esc(t('fleet.utilisation'))}</div>
          <div class="util" data-utilisation="${a.id}">${utilisation(a)}</div>
          <div class="muted small">${esc(t('fleet.capacity'))} ${formatNumber(a.contractedCapacityKva)} kVA</div></div>
      </div>
      <div class="chart small-chart" data-chart="${a.id}"></div>
      <footer class="card-foot">
        <span>${esc(t('fleet.max'))} <b>${formatNumber(a.todayMaxKw)}</b> kW</span>
        <span>${esc(t('fleet.min'))} <b>${formatNumber(a.todayMinKw)}</b> kW</span>
        <span class="badges" data-badges="${a.id}">${badges(a.alerts)}</span>
      </footer>
    </article>`;
}

async function refreshFleetBadges() {
  const data = await api('/api/fleet/overview');
  if (state.view !== 'fleet') return;
  for (const a of data.accounts) {
    const el = document.querySelector(`[data-badges="${a.id}"]`);
    if (el) el.innerHTML = badges(a.alerts);
  }
}

/** Today's 15-minute curve against yesterday's on one time-of-day axis, with the contracted capacity. */
function drawDayChart(el, a, data, { compact, height }) {
  if (!el) return;
  const today = Date.parse(data.today) / 1000;
  const x = Array.from({ length: 96 }, (_, i) => today + i * SLOT_S);
  const slot = (iso, base) => Math.round((Date.parse(iso) / 1000 - base) / SLOT_S);
  const todayV = new Array(96).fill(null);
  const yestV = new Array(96).fill(null);
  for (const p of a.today) {
    const i = slot(p.ts, today);
    if (i >= 0 && i < 96) todayV[i] = p.powerKw;
  }
  for (const p of a.yesterday) {
    const i = slot(p.ts, today - DAY_S);
    if (i >= 0 && i < 96) yestV[i] = p.powerKw;
  }
  if (a.today.length === 0 && a.yesterday.length === 0) return emptyNote(el, t('fleet.noData'));
  lineChart(el, {
    x,
    height,
    compact,
    yLabel: 'kW',
    series: [
      { label: t('fleet.yesterday'), values: yestV, color: COLORS.yesterday, width: 1.5 },
      { label: t('fleet.today'), values: todayV, color: COLORS.today, fill: 'rgba(31,111,235,0.08)' },
      {
        label: `${t('fleet.capacity')} (kVA)`,
        values: x.map(() => a.contractedCapacityKva),
        color: COLORS.capacity,
        dash: [6, 4],
        width: 1,
      },
    ],
  });
}

// ---- account page ------------------------------------------------------------------------------------

async function renderAccount(accountId) {
  state.view = 'account';
  let account;
  try {
    account = await api(`/api/accounts/${accountId}`);
  } catch (err) {
    $view().innerHTML = `<div class="page-head"><h1>${esc(err.message)}</h1></div>`;
    return;
  }
  const overview = await api('/api/fleet/overview');
  if (state.view !== 'account') return;
  const live = overview.accounts.find((a) => a.id === accountId);
  state.account = { ...account, ...(live ?? {}), meters: live?.meters ?? [] };
  const main = account.meters[0];
  const isCustomer = state.me.role === 'customer';
  $view().innerHTML = `
    <div class="page-head">
      ${isCustomer ? '' : `<a class="back" href="#/fleet">← ${esc(t('account.back'))}</a>`}
      <h1 data-testid="account-name">${esc(localName(account.name))}</h1>
      <span class="tier tier-${esc(account.tier)}">${esc(t(`tier.${account.tier}`))}</span>
      <span class="muted">${esc(account.code)}</span>
      <span class="muted small reason" title="${esc(t('account.reason'))}">${esc(account.classificationReason)}</span>
    </div>
    <section class="facts">
      ${fact(t('fleet.live'), `<span data-live-load="${account.id}">${formatNumber(state.account.liveLoadKw)}</span> kW`)}
      ${fact(t('fleet.capacity'), `${formatNumber(account.contractedCapacityKva)} kVA`)}
      ${fact(t('fleet.max'), `${formatNumber(live?.todayMaxKw)} kW`)}
      ${fact(t('fleet.min'), `${formatNumber(live?.todayMinKw)} kW`)}
      ${fact(t('account.supply'), `${formatNumber(account.supplyVoltageKv, 0)} kV${account.dualSupply ? ` · ${esc(t('account.dual'))}` : ''}`)}
      ${fact(t('account.industry'), esc(account.industry))}
      ${fact(t('fleet.manager'), esc(localName(account.manager.name)))}
    </section>
    <div class="two-col">
      <section class="panel wide">
        <div class="panel-head"><h2>${esc(t('account.loadCurve'))}</h2>
          <a class="button" id="csv-link" download>${esc(t('account.csv'))}</a></div>
        <div class="chart" id="load-chart"></div>
      </section>
      <section class="panel">
        <div class="panel-head"><h2>${esc(t('account.tou'))}</h2></div>
        <div id="tou"></div>
      </section>
    </div>
    <section class="panel">
      <div class="panel-head"><h2>${esc(t('account.voltage'))}</h2>
        <label class="select">${esc(t('account.meter'))}
          <select id="meter-select">${account.meters.map((m) => `<option value="${m.id}">${esc(m.name || m.code)}</option>`).join('')}</select>
        </label></div>
      <div class="chart" id="voltage-chart"></div>
      <div class="chart" id="pf-chart"></div>
    </section>
    <section class="panel">
      <div class="panel-head"><h2>${esc(t('account.alerts'))}</h2></div>
      <div id="alerts"></div>
    </section>
    <div class="two-col even">
      <section class="panel"><div class="panel-head"><h2>${esc(t('account.meters'))}</h2></div>${metersTable(account.meters)}</section>
      <section class="panel"><div class="panel-head"><h2>${esc(t('account.records'))}</h2></div><div id="records"></div></section>
    </div>`;
  drawDayChart(document.getElementById('load-chart'), state.account, overview, { compact: false, height: 260 });
  const today = new Date(localDayStartS() * 1000).toISOString();
  document.getElementById('csv-link').href =
    `/api/accounts/${account.id}/load?resolution=15m&format=csv&from=${encodeURIComponent(today)}`;
  const select = document.getElementById('meter-select');
  select.addEventListener('change', () => drawMeterCharts(Number(select.value)));
  if (main) void drawMeterCharts(main.id);
  void renderTou(account.id);
  void renderAlerts(account.id);
  void renderRecords(account.id);
}

const fact = (label, html) =>
  `<div class="fact"><div class="muted small">${esc(label)}</div><div class="fact-value">${html}</div></div>`;

function metersTable(meters) {
  return `<table class="table"><thead><tr><th>${esc(t('meter.code'))}</th><th>${esc(t('meter.name'))}</th>
    <th>${esc(t('meter.status'))}</th><th>${esc(t('meter.lastSeen'))}</th><th class="num">${esc(t('meter.completeness'))}</th></tr></thead>
    <tbody>${meters
      .map(
        (m) => `<tr><td class="mono">${esc(m.code)}</td><td>${esc(m.name)}</td>
          <td><span class="status status-${esc(m.commState)}">${esc(t(`comm.${m.commState}`))}</span></td>
          <td>${esc(formatTime(m.lastSeenAt))}</td>
          <td class="num">${m.completenessToday.rate === null ? '—' : `${formatNumber(m.completenessToday.rate * 100, 1)} %`}</td></tr>`,
      )
      .join('')}</tbody></table>`;
}

async function drawMeterCharts(meterId) {
  const from = new Date(localDayStartS() * 1000).toISOString();
  const [meter, v, q] = await Promise.all([
    api(`/api/meters/${meterId}`),
    api(`/api/meters/${meterId}/load?resolution=1m&from=${encodeURIComponent(from)}`),
    api(`/api/meters/${meterId}/load?resolution=15m&from=${encodeURIComponent(from)}`),
  ]);
  const vEl = document.getElementById('voltage-chart');
  const pfEl = document.getElementById('pf-chart');
  if (!vEl || !pfEl) return;
  const lim = meter.voltageLimits;
  const x = v.points.map((p) => Date.parse(p.ts) / 1000);
  if (x.length === 0) emptyNote(vEl, t('fleet.noData'));
  else {
    const line = lim.basis === 'line';
    lineChart(vEl, {
      x,
      height: 220,
      yLabel: 'V',
      series: [
        { label: line ? 'Uab' : 'Ua', values: v.points.map((p) => p.voltageAAvgV), color: COLORS.a },
        { label: line ? 'Ubc' : 'Ub', values: v.points.map((p) => p.voltageBAvgV), color: COLORS.b },
        { label: line ? 'Uca' : 'Uc', values: v.points.map((p) => p.voltageCAvgV), color: COLORS.c },
        {
          label: `${t('account.upper')} +${lim.upperPct}%`,
          values: x.map(() => lim.upperV),
          color: COLORS.limit,
          dash: [6, 4],
          width: 1,
        },
        {
          label: `${t('account.lower')} −${lim.lowerPct}%`,
          values: x.map(() => lim.lowerV),
          color: COLORS.limit,
          dash: [6, 4],
          width: 1,
        },
      ],
    });
  }
  const xq = q.points.map((p) => Date.parse(p.ts) / 1000);
  if (xq.length === 0) emptyNote(pfEl, t('fleet.noData'));
  else {
    const target = state.account?.pfTarget ?? 0.9;
    lineChart(pfEl, {
      x: xq,
      height: 160,
      yLabel: 'PF',
      yRange: [Math.min(0.6, ...q.points.map((p) => p.pfAvg ?? 1)), 1],
      series: [
        { label: 'PF', values: q.points.map((p) => p.pfAvg), color: COLORS.pf },
        {
          label: `${t('account.target')} ${target}`,
          values: xq.map(() => target),
          color: COLORS.capacity,
          dash: [6, 4],
          width: 1,
        },
      ],
    });
  }
}

async function renderTou(accountId) {
  const data = await api(`/api/accounts/${accountId}/energy-tou`);
  const el = document.getElementById('tou');
  if (!el) return;
  const total = data.periods.reduce((s, p) => s + p.energyKwh, 0);
  if (total === 0) return void (el.innerHTML = `<p class="muted">${esc(t('fleet.noData'))}</p>`);
  el.innerHTML = `<div class="tou-total"><span class="muted small">${esc(t('account.energyToday'))}</span>
      <b>${formatNumber(total)}</b> kWh</div>
    ${data.periods
      .map(
        (p) => `<div class="tou-row"><span class="tou-label">${esc(t(`tou.${p.period}`))}</span>
          <span class="tou-bar"><span class="tou-fill tou-${esc(p.period)}" style="width:${((p.energyKwh / total) * 100).toFixed(1)}%"></span></span>
          <span class="num">${formatNumber(p.energyKwh)} kWh</span></div>`,
      )
      .join('')}`;
}

// ---- alerts -------------------------------------------------------------------------------------------

function alertRows(items, { showAccount }) {
  if (items.length === 0) return `<p class="muted empty">${esc(t('alert.none'))}</p>`;
  const canAck = STAFF_ACTIONS.includes(state.me.role);
  const canResolve = RESOLVERS.includes(state.me.role);
  return `<table class="table alerts"><thead><tr><th>${esc(t('alert.severity'))}</th>
      ${showAccount ? `<th>${esc(t('alert.account'))}</th>` : ''}<th>${esc(t('alert.kind'))}</th><th>${esc(t('account.meter'))}</th>
      <th>${esc(t('alert.openedAt'))}</th><th>${esc(t('alert.state'))}</th><th></th></tr></thead><tbody>
    ${items
      .map(
        (a) => `<tr data-alert="${a.id}" data-state="${esc(a.state)}">
          <td><span class="badge sev-${esc(a.severity)}">${esc(t(`sev.${a.severity}`))}</span></td>
          ${showAccount ? `<td><a href="#/accounts/${a.accountId}">${esc(localName(a.accountName))}</a></td>` : ''}
          <td>${esc(t(`kind.${a.kind}`))}${a.phase ? ` · ${esc(a.phase)}` : ''}</td>
          <td class="mono">${esc(a.meterCode)}</td>
          <td>${esc(formatTime(a.openedAt))}</td>
          <td><span class="state state-${esc(a.state)}" data-testid="alert-state">${esc(t(`state.${a.state}`))}</span>
            ${a.acknowledgedBy ? `<div class="muted small">${esc(a.acknowledgedBy.replace(/^user:/, ''))}</div>` : ''}</td>
          <td class="actions">
            ${canAck && a.state === 'open' ? `<button data-action="ack" data-id="${a.id}">${esc(t('alert.ack'))}</button>` : ''}
            ${canAck ? `<button data-action="comment" data-id="${a.id}">${esc(t('alert.comment'))}</button>` : ''}
            ${canResolve ? `<button data-action="resolve" data-id="${a.id}">${esc(t('alert.resolve'))}</button>` : ''}
          </td></tr>`,
      )
      .join('')}</tbody></table>`;
}

function bindAlertActions(container, reload) {
  container.addEventListener('click', async (e) => {
    const button = e.target.closest('button[data-action]');
    if (!button) return;
    const id = button.dataset.id;
    const action = button.dataset.action;
    if (action === 'ack') {
      button.disabled = true;
      await api(`/api/alerts/${id}/acknowledge`, { method: 'POST', body: {} }).catch(showError);
      return reload();
    }
    const row = button.closest('tr');
    if (row.nextElementSibling?.classList.contains('note-row')) row.nextElementSibling.remove();
    const noteRow = document.createElement('tr');
    noteRow.className = 'note-row';
    const cols = row.children.length;
    noteRow.innerHTML = `<td colspan="${cols}"><form class="note-form"><input name="note" required maxlength="4000"
        placeholder="${esc(t(action === 'comment' ? 'alert.commentPrompt' : 'alert.resolvePrompt'))}" />
        <button class="primary" type="submit">${esc(t(action === 'comment' ? 'alert.comment' : 'alert.resolve'))}</button></form></td>`;
    row.after(noteRow);
    const form = noteRow.querySelector('form');
    form.note.focus();
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const note = form.note.value;
      const path = action === 'comment' ? `/api/alerts/${id}/comments` : `/api/alerts/${id}/resolve`;
      await api(path, { method: 'POST', body: { note } }).catch(showError);
      reload();
    });
  });
}

function showError(err) {
  window.alert(`${t('error.generic')}: ${err.message}`);
}

async function renderAlerts(accountId) {
  const el = document.getElementById('alerts');
  if (!el) return;
  const data = await api(`/api/alerts?accountId=${accountId}&state=open,acknowledged&limit=100`);
  el.innerHTML = alertRows(data.items, { showAccount: false });
  if (!el.dataset.bound) {
    el.dataset.bound = '1';
    bindAlertActions(el, () => renderAlerts(accountId));
  }
}

async function renderRecords(accountId) {
  const el = document.getElementById('records');
  if (!el) return;
  try {
    const data = await api(`/api/accounts/${accountId}/service-records?limit=10`);
    el.innerHTML =
      data.items.length === 0
        ? `<p class="muted empty">${esc(t('records.none'))}</p>`
        : `<ul class="records">${data.items
            .map(
              (r) => `<li><span class="record-kind">${esc(t(`record.${r.kind}`))}</span>
                <span class="muted small">${esc(formatTime(r.occurredAt))}</span><div>${esc(r.summary)}</div></li>`,
            )
            .join('')}</ul>`;
  } catch {
    el.innerHTML = '';
  }
}

async function renderInbox() {
  state.view = 'inbox';
  const data = await api('/api/alerts?state=open,acknowledged&limit=200');
  if (state.view !== 'inbox') return;
  $view().innerHTML = `<div class="page-head"><h1>${esc(t('inbox.title'))}</h1>
      <span class="muted">${esc(t('inbox.all'))} · ${data.items.length}</span></div>
    <section class="panel" id="inbox">${alertRows(data.items, { showAccount: true })}</section>`;
  bindAlertActions(document.getElementById('inbox'), renderInbox);
}

void boot();
