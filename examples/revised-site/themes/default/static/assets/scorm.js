/* SCORM runtime for the module page inside an LMS (packages made by `policysite export scorm`).
 * It finds the LMS's API by the standard search (this window's parents, then the opener's), API_1484_11
 * for SCORM 2004 or API for SCORM 1.2, and reports what quiz.js does: status, score, session time, one
 * interaction per question, the quiz revision (in the interaction and objective ids), and suspend data
 * so a learner who leaves half-way resumes where they were. It commits after each change and check,
 * and terminates once when the page goes away. Without an API (the ordinary site) it does nothing. */
(function () {
  'use strict';
  var Q = window.PolicysiteQuiz;
  if (!Q) return;

  function search(win, name) {
    for (var hops = 0; win && hops < 10; hops++) {
      try { if (win[name]) return win[name]; } catch (e) { return null; } // another origin: stop
      if (!win.parent || win.parent === win) break;
      win = win.parent;
    }
    return null;
  }
  function find(name) {
    var api = search(window.parent !== window ? window.parent : null, name);
    if (!api) { try { api = window.opener ? search(window.opener, name) : null; } catch (e) { api = null; } }
    return api;
  }
  var a2004 = find('API_1484_11');
  var a12 = a2004 ? null : find('API');
  if (!a2004 && !a12) return;

  /* One vocabulary for both editions. */
  var lms = a2004 ? {
    v: '2004',
    init: function () { return a2004.Initialize('') === 'true'; },
    get: function (k) { return a2004.GetValue(k); },
    set: function (k, v) { return a2004.SetValue(k, String(v)); },
    commit: function () { return a2004.Commit(''); },
    finish: function () { return a2004.Terminate(''); },
    K: { entry: 'cmi.entry', location: 'cmi.location', suspend: 'cmi.suspend_data', session: 'cmi.session_time', exit: 'cmi.exit', raw: 'cmi.score.raw', min: 'cmi.score.min', max: 'cmi.score.max', response: 'learner_response' },
    wrong: 'incorrect'
  } : {
    v: '1.2',
    init: function () { return a12.LMSInitialize('') === 'true'; },
    get: function (k) { return a12.LMSGetValue(k); },
    set: function (k, v) { return a12.LMSSetValue(k, String(v)); },
    commit: function () { return a12.LMSCommit(''); },
    finish: function () { return a12.LMSFinish(''); },
    K: { entry: 'cmi.core.entry', location: 'cmi.core.lesson_location', suspend: 'cmi.suspend_data', session: 'cmi.core.session_time', exit: 'cmi.core.exit', raw: 'cmi.core.score.raw', min: 'cmi.core.score.min', max: 'cmi.core.score.max', response: 'student_response' },
    wrong: 'wrong'
  };
  if (!lms.init()) return;
  var started = Date.now();
  var finished = false;
  var passed = false;

  // Links and the search form lead to other pages of the package: they open beside the SCO, so the
  // LMS session (which ends when this page goes away) stays open.
  document.querySelectorAll('a[href]').forEach(function (a) {
    var h = a.getAttribute('href');
    if (h.charAt(0) !== '#' && !/^mailto:/i.test(h)) { a.target = '_blank'; a.rel = 'noopener'; }
  });
  document.querySelectorAll('form[action]').forEach(function (f) { f.target = '_blank'; });

  function status() {
    return lms.v === '2004' ? lms.get('cmi.success_status') : lms.get('cmi.core.lesson_status');
  }
  passed = status() === 'passed';
  if (lms.v === '2004') {
    var c = lms.get('cmi.completion_status');
    if (c === 'unknown' || c === 'not attempted' || c === '') lms.set('cmi.completion_status', 'incomplete');
  } else {
    var s = lms.get('cmi.core.lesson_status');
    if (s === 'not attempted' || s === '') lms.set('cmi.core.lesson_status', 'incomplete');
  }

  // Resume: the suspend data holds this revision's answers in progress, the location the last question.
  var suspend = null;
  try { suspend = JSON.parse(lms.get(lms.K.suspend) || 'null'); } catch (e) { suspend = null; }
  if (suspend && suspend.quiz === Q.quiz && suspend.revision === Q.revision && suspend.answers) {
    Q.restore(suspend.answers);
    Q.show(lms.get(lms.K.location));
  }
  lms.commit();

  function keep(answers, last) {
    lms.set(lms.K.suspend, JSON.stringify({ v: 1, quiz: Q.quiz, revision: Q.revision, answers: answers }));
    if (last) lms.set(lms.K.location, last);
  }

  /* Option numbers "0,2" → the interaction's response format. */
  function response(kind, answer) {
    if (kind === 'true_false') return lms.v === '2004' ? answer : answer.charAt(0); // 1.2: t / f
    var letters = answer.split(',').map(function (n) { return String.fromCharCode(97 + Number(n)); });
    return letters.join(lms.v === '2004' ? '[,]' : ',');
  }

  Q.form.addEventListener('policysite:answers', function (ev) {
    if (passed) return;
    keep(ev.detail.answers, ev.detail.last);
    lms.commit();
  });

  Q.form.addEventListener('policysite:checked', function (ev) {
    if (passed) return; // a passing record is kept; practising again changes nothing in the LMS
    var d = ev.detail;
    d.results.forEach(function (r, n) {
      var p = 'cmi.interactions.' + n + '.';
      lms.set(p + 'id', Q.quiz + '.r' + Q.revision + '.' + r.id);
      lms.set(p + 'type', r.kind === 'true_false' ? 'true-false' : 'choice');
      if (lms.v === '2004') lms.set(p + 'description', 'Question ' + (n + 1) + ' of ' + Q.quiz + ', revision ' + Q.revision);
      if (r.answer !== null) lms.set(p + lms.K.response, response(r.kind, r.answer));
      lms.set(p + 'result', r.correct ? 'correct' : lms.wrong);
      // The page holds no answer key; once an answer is right it is the correct response pattern.
      if (r.correct) lms.set(p + 'correct_responses.0.pattern', response(r.kind, r.answer));
    });
    var pct = Math.round(100 * d.right / d.total);
    lms.set(lms.K.min, 0);
    lms.set(lms.K.max, 100);
    lms.set(lms.K.raw, pct);
    var objective = Q.quiz + '-revision-' + Q.revision;
    lms.set('cmi.objectives.0.id', objective);
    if (lms.v === '2004') {
      lms.set('cmi.score.scaled', (d.right / d.total).toFixed(4).replace(/\.?0+$/, '') || '0');
      lms.set('cmi.success_status', d.passed ? 'passed' : 'failed');
      lms.set('cmi.completion_status', d.passed ? 'completed' : 'incomplete');
      lms.set('cmi.objectives.0.success_status', d.passed ? 'passed' : 'failed');
      lms.set('cmi.objectives.0.completion_status', d.passed ? 'completed' : 'incomplete');
    } else {
      lms.set('cmi.core.lesson_status', d.passed ? 'passed' : 'failed');
      lms.set('cmi.objectives.0.status', d.passed ? 'passed' : 'failed');
      lms.set('cmi.objectives.0.score.raw', pct);
    }
    if (d.passed) {
      passed = true;
      lms.set(lms.K.suspend, JSON.stringify({ v: 1, quiz: Q.quiz, revision: Q.revision, passed: true }));
    } else {
      keep(Q.answers(), null);
    }
    lms.commit();
  });

  function sessionTime() {
    var s = Math.max(0, (Date.now() - started) / 1000);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    if (lms.v === '2004') return 'PT' + h + 'H' + m + 'M' + sec.toFixed(2).replace(/\.?0+$/, '') + 'S';
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return two(h) + ':' + two(m) + ':' + two(Math.floor(sec)) + '.' + two(Math.floor((sec % 1) * 100));
  }
  function finish() {
    if (finished) return;
    finished = true;
    lms.set(lms.K.session, sessionTime());
    lms.set(lms.K.exit, passed ? (lms.v === '2004' ? 'normal' : '') : 'suspend');
    lms.commit();
    lms.finish();
  }
  window.addEventListener('pagehide', finish);
  window.addEventListener('beforeunload', finish);
})();
