/* Training quiz: checks answers in the page without holding them, and issues a completion code.
 * Hooks (stable, documented in the README): form[data-quiz], fieldset[data-question],
 * input[data-option], [data-feedback], [data-quiz-status], [data-completion], [data-completion-email],
 * [data-completion-submit], [data-completion-code], [data-completion-error]. */
(function () {
  'use strict';
  var C = window.PolicysiteCode;
  var form = document.querySelector('form[data-quiz]');
  if (!form || !C) return;
  var dataEl = document.querySelector('script[data-quiz-data]');
  var data = JSON.parse(dataEl.textContent);
  var site = window.POLICYSITE || { email_domains: [] };
  var status = document.querySelector('[data-quiz-status]');
  var completion = document.querySelector('[data-completion]');
  var quizKey = null;

  function shuffle(parent, selector) {
    var items = Array.prototype.slice.call(parent.querySelectorAll(selector));
    for (var i = items.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var t = items[i]; items[i] = items[j]; items[j] = t;
    }
    items.forEach(function (el) { el.parentNode.appendChild(el); });
  }
  if (data.shuffle_options) {
    form.querySelectorAll('fieldset[data-question]').forEach(function (fs) {
      if (fs.getAttribute('data-kind') !== 'true_false') shuffle(fs.querySelector('.options'), '.option');
    });
  }
  if (data.shuffle_questions) shuffle(form.querySelector('.questions'), 'fieldset[data-question]');

  function answerOf(fs) {
    var picked = Array.prototype.slice.call(fs.querySelectorAll('input[data-option]:checked')).map(function (i) { return i.value; });
    if (!picked.length) return null;
    if (fs.getAttribute('data-kind') === 'multiple') picked.sort(function (a, b) { return a - b; });
    return picked.join(',');
  }

  function setFeedback(fs, state, html) {
    var fb = fs.querySelector('[data-feedback]');
    fb.setAttribute('data-state', state);
    fb.className = 'feedback ' + (state === 'correct' ? 'correct' : 'incorrect');
    fb.innerHTML = html;
    fs.querySelectorAll('input').forEach(function (i) {
      if (state === 'correct') i.removeAttribute('aria-invalid'); else i.setAttribute('aria-invalid', 'true');
    });
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var keys = [], right = 0, firstWrong = null;
    data.questions.forEach(function (q) {
      var fs = form.querySelector('fieldset[data-question="' + q.id + '"]');
      var answer = answerOf(fs);
      if (answer === null) {
        setFeedback(fs, 'unanswered', '<strong>Not answered.</strong> Choose an answer.');
        firstWrong = firstWrong || fs;
        return;
      }
      var key = C.questionKey(data.quiz, data.revision, q.id, answer);
      if (C.checkHash(key) === q.check) {
        right++;
        keys.push(key);
        var explanation = new TextDecoder().decode(C.seal(key, C.unhex(q.explanation)));
        setFeedback(fs, 'correct', '<strong>✓ Correct.</strong> ' + explanation);
      } else {
        setFeedback(fs, 'incorrect', '<strong>✗ Not correct yet.</strong> Review the module above and try again.');
        firstWrong = firstWrong || fs;
      }
    });
    var total = data.questions.length;
    if (right === total) {
      quizKey = C.quizKey(data.quiz, data.revision, keys);
      status.setAttribute('data-state', 'passed');
      status.textContent = 'You answered all ' + total + ' questions correctly. You passed. Enter your District email below to get your completion code.';
      completion.hidden = false;
      completion.querySelector('h2').focus();
    } else {
      quizKey = null;
      completion.hidden = true;
      status.setAttribute('data-state', 'failed');
      status.textContent = 'You answered ' + right + ' of ' + total + ' questions correctly. Every answer must be correct to pass. Change the answers marked “Not correct yet” or “Not answered” and check again.';
      if (firstWrong) firstWrong.querySelector('input').focus();
    }
  });

  function isDistrictEmail(email) {
    var m = /^[^@\s]+@([^@\s]+)$/.exec(C.normalizeEmail(email));
    return !!m && site.email_domains.indexOf(m[1]) >= 0;
  }

  var emailInput = completion.querySelector('[data-completion-email]');
  var error = completion.querySelector('[data-completion-error]');
  var output = completion.querySelector('[data-completion-code]');
  completion.querySelector('[data-completion-submit]').addEventListener('click', function () {
    if (!quizKey) return;
    var email = emailInput.value;
    if (!isDistrictEmail(email)) {
      error.textContent = 'Enter your District email address (ending in @' + site.email_domains.join(' or @') + ').';
      emailInput.setAttribute('aria-invalid', 'true');
      emailInput.focus();
      return;
    }
    error.textContent = '';
    emailInput.removeAttribute('aria-invalid');
    var code = C.issue(quizKey, data.quiz, data.revision, email, C.today());
    output.textContent = code;
    output.closest('.code-result').hidden = false;
    try {
      var saved = JSON.parse(localStorage.getItem('policysite.codes') || '{}');
      saved[data.quiz] = { email: C.normalizeEmail(email), code: code };
      localStorage.setItem('policysite.codes', JSON.stringify(saved));
    } catch (e) { /* storage may be off; the code is on screen */ }
  });
  var copy = completion.querySelector('[data-completion-copy]');
  if (copy) copy.addEventListener('click', function () {
    var text = output.textContent;
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text);
    else { var r = document.createRange(); r.selectNodeContents(output); var s = getSelection(); s.removeAllRanges(); s.addRange(r); document.execCommand('copy'); }
    copy.textContent = 'Copied';
  });
})();
