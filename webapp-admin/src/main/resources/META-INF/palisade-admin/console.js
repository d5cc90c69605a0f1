// Refreshes the dashboard's figures from /api/v1/dashboard (the session cookie authenticates a GET).
(function () {
  var board = document.getElementById('dashboard');
  if (!board) { return; }
  var url = board.getAttribute('data-refresh');
  function set(id, value) {
    var el = document.getElementById(id);
    if (el && value !== undefined && value !== null) { el.textContent = String(value); }
  }
  function refresh() {
    fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) { return; }
        set('registrations', d.registrations);
        set('subscribers', d.subscribers);
        set('certificateDaysLeft', d.certificateDaysLeft);
        set('activeCalls', d.activeCalls);
        set('callsToday', d.callsToday);
        set('securityEventsLastHour', d.securityEventsLastHour);
        set('activeBans', d.activeBans);
        set('certificateNotAfter', d.certificateNotAfter);
        set('updatedAt', d.at);
      })
      .catch(function () { /* the next tick tries again */ });
  }
  setInterval(refresh, 5000);
})();
