/* SCORM runtime for the module page inside an LMS (packages made by `policysite export scorm`).
 *
 * Loaded before quiz.js. It runs in two steps:
 * 1. At once: find the LMS's API and decide whether this page is inside an LMS. The package's item
 *    `parameters` add `?scorm=1.2` or `?scorm=2004` to the launch URL; that edition's API is used
 *    first (`API` for 1.2, `API_1484_11` for 2004), then the other, each only if it has the functions
 *    of its edition (a 1.2 object under the 2004 name is used as the 1.2 object it is). The search is
 *    ADL's API discovery algorithm: this window, then its parents (at most 500 hops, ADL's bound),
 *    then the opener and its parents. Inside a package or an LMS, quiz.js keeps nothing in browser
 *    storage (`window.PolicysiteLms.storage === false`): on a shared computer one learner's answers,
 *    email or code must not reach the next learner's LMS record; the state comes from the LMS only
 *    (`cmi.suspend_data`, `cmi.location` / `cmi.core.lesson_location`).
 * 2. Once quiz.js has run: report what the quiz does: status, score, session time, the interactions
 *    of every check appended after those already recorded (within the data model's limits), the quiz
 *    revision (interaction and objective ids, suspend data), and resume data. Every call's return value
 *    and GetLastError are checked. In review or browse mode nothing about status, score or
 *    interactions is written. Launched from a package but with no usable API (or the LMS refusing the
 *    attempt), a visible notice says the LMS is not recording; the completion code still works.
 * The ordinary site (no `?scorm=` and no API) is left alone. */
