/* Training quiz: checks answers in the page without holding them, and issues a completion code.
 * Hooks (stable, documented in the README): form[data-quiz], fieldset[data-question],
 * input[data-option], [data-feedback], [data-quiz-status], [data-completion], [data-completion-email],
 * [data-completion-submit], [data-completion-code], [data-completion-error], [data-remembered].
 *
 * Kept in this browser (localStorage; contracts in the README):
 *   policysite.codes.v1   quiz id → {email, code, earned, revision}: codes earned here (request.js reads it)
 *   policysite.email.v1   the last email a code was issued for (plain string), to pre-fill the next quiz
 *   policysite.answers.v1 quiz id → {revision, answers}: answers in progress, dropped once passed
 * Inside an LMS or a SCORM package (assets/scorm.js, loaded first, sets window.PolicysiteLms.storage
 * to false) nothing is read from or written to browser storage: on a shared computer one learner's
 * answers, email or code must not reach the next learner; the LMS keeps the state.
 * For an LMS (assets/scorm.js) it exposes window.PolicysiteQuiz and fires events on the form:
 *   policysite:answers {answers, last}, policysite:checked {passed, right, total, results},
 *   policysite:code {code, email}. */
(function () {
  'use strict';
  var C = window.PolicysiteCode;
  var form = document.querySelector('form[data-quiz]');
  if (!form || !C) return;
  var data = JSON.parse(document.querySelector('script[data-quiz-data]').textContent);
  var site = window.POLICYSITE || { email_domains: [] };
  var status = document.querySelector('[data-quiz-status]');
  var completion = document.querySelector('[data-completion]');
  var quizKey = null;
  var CODES = 'policysite.codes.v1', EMAIL = 'policysite.email.v1', ANSWERS = 'policysite.answers.v1';

  var storage = !(window.PolicysiteLms && window.PolicysiteLms.storage === false);
  function load(key, fallback) {
    if (!storage) return fallback;
    try { var v = JSON.parse(localStorage.getItem(key)); return v === null ? fallback : v; } catch (e) { return fallback; }
  }
  function save(key, value) {
    if (!storage) return;
    try { localStorage.setItem(key, typeof value === 'string' ? value : JSON.stringify(value)); } catch (e) { /* storage off: nothing kept */ }
  }
  function fieldsets() { return Array.prototype.slice.call(form.querySelectorAll('fieldset[data-question]')); }
  function fieldset(id) { return form.querySelector('fieldset[data-question="' + id + '"]'); }
  function escapeHtml(s) { return String(s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }

  function shuffle(parent, selector) {
    var items = Array.prototype.slice.call(parent.querySelectorAll(selector));
    for (var i = items.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var t = items[i]; items[i] = items[j]; items[j] = t;
    }
    items.forEach(function (el) { el.parentNode.appendChild(el); });
  }
  if (data.shuffle_options) {
    fieldsets().forEach(function (fs) {
      if (fs.getAttribute('data-kind') !== 'true_false') shuffle(fs.querySelector('.options'), '.option');
    });
  }
  if (data.shuffle_questions) shuffle(form.querySelector('.questions'), 'fieldset[data-question]');

  /* The answer as the key derivation wants it: option numbers from the YAML, sorted, comma-joined. */
  function answerOf(fs) {
    var picked = Array.prototype.slice.call(fs.querySelectorAll('input[data-option]:checked')).map(function (i) { return i.value; });
    if (!picked.length) return null;
    if (fs.getAttribute('data-kind') === 'multiple') picked.sort(function (a, b) { return a - b; });
    return picked.join(',');
  }
  function answers() {
    var out = {};
    data.questions.forEach(function (q) { var a = answerOf(fieldset(q.id)); if (a !== null) out[q.id] = a; });
    return out;
  }
  /* Put saved answers back (from this browser, or from an LMS's suspend data). Unknown values are ignored. */
  function restore(saved) {
    if (!saved) return;
    data.questions.forEach(function (q) {
      if (typeof saved[q.id] !== 'string') return;
      var want = saved[q.id].split(',');
      fieldset(q.id).querySelectorAll('input[data-option]').forEach(function (i) { i.checked = want.indexOf(i.value) >= 0; });
    });
  }
  function fire(name, detail) { form.dispatchEvent(new CustomEvent(name, { detail: detail })); }

  var stored = load(ANSWERS, {});
  if (stored[data.quiz] && stored[data.quiz].revision === data.revision) restore(stored[data.quiz].answers);
  function keepAnswers(list) {
    var all = load(ANSWERS, {});
    if (list) all[data.quiz] = { revision: data.revision, answers: list }; else delete all[data.quiz];
    save(ANSWERS, all);
  }
  form.addEventListener('change', function (ev) {
    var list = answers();
    if (status.getAttribute('data-state') !== 'passed') keepAnswers(list); // passed: nothing to resume
    var fs = ev.target.closest && ev.target.closest('fieldset[data-question]');
    fire('policysite:answers', { answers: list, last: fs ? fs.getAttribute('data-question') : null });
  });

  function setFeedback(fs, state, html) {
    var fb = fs.querySelector('[data-feedback]');
    fb.setAttribute('data-state', state);
    fb.className = 'feedback ' + (state === 'correct' ? 'correct' : 'incorrect');
    fb.innerHTML = html;
    fs.querySelectorAll('input').forEach(function (i) {
      if (state === 'correct') i.removeAttribute('aria-invalid'); else i.setAttribute('aria-invalid', 'true');
    });
  }
  /* "Review <section>" when the question names the module section that teaches it. */
  function reviewHint(fs) {
    var id = fs.getAttribute('data-section');
    var target = id && document.getElementById(id);
    if (!target) return 'Review the module above and try again.';
    var title = (target.textContent || '').replace(/[#¶]\s*$/, '').trim();
    return 'Review <a href="#' + escapeHtml(id) + '" data-section-link>' + escapeHtml(title) + '</a> in the module above and try again.';
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var keys = [], right = 0, wrong = [], results = [];
    data.questions.forEach(function (q) {
      var fs = fieldset(q.id);
      var answer = answerOf(fs);
      if (answer === null) {
        setFeedback(fs, 'unanswered', '<strong>Not answered.</strong> Choose an answer. ' + reviewHint(fs));
        wrong.push({ fs: fs, why: 'not answered' });
        results.push({ id: q.id, kind: q.kind, answer: null, correct: false });
        return;
      }
      var key = C.questionKey(data.quiz, data.revision, q.id, answer);
      if (C.checkHash(key) === q.check) {
        right++;
        keys.push(key);
        var explanation = new TextDecoder().decode(C.seal(key, C.unhex(q.explanation)));
        setFeedback(fs, 'correct', '<strong>✓ Correct.</strong> ' + explanation);
        results.push({ id: q.id, kind: q.kind, answer: answer, correct: true });
      } else {
        setFeedback(fs, 'incorrect', '<strong>✗ Not correct yet.</strong> ' + reviewHint(fs));
        wrong.push({ fs: fs, why: 'not correct yet' });
        results.push({ id: q.id, kind: q.kind, answer: answer, correct: false });
      }
    });
    var total = data.questions.length;
    if (right === total) {
      quizKey = C.quizKey(data.quiz, data.revision, keys);
      status.setAttribute('data-state', 'passed');
      status.textContent = 'You answered all ' + total + ' questions correctly. You passed. Enter your District email below to get your completion code.';
      keepAnswers(null);
      completion.hidden = false;
      completion.querySelector('h2').focus();
    } else {
      quizKey = null;
      completion.hidden = true;
      status.setAttribute('data-state', 'failed');
      // In page order (questions may be shuffled), each linking to its question.
      wrong.sort(function (a, b) { return a.fs.compareDocumentPosition(b.fs) & 4 ? -1 : 1; });
      status.innerHTML = '<p><strong>' + right + ' of ' + total + ' correct.</strong> Every answer must be correct to pass. Change these answers and check again:</p><ul>' +
        wrong.map(function (w) {
          var label = w.fs.querySelector('.q-number').textContent.replace(/\.$/, '');
          return '<li><a href="#' + w.fs.id + '" data-question-link="' + w.fs.getAttribute('data-question') + '">' + escapeHtml(label) + '</a> (' + w.why + ')</li>';
        }).join('') + '</ul>';
      status.focus();
    }
    fire('policysite:checked', { passed: right === total, right: right, total: total, results: results });
  });

  // A summary link moves focus into its question, not only the scroll position.
  status.addEventListener('click', function (ev) {
    var a = ev.target.closest && ev.target.closest('a[data-question-link]');
    if (!a) return;
    ev.preventDefault();
    var fs = fieldset(a.getAttribute('data-question-link'));
    fs.scrollIntoView();
    (fs.querySelector('input:checked') || fs.querySelector('input')).focus();
  });

  function isDistrictEmail(email) { return C.isDistrictEmail(email, site.email_domains); }

  var emailInput = completion.querySelector('[data-completion-email]');
  var error = completion.querySelector('[data-completion-error]');
  var output = completion.querySelector('[data-completion-code]');
  try { var lastEmail = storage ? localStorage.getItem(EMAIL) : null; if (lastEmail && !emailInput.value) emailInput.value = lastEmail; } catch (e) { /* storage off */ }

  function issueCode() {
    if (!quizKey) return;
    var email = emailInput.value.trim();
    if (!isDistrictEmail(email)) {
      error.textContent = C.emailMessage(C.emailProblem(email, site.email_domains), site.email_domains, 'your');
      emailInput.setAttribute('aria-invalid', 'true');
      emailInput.focus();
      return;
    }
    error.textContent = '';
    emailInput.removeAttribute('aria-invalid');
    var day = C.today();
    var code = C.issue(quizKey, data.quiz, data.revision, email, day);
    output.textContent = code;
    output.closest('.code-result').hidden = false;
    var codes = load(CODES, {});
    codes[data.quiz] = { email: C.normalizeEmail(email), code: code, earned: C.dayToISO(day), revision: data.revision };
    save(CODES, codes);
    save(EMAIL, email); // a plain string
    fire('policysite:code', { code: code, email: C.normalizeEmail(email) });
  }
  completion.querySelector('[data-completion-submit]').addEventListener('click', issueCode);
  emailInput.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter') { ev.preventDefault(); issueCode(); }
  });
  var copy = completion.querySelector('[data-completion-copy]');
  if (copy) copy.addEventListener('click', function () {
    var text = output.textContent;
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text);
    else { var r = document.createRange(); r.selectNodeContents(output); var s = getSelection(); s.removeAllRanges(); s.addRange(r); document.execCommand('copy'); }
    copy.textContent = 'Copied';
  });

  // A code earned in this browser for this revision is shown again, with a way to forget it.
  var remembered = document.querySelector('[data-remembered]');
  var rememberedStatus = document.querySelector('[data-remembered-status]');
  var mine = load(CODES, {})[data.quiz];
  // Valid until: the completion day plus the site's validity period (an expired code is not offered).
  var until = null;
  if (mine && /^\d{4}-\d\d-\d\d$/.test(mine.earned || '') && site.validity_days) {
    until = new Date(Date.parse(mine.earned + 'T00:00:00Z') + site.validity_days * 86400000).toISOString().slice(0, 10);
  }
  var expired = until !== null && until < C.dayToISO(C.today());
  if (remembered && mine && mine.revision === data.revision && mine.code && !expired) {
    remembered.querySelector('[data-remembered-code]').textContent = mine.code;
    remembered.querySelector('[data-remembered-detail]').textContent =
      (mine.earned ? ' on ' + mine.earned : '') + (mine.email ? ' for ' + mine.email : '') + (until ? ' (valid until ' + until + ')' : '');
    remembered.hidden = false;
    remembered.querySelector('[data-remembered-forget]').addEventListener('click', function () {
      var codes = load(CODES, {});
      delete codes[data.quiz];
      save(CODES, codes);
      remembered.hidden = true;
      document.dispatchEvent(new CustomEvent('policysite:codes-changed'));
      rememberedStatus.textContent = 'The code was removed from this browser.';
      document.getElementById('quiz-heading').focus();
    });
  }

  window.PolicysiteQuiz = {
    quiz: data.quiz, revision: data.revision, form: form,
    questions: data.questions.map(function (q) { return { id: q.id, kind: q.kind }; }),
    answers: answers, restore: restore,
    show: function (id) { var fs = id && fieldset(id); if (fs) fs.scrollIntoView(); }
  };
})();