(function () {
  'use strict';
  var MAX_HOPS = 500; // ADL's reference implementation gives up after 500 parents

  var m = /[?&]scorm=(1\.2|2004)(?:&|$)/.exec(window.location.search);
  var packaged = m ? m[1] : null;
  var crossOrigin = false;

  /* ADL: look in `win` and up its parents for `name`. A window of another origin cannot be read. */
  function scan(win, name) {
    for (var hops = 0; win && hops <= MAX_HOPS; hops++) {
      try {
        if (win[name]) return win[name];
      } catch (e) { crossOrigin = true; return null; }
      var parent;
      try { parent = win.parent; } catch (e) { crossOrigin = true; return null; }
      if (!parent || parent === win) return null;
      win = parent;
    }
    return null;
  }
  function discover(name) {
    var found = scan(window, name);
    if (!found) {
      var opener = null;
      try { opener = window.opener; } catch (e) { crossOrigin = true; }
      if (opener) found = scan(opener, name);
    }
    return found;
  }
  function has(o, fns) {
    if (!o) return false;
    for (var i = 0; i < fns.length; i++) if (typeof o[fns[i]] !== 'function') return false;
    return true;
  }
  // The functions an object must have to be used as that edition's API (GetErrorString and
  // GetDiagnostic are used when present).
  var FNS = {
    '2004': ['Initialize', 'Terminate', 'GetValue', 'SetValue', 'Commit', 'GetLastError'],
    '1.2': ['LMSInitialize', 'LMSFinish', 'LMSGetValue', 'LMSSetValue', 'LMSCommit', 'LMSGetLastError']
  };
  var objects = { API_1484_11: discover('API_1484_11'), API: discover('API') };
  // Candidates in order: the packaged edition's name first; each object used as the edition its
  // functions say, whatever name it was found under.
  var names = packaged === '1.2' ? ['API', 'API_1484_11'] : ['API_1484_11', 'API'];
  var api = null, edition = null;
  for (var i = 0; i < names.length && !api; i++) {
    var o = objects[names[i]];
    var want = names[i] === 'API' ? ['1.2', '2004'] : ['2004', '1.2'];
    for (var j = 0; j < want.length && !api; j++) if (has(o, FNS[want[j]])) { api = o; edition = want[j]; }
  }

  window.PolicysiteLms = { storage: !(packaged || api), edition: edition, packaged: packaged };
  if (!packaged && !api) return; // the ordinary site

  function start() {
    var Q = window.PolicysiteQuiz;
    if (!Q) return;
    var section = Q.form.closest('section') || Q.form.parentNode;
    var noticeEl = null;
    /* The visible notice: the LMS does not record (why), the code still counts. */
    function notice(why) {
      if (!noticeEl) {
        noticeEl = document.createElement('p');
        noticeEl.className = 'callout warning lms-notice';
        noticeEl.setAttribute('role', 'status');
        noticeEl.setAttribute('data-lms-notice', '');
        section.insertBefore(noticeEl, Q.form);
      }
      noticeEl.textContent = 'Your learning management system (LMS) is not recording this attempt: ' + why +
        ' You can still pass the quiz here and use the completion code it gives you in the account request.';
    }
    if (!api) {
      notice(crossOrigin
        ? 'this page is served from another address than the LMS, so it cannot reach the LMS.'
        : 'no SCORM ' + packaged + ' interface was found (the page may have been opened outside the LMS).');
      return;
    }

    var is2004 = edition === '2004';
    var F = is2004
      ? { init: 'Initialize', finish: 'Terminate', get: 'GetValue', set: 'SetValue', commit: 'Commit', err: 'GetLastError', text: 'GetErrorString', diag: 'GetDiagnostic' }
      : { init: 'LMSInitialize', finish: 'LMSFinish', get: 'LMSGetValue', set: 'LMSSetValue', commit: 'LMSCommit', err: 'LMSGetLastError', text: 'LMSGetErrorString', diag: 'LMSGetDiagnostic' };
    var K = is2004
      ? { mode: 'cmi.mode', location: 'cmi.location', suspend: 'cmi.suspend_data', session: 'cmi.session_time', exit: 'cmi.exit', raw: 'cmi.score.raw', min: 'cmi.score.min', max: 'cmi.score.max', response: 'learner_response', time: 'timestamp', wrong: 'incorrect' }
      : { mode: 'cmi.core.lesson_mode', location: 'cmi.core.lesson_location', suspend: 'cmi.suspend_data', session: 'cmi.core.session_time', exit: 'cmi.core.exit', raw: 'cmi.core.score.raw', min: 'cmi.core.score.min', max: 'cmi.core.score.max', response: 'student_response', time: 'time', wrong: 'wrong' };
    var INTERACTIONS_MAX = 250; // SCORM 2004's smallest permitted maximum; 1.2 LMSs are held to the same
    var problems = [];

    function raw(fn, args) {
      try { return api[F[fn]].apply(api, args); } catch (e) { return null; }
    }
    function lastError() {
      var code = raw('err', []);
      return code === null || code === undefined || code === '' ? '0' : String(code);
    }
    /* Note a refused call; `essential` ones (status, score, commit) make the notice visible. */
    function refused(what, code, essential) {
      var text = code !== '0' ? ' (error ' + code + ': ' + (raw('text', [code]) || 'no text') + ')' : '';
      problems.push(what + text);
      if (window.console) console.warn('policysite SCORM: the LMS refused ' + what + text);
      if (essential) notice('it refused ' + what + text + '.');
    }
    function get(k) {
      var v = raw('get', [k]);
      var code = lastError();
      if (code === '0') return v === null || v === undefined ? '' : String(v);
      // SCORM 2004 answers 403 ("value not initialized") for an element never set, such as
      // cmi.suspend_data on a first attempt: empty, not an error.
      if (!(is2004 && code === '403')) refused('GetValue(' + k + ')', code, false);
      return '';
    }
    function set(k, v, essential) {
      var r = raw('set', [k, String(v)]);
      if (String(r) === 'true') return true;
      refused('SetValue(' + k + ', ' + String(v).slice(0, 40) + ')', lastError(), essential);
      return false;
    }
    function commit() {
      if (String(raw('commit', [''])) === 'true') return true;
      refused('Commit', lastError(), true);
      return false;
    }

    if (String(raw('init', [''])) !== 'true') {
      notice('it did not start the session (' + F.init + ' failed, error ' + lastError() + ').');
      return;
    }
    var started = Date.now();
    var finished = false;
    var mode = get(K.mode) || 'normal';
    var recording = mode === 'normal';
    if (!recording) notice('the LMS opened it in ' + mode + ' mode, so results are not recorded.');

    // Links and the search form lead to other pages of the package: they open beside the SCO, so the
    // LMS session (which ends when this page goes away) stays open.
    document.querySelectorAll('a[href]').forEach(function (a) {
      var h = a.getAttribute('href');
      if (h.charAt(0) !== '#' && !/^mailto:/i.test(h)) { a.target = '_blank'; a.rel = 'noopener'; }
    });
    document.querySelectorAll('form[action]').forEach(function (f) { f.target = '_blank'; });

    // Resume: the suspend data holds this revision's answers in progress (or its pass), the location
    // the last question. Another revision's data (a package replaced by the next revision) is ignored:
    // its pass is not a pass of this revision.
    var suspend = null;
    try { suspend = JSON.parse(get(K.suspend) || 'null'); } catch (e) { suspend = null; }
    var mine = suspend && suspend.quiz === Q.quiz && suspend.revision === Q.revision;
    var passed = !!(mine && suspend.passed);
    if (mine && suspend.answers) {
      Q.restore(suspend.answers);
      Q.show(get(K.location));
    }
    if (recording && !passed) {
      if (is2004) {
        var c = get('cmi.completion_status');
        if (c === 'unknown' || c === 'not attempted' || c === '') set('cmi.completion_status', 'incomplete', true);
      } else {
        var s = get('cmi.core.lesson_status');
        if (s === 'not attempted' || s === '') set('cmi.core.lesson_status', 'incomplete', true);
      }
      commit();
    }

    function keep(answers, last) {
      set(K.suspend, JSON.stringify({ v: 1, quiz: Q.quiz, revision: Q.revision, answers: answers }), false);
      if (last) set(K.location, last, false);
    }

    /* Option numbers "0,2" → the interaction's response format. */
    function response(kind, answer) {
      if (kind === 'true_false') return is2004 ? answer : answer.charAt(0); // 1.2: t / f
      var letters = answer.split(',').map(function (n) { return String.fromCharCode(97 + Number(n)); });
      return letters.join(is2004 ? '[,]' : ',');
    }
    function two(n) { return (n < 10 ? '0' : '') + n; }
    function stamp() {
      var d = new Date();
      if (is2004) return d.toISOString().slice(0, 22) + 'Z'; // 2026-11-20T10:45:01.23Z
      return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
    }

    /* Append this check's answers after the interactions already recorded (1.2's interactions are
     * write-only: the index comes from _count). When the data model is full, nothing more is added. */
    var full = false;
    function appendInteractions(results) {
      var n = parseInt(get('cmi.interactions._count'), 10);
      if (!(n >= 0)) n = 0;
      if (n + results.length > INTERACTIONS_MAX) {
        if (!full) refused('more interactions: ' + n + ' are recorded, at most ' + INTERACTIONS_MAX + ' are kept', '0', false);
        full = true;
        return;
      }
      var when = stamp();
      results.forEach(function (r, q) {
        var p = 'cmi.interactions.' + (n + q) + '.';
        if (!set(p + 'id', Q.quiz + '.r' + Q.revision + '.' + r.id, false)) return;
        set(p + 'type', r.kind === 'true_false' ? 'true-false' : 'choice', false);
        set(p + K.time, when, false);
        if (is2004) set(p + 'description', 'Question ' + (q + 1) + ' of ' + Q.quiz + ', revision ' + Q.revision, false);
        if (r.answer !== null) set(p + K.response, response(r.kind, r.answer), false);
        set(p + 'result', r.correct ? 'correct' : K.wrong, false);
        // The page holds no answer key; once an answer is right it is the correct response pattern.
        if (r.correct) set(p + 'correct_responses.0.pattern', response(r.kind, r.answer), false);
      });
    }

    Q.form.addEventListener('policysite:answers', function (ev) {
      if (passed || !recording) return;
      keep(ev.detail.answers, ev.detail.last);
      commit();
    });

    Q.form.addEventListener('policysite:checked', function (ev) {
      if (passed || !recording) return; // a passing record is kept; review and browse record nothing
      var d = ev.detail;
      appendInteractions(d.results);
      var pct = Math.round(100 * d.right / d.total);
      set(K.min, 0, false);
      set(K.max, 100, false);
      set(K.raw, pct, true);
      set('cmi.objectives.0.id', Q.quiz + '-revision-' + Q.revision, false);
      if (is2004) {
        set('cmi.score.scaled', (d.right / d.total).toFixed(4).replace(/\.?0+$/, '') || '0', true);
        set('cmi.success_status', d.passed ? 'passed' : 'failed', true);
        set('cmi.completion_status', d.passed ? 'completed' : 'incomplete', true);
        set('cmi.objectives.0.success_status', d.passed ? 'passed' : 'failed', false);
        set('cmi.objectives.0.completion_status', d.passed ? 'completed' : 'incomplete', false);
      } else {
        set('cmi.core.lesson_status', d.passed ? 'passed' : 'failed', true);
        set('cmi.objectives.0.status', d.passed ? 'passed' : 'failed', false);
        set('cmi.objectives.0.score.raw', pct, false);
      }
      if (d.passed) {
        passed = true;
        set(K.suspend, JSON.stringify({ v: 1, quiz: Q.quiz, revision: Q.revision, passed: true }), false);
      } else {
        keep(Q.answers(), null);
      }
      commit();
    });

    function sessionTime() {
      var s = Math.max(0, (Date.now() - started) / 1000);
      var h = Math.floor(s / 3600), mi = Math.floor((s % 3600) / 60), sec = s % 60;
      if (is2004) return 'PT' + h + 'H' + mi + 'M' + sec.toFixed(2).replace(/\.?0+$/, '') + 'S';
      return two(h) + ':' + two(mi) + ':' + two(Math.floor(sec)) + '.' + two(Math.floor((sec % 1) * 100));
    }
    function finish() {
      if (finished) return;
      finished = true;
      if (recording) {
        set(K.session, sessionTime(), false);
        set(K.exit, passed ? (is2004 ? 'normal' : '') : 'suspend', false);
        commit();
      }
      if (String(raw('finish', [''])) !== 'true') refused(F.finish, lastError(), false);
    }
    window.addEventListener('pagehide', finish);
    window.addEventListener('beforeunload', finish);
    window.PolicysiteLms.problems = problems;
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
