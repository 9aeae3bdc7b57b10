/* Social Media Account Request form: in-page validation, request file, mailto and print. Sends nothing.
 * Hooks: form[data-request-form], [data-field="path"], [data-error-for="path"], [data-admin],
 * [data-admin-field], [data-admin-code="quiz-id"], [data-add-admin], [data-error-summary],
 * [data-request-result], [data-download], [data-mailto], [data-print], [data-request-id],
 * [data-admin-warning="code-quiz-id"] (a code this browser earned for another email).
 * Reads the codes earned in this browser from localStorage "policysite.codes.v1" (written by quiz.js:
 * quiz id → {email, code, earned, revision}); the older "policysite.codes" key is read too. */
(function () {
  'use strict';
  var C = window.PolicysiteCode, site = window.POLICYSITE;
  var form = document.querySelector('form[data-request-form]');
  if (!form || !C || !site) return;
  var DRAFT = 'policysite.request-draft', READY = 'policysite.request-ready';
  /* The longest mailto: link we hand to the email program. No standard sets one (RFC 6068); measured
   * limits: Chrome on Windows fails at about 2,000 characters, Outlook with any browser at 2,046, Internet
   * Explorer at 2,083 (its URL limit) and Gmail at about 1,600 (README, "The hand-off"). Longer requests
   * fall back to the downloaded file. */
  var MAILTO_MAX = 2000;
  var BEGIN = '-----BEGIN POLICYSITE REQUEST-----', END = '-----END POLICYSITE REQUEST-----';
  var adminList = form.querySelector('[data-admin-list]');
  var template = form.querySelector('[data-admin-template]');
  var summary = document.querySelector('[data-error-summary]');
  var result = document.querySelector('[data-request-result]');
  var principalSet = form.querySelector('[data-principal]');
  var adminCounter = 0;

  function quizById(id) { return site.quizzes.filter(function (q) { return q.id === id; })[0]; }
  function needsPrincipal(type) { return site.needs_principal.indexOf(type) >= 0; }
  function emailError(email, who) { var p = C.emailProblem(email, site.email_domains); return p ? C.emailMessage(p, site.email_domains, who) : null; }
  function kind() { var r = form.querySelector('[data-request-kind-choice]:checked'); return r ? r.value : 'new'; }
  var updatePicker = form.querySelector('[data-update-picker]'), updateSelect = form.querySelector('[data-update-of]');
  (site.accounts || []).forEach(function (a) {
    var o = document.createElement('option');
    var pl = site.platforms.approved.concat(site.platforms.former || []).filter(function (p) { return p.id === a.platform; })[0];
    o.value = a.id;
    o.textContent = (a.name || a.handle) + ': ' + (pl ? pl.name : a.platform) + ' ' + a.handle + ' (' + a.unit + ')';
    updateSelect.appendChild(o);
  });

  /** Codes earned in this browser: quiz id → {email, code}. Newer key first; storage off → none. */
  function earnedCodes() {
    var out = {};
    ['policysite.codes', 'policysite.codes.v1'].forEach(function (key) {
      try {
        var saved = JSON.parse(localStorage.getItem(key) || '{}') || {};
        Object.keys(saved).forEach(function (q) {
          if (saved[q] && typeof saved[q].code === 'string' && typeof saved[q].email === 'string') out[q] = saved[q];
        });
      } catch (e) { /* storage off or not JSON: nothing remembered */ }
    });
    return out;
  }
  function codeKey(code) { return String(code || '').toUpperCase().replace(/[^0-9A-Z]/g, ''); }
  /** The email a code was issued to in this browser, when that is not `email`; otherwise null. */
  function issuedToOther(code, quizId, email) {
    var saved = earnedCodes()[quizId];
    if (!saved || !code || codeKey(saved.code) !== codeKey(code)) return null;
    var owner = C.normalizeEmail(saved.email);
    return owner && owner !== C.normalizeEmail(email || '') ? owner : null;
  }
  function mismatchMessage(owner) {
    return 'This code was issued to ' + owner + ' in this browser. A code only works for the email it was issued to: enter this administrator’s own code, or ' + owner + ' as their email.';
  }
  function checkCodeOwners(node) {
    var email = node.querySelector('[data-admin-field="email"]').value;
    node.querySelectorAll('[data-admin-code]').forEach(function (input) {
      var warn = node.querySelector('[data-admin-warning="code-' + input.getAttribute('data-admin-code') + '"]');
      var owner = issuedToOther(input.value.trim(), input.getAttribute('data-admin-code'), email);
      warn.textContent = owner && email.trim() ? mismatchMessage(owner) : '';
    });
  }

  function addAdmin(values) {
    var n = ++adminCounter;
    var node = template.content.firstElementChild.cloneNode(true);
    node.setAttribute('data-admin-id', String(n));
    node.querySelectorAll('[data-admin-field],[data-admin-code]').forEach(function (input) {
      var key = input.getAttribute('data-admin-field') || 'code-' + input.getAttribute('data-admin-code');
      input.id = 'admin-' + n + '-' + key;
      var label = node.querySelector('label[data-for="' + key + '"]');
      if (label) label.setAttribute('for', input.id);
      var described = [];
      var hint = node.querySelector('[data-admin-hint="' + key + '"]');
      if (hint) { hint.id = input.id + '-hint'; described.push(hint.id); }
      var warn = node.querySelector('[data-admin-warning="' + key + '"]');
      if (warn) { warn.id = input.id + '-warning'; described.push(warn.id); }
      var err = node.querySelector('[data-admin-error="' + key + '"]');
      if (err) { err.id = input.id + '-error'; described.push(err.id); }
      if (described.length) input.setAttribute('aria-describedby', described.join(' '));
    });
    node.querySelector('[data-remove-admin]').addEventListener('click', function () {
      node.remove(); renumber(); saveDraft();
    });
    var email = node.querySelector('[data-admin-field="email"]');
    email.addEventListener('change', function () { prefillCodes(node); checkCodeOwners(node); });
    node.addEventListener('input', function () { checkCodeOwners(node); });
    // A code typed without dashes (or in lower case) is shown, and kept, in its groups.
    node.querySelectorAll('[data-admin-code]').forEach(function (input) {
      input.addEventListener('change', function () { input.value = C.groupCode(input.value); saveDraft(); });
    });
    adminList.appendChild(node);
    if (values) {
      node.querySelector('[data-admin-field="name"]').value = values.name || '';
      email.value = values.email || '';
      node.querySelector('[data-admin-field="flsa_exempt"]').checked = !!values.flsa_exempt;
      Object.keys(values.codes || {}).forEach(function (q) {
        var input = node.querySelector('[data-admin-code="' + q + '"]');
        if (input) input.value = values.codes[q];
      });
    }
    renumber();
    checkCodeOwners(node);
    return node;
  }
  function renumber() {
    var admins = adminList.querySelectorAll('[data-admin]');
    admins.forEach(function (a, i) {
      a.querySelector('[data-admin-number]').textContent = String(i + 1);
      a.querySelector('[data-remove-admin]').hidden = admins.length === 1;
    });
  }
  function prefillCodes(node) {
    var saved = earnedCodes();
    var email = C.normalizeEmail(node.querySelector('[data-admin-field="email"]').value);
    Object.keys(saved).forEach(function (q) {
      var input = node.querySelector('[data-admin-code="' + q + '"]');
      if (input && !input.value && C.normalizeEmail(saved[q].email) === email) input.value = saved[q].code;
    });
  }

  function field(path) { return form.querySelector('[data-field="' + path + '"]'); }
  function value(path) {
    var els = form.querySelectorAll('[data-field="' + path + '"]');
    if (!els.length) return '';
    if (els[0].type === 'radio') { var c = form.querySelector('[data-field="' + path + '"]:checked'); return c ? c.value : ''; }
    if (els[0].type === 'checkbox') return els[0].checked;
    return els[0].value.trim();
  }

  function gather() {
    var type = value('account.type');
    var req = {
      schema: 'policysite/account-request', version: 1, id: '', submitted: C.dayToISO(C.today()),
      requester: { name: value('requester.name'), email: C.normalizeEmail(value('requester.email')) },
      account: {
        type: type, unit: value('account.unit'), name: value('account.name'), purpose: value('account.purpose'),
        description: value('account.description'), platform: value('account.platform'), handle: value('account.handle'),
        url: value('account.url') || null
      },
      update_of: kind() === 'update' && updateSelect.value ? updateSelect.value : undefined,
      administrators: Array.prototype.map.call(adminList.querySelectorAll('[data-admin]'), function (a) {
        var codes = {};
        a.querySelectorAll('[data-admin-code]').forEach(function (i) { codes[i.getAttribute('data-admin-code')] = C.groupCode(i.value); });
        return {
          name: a.querySelector('[data-admin-field="name"]').value.trim(),
          email: C.normalizeEmail(a.querySelector('[data-admin-field="email"]').value),
          flsa_exempt: a.querySelector('[data-admin-field="flsa_exempt"]').checked,
          codes: codes
        };
      }),
      principal_approval: needsPrincipal(type) ? {
        name: value('principal_approval.name'), email: C.normalizeEmail(value('principal_approval.email')), approved: value('principal_approval.approved')
      } : null,
      privacy_settings: { notify_on_tag: value('privacy_settings.notify_on_tag'), approve_posts_by_others: value('privacy_settings.approve_posts_by_others') },
      acknowledgements: { policies: value('acknowledgements.policies'), no_deletion: value('acknowledgements.no_deletion'), student_privacy: value('acknowledgements.student_privacy') }
    };
    return req;
  }

  function codeProblem(code, quizId) {
    if (!code) return 'Enter the completion code from the “' + quizById(quizId).title + '” quiz.';
    var d = C.decode(code);
    if (!d.ok) return d.message;
    var quiz = site.quizzes.filter(function (q) { return q.tag === d.fields.tag; })[0];
    if (!quiz) return 'This is not a completion code from this site’s training.';
    if (quiz.id !== quizId) return 'This code is for “' + quiz.title + '”, not “' + quizById(quizId).title + '”.';
    // quiz helper: a superseded revision's codes count until its retraining deadline (`retrain_by`).
    var win = (quiz.superseded || []).filter(function (s) { return s.revision === d.fields.revision; })[0];
    if (d.fields.revision !== quiz.revision % 256 && !(win && C.dayToISO(C.today()) <= win.retrain_by)) return 'This code is for an earlier version of the quiz, which has since been revised' + (win ? ' (retraining was due by ' + win.retrain_by + ')' : '') + '. Take the quiz again for a new code.';
    var today = C.today();
    if (d.fields.day > today + 1) return 'This code is dated in the future. Check the computer’s date and take the quiz again.';
    if (today - d.fields.day > site.validity_days) return 'This code expired on ' + C.dayToISO(d.fields.day + site.validity_days) + '. Take the quiz again for a new code.';
    return null;
  }

  function validate(req) {
    var errors = [];
    function err(el, msg) { errors.push({ el: el, msg: msg }); }
    if (!req.requester.name) err(field('requester.name'), 'Enter your name.');
    var e0 = emailError(req.requester.email, 'your');
    if (e0) err(field('requester.email'), e0);
    if (kind() === 'update' && !req.update_of) err(updateSelect, 'Choose the account to change, or choose “Request a new account”.');
    if (!req.account.type) err(field('account.type'), 'Choose who the account is for.');
    if (!req.account.unit) err(field('account.unit'), 'Enter the school or department.');
    if (!req.account.name) err(field('account.name'), 'Enter the account’s name.');
    if (!req.account.purpose) err(form.querySelector('[data-field="account.purpose"]'), 'Choose the account’s purpose.');
    if (!req.account.description) err(field('account.description'), 'Describe what the account will be used for.');
    var approved = site.platforms.approved.map(function (p) { return p.id; });
    if (!req.account.platform) err(field('account.platform'), 'Choose a platform.');
    else if (approved.indexOf(req.account.platform) < 0) err(field('account.platform'), 'That platform is not approved.');
    if (!req.account.handle) err(field('account.handle'), 'Enter the proposed handle or username.');
    else if (!new RegExp(site.handle_pattern).test(req.account.handle) || req.account.handle.replace(/^@/, '').length > 100) err(field('account.handle'), 'Write the handle as the platform shows it: an optional @, then letters, digits, dots, underscores and hyphens, at least one letter or digit, at most 100 (no spaces or lookalike characters).');
    if (req.account.url && !/^https?:\/\/\S+$/.test(req.account.url)) err(field('account.url'), 'Enter an address starting with https://, or leave it empty.');
    adminList.querySelectorAll('[data-admin]').forEach(function (a, i) {
      var ad = req.administrators[i], n = i + 1;
      if (!ad.name) err(a.querySelector('[data-admin-field="name"]'), 'Enter administrator ' + n + '’s name.');
      var ae = emailError(ad.email, 'administrator ' + n + '’s');
      if (ae) err(a.querySelector('[data-admin-field="email"]'), 'Administrator ' + n + ': ' + ae);
      if (!ad.flsa_exempt) err(a.querySelector('[data-admin-field="flsa_exempt"]'), 'Administrator ' + n + ' must be Fair Labor Standards Act exempt staff: confirm it, or name another administrator.');
      site.required_training.forEach(function (q) {
        var p = codeProblem(ad.codes[q], q);
        var owner = p ? null : issuedToOther(ad.codes[q], q, ad.email);
        if (owner) p = mismatchMessage(owner);
        if (p) err(a.querySelector('[data-admin-code="' + q + '"]'), 'Administrator ' + n + ', ' + quizById(q).title + ': ' + p);
      });
    });
    if (req.principal_approval) {
      if (!req.principal_approval.name) err(field('principal_approval.name'), 'Enter the principal’s name.');
      var pe = emailError(req.principal_approval.email, 'the principal’s');
      if (pe) err(field('principal_approval.email'), 'Principal: ' + pe);
      if (!req.principal_approval.approved) err(field('principal_approval.approved'), 'An account in a school’s name needs the principal’s approval.');
    }
    if (!req.privacy_settings.notify_on_tag) err(field('privacy_settings.notify_on_tag'), 'Confirm that the administrator will be notified of tags and mentions.');
    if (!req.privacy_settings.approve_posts_by_others) err(field('privacy_settings.approve_posts_by_others'), 'Confirm that posts by others will need approval.');
    if (!req.acknowledgements.policies) err(field('acknowledgements.policies'), 'Acknowledge the District policies that apply.');
    if (!req.acknowledgements.no_deletion) err(field('acknowledgements.no_deletion'), 'Acknowledge the rule on deleting communications.');
    if (!req.acknowledgements.student_privacy) err(field('acknowledgements.student_privacy'), 'Acknowledge the student privacy rules.');
    return errors;
  }

  function clearErrors() {
    form.querySelectorAll('[aria-invalid]').forEach(function (el) { el.removeAttribute('aria-invalid'); });
    form.querySelectorAll('.error').forEach(function (el) { el.textContent = ''; });
  }
  function errorElementFor(el) {
    var ids = (el.getAttribute('aria-describedby') || '').split(/\s+/);
    for (var i = 0; i < ids.length; i++) { var e = document.getElementById(ids[i]); if (e && e.classList.contains('error')) return e; }
    var group = el.closest('[role=radiogroup]');
    return group ? errorElementFor(group) : null;
  }
  function showErrors(errors) {
    var list = summary.querySelector('[data-error-list]');
    list.innerHTML = '';
    errors.forEach(function (e) {
      e.el.setAttribute('aria-invalid', 'true');
      var target = e.el.closest('[role=radiogroup]') ? e.el.closest('[role=radiogroup]').querySelector('input') : e.el;
      var msgEl = errorElementFor(e.el);
      if (msgEl && !msgEl.textContent) msgEl.textContent = e.msg;
      var li = document.createElement('li'), a = document.createElement('a');
      a.href = '#' + target.id; a.textContent = e.msg;
      a.addEventListener('click', function (ev) { ev.preventDefault(); target.focus(); });
      li.appendChild(a); list.appendChild(li);
    });
    summary.querySelector('h2').textContent = errors.length === 1 ? 'There is 1 problem to fix' : 'There are ' + errors.length + ' problems to fix';
    summary.hidden = false;
    // Focus without the browser's own scroll (which centres a tall summary and can hide its heading on
    // a phone), then bring the summary's top, with its heading, into view.
    summary.focus({ preventScroll: true });
    summary.scrollIntoView({ block: 'start' });
  }

  function readable(req) {
    var p = site.platforms.approved.filter(function (x) { return x.id === req.account.platform; })[0];
    var lines = [
      'Social Media Account Request (' + req.id + ')',
      'Submitted: ' + req.submitted,
      req.update_of ? 'Change to the official account ' + req.update_of + ' (new administrators, handle or address)' : 'New account',
      'Requester: ' + req.requester.name + ' <' + req.requester.email + '>',
      'Account: ' + req.account.name + ' (' + req.account.type.replace('_', ' ') + ', ' + req.account.unit + ')',
      'Platform: ' + (p ? p.name : req.account.platform) + ', handle ' + req.account.handle + (req.account.url ? ' (' + req.account.url + ')' : ''),
      'Purpose: ' + req.account.purpose + ': ' + req.account.description,
      'Administrators:'
    ];
    req.administrators.forEach(function (a) {
      lines.push('  - ' + a.name + ' <' + a.email + '>, FLSA exempt: ' + (a.flsa_exempt ? 'yes' : 'no'));
      Object.keys(a.codes).forEach(function (q) { lines.push('      ' + q + ': ' + a.codes[q]); });
    });
    if (req.principal_approval) lines.push('Principal approval: ' + req.principal_approval.name + ' <' + req.principal_approval.email + '>');
    lines.push('Privacy settings confirmed: notify on tag, approve posts by others.');
    lines.push('Acknowledged: District policies, no deletion without the Public Records Officer, student privacy rules.');
    return lines.join('\n');
  }

  /* Percent-encoding for a mailto: header value, as short as it can be (README, "The hand-off"): the
   * characters RFC 6068 lets a header value hold stay as they are (":", ",", "@", ";", "$"), and a line
   * break is %0A (RFC 6068 asks for %0D%0A; the shorter form saves three characters a line). */
  function mailtoEncode(text) {
    return encodeURIComponent(text).replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%40/g, '@').replace(/%3B/g, ';').replace(/%24/g, '$');
  }
  /* The request file: JSON with two-space indentation and no space after a key's colon (the same JSON
   * to every parser, and about a hundred characters shorter in an email link). */
  function pretty(req) {
    return JSON.stringify(req, null, 2).replace(/^(\s*"(?:[^"\\]|\\.)*"): /gm, '$1:') + '\n';
  }
  function mailtoFor(ready) {
    var subject = (ready.update ? 'Account change request: ' : 'Account request: ') + ready.name;
    var body = 'Social Media Account Request ' + ready.id + ':\n' + BEGIN + '\n' + ready.json.replace(/\n$/, '') + '\n' + END + '\n';
    var href = 'mailto:' + site.communications.email + '?subject=' + mailtoEncode(subject) + '&body=' + mailtoEncode(body);
    if (href.length <= MAILTO_MAX) return { href: href, fits: true, length: href.length };
    var short = 'mailto:' + site.communications.email + '?subject=' + mailtoEncode(subject) +
      '&body=' + mailtoEncode('Please check the attached Social Media Account Request (' + ready.id + '): ' + ready.file + '.\n');
    return { href: short, fits: false, length: href.length };
  }
  /* Show the ready panel for a prepared request (just made, or kept from before a reload). */
  function showReady(ready) {
    var download = result.querySelector('[data-download]');
    download.href = URL.createObjectURL(new Blob([ready.json], { type: 'application/json' }));
    download.setAttribute('download', ready.file);
    var m = mailtoFor(ready);
    var mailto = result.querySelector('[data-mailto]');
    mailto.href = m.href;
    mailto.setAttribute('data-mailto-length', String(m.length));
    result.querySelector('[data-mailto-note]').textContent = m.fits
      ? 'opens your email program with the request written into the message: check it and press Send. Nothing needs attaching.'
      : 'opens an email to attach the downloaded request file to.';
    result.querySelector('[data-mailto-too-long]').hidden = m.fits;
    result.querySelector('[data-mailto-size]').textContent = m.length.toLocaleString('en-US');
    result.querySelector('[data-request-id]').textContent = ready.id;
    result.querySelector('[data-request-summary]').textContent = ready.text;
    result.querySelector('[data-print-principal]').hidden = !ready.principal;
    result.hidden = false;
    document.body.classList.add('request-ready');
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clearErrors();
    var req = gather();
    var errors = validate(req);
    if (errors.length) { result.hidden = true; showErrors(errors); return; }
    summary.hidden = true;
    var body = JSON.stringify(req);
    req.id = 'req-' + req.submitted.replace(/-/g, '') + '-' + C.hex(C.sha256(C.utf8(body))).slice(0, 8);
    var ready = {
      id: req.id, name: req.account.name, update: !!req.update_of, principal: !!req.principal_approval,
      json: pretty(req), text: readable(req),
      file: 'account-request-' + req.account.platform + '-' + req.account.handle.replace(/[^A-Za-z0-9_-]+/g, '') + '.json'
    };
    try { localStorage.setItem(READY, JSON.stringify(ready)); } catch (e) { /* storage off: the panel lasts until a reload */ }
    showReady(ready);
    result.querySelector('h2').focus();
  });
  result.querySelector('[data-print]').addEventListener('click', function () { window.print(); });
  // Downloaded: the draft is done with (the prepared request itself stays until a new one is started).
  result.querySelector('[data-download]').addEventListener('click', function () {
    try { localStorage.removeItem(DRAFT); } catch (e) { /* storage off: nothing to clear */ }
  });

  // Draft: a half-filled form survives a reload.
  function saveDraft() {
    var d = gather();
    d._requester_admin = requesterAdmin.checked; // the form's own state, never in the request file
    try { localStorage.setItem(DRAFT, JSON.stringify(d)); } catch (e) { /* storage off */ }
  }
  function restoreDraft() {
    var d;
    try { d = JSON.parse(localStorage.getItem(DRAFT) || 'null'); } catch (e) { d = null; }
    if (!d) { addAdmin(null); return; }
    if (d.update_of) {
      form.querySelector('#kind-update').checked = true;
      updateSelect.value = d.update_of;
    }
    form.querySelector('[data-requester-admin]').checked = !!d._requester_admin;
    function set(path, v) {
      var els = form.querySelectorAll('[data-field="' + path + '"]');
      els.forEach(function (el) {
        if (el.type === 'radio') el.checked = el.value === v;
        else if (el.type === 'checkbox') el.checked = !!v;
        else el.value = v == null ? '' : v;
      });
    }
    ['name', 'email'].forEach(function (k) { set('requester.' + k, d.requester && d.requester[k]); });
    ['type', 'unit', 'name', 'purpose', 'description', 'platform', 'handle', 'url'].forEach(function (k) { set('account.' + k, d.account && d.account[k]); });
    if (d.principal_approval) ['name', 'email', 'approved'].forEach(function (k) { set('principal_approval.' + k, d.principal_approval[k]); });
    ['notify_on_tag', 'approve_posts_by_others'].forEach(function (k) { set('privacy_settings.' + k, d.privacy_settings && d.privacy_settings[k]); });
    ['policies', 'no_deletion', 'student_privacy'].forEach(function (k) { set('acknowledgements.' + k, d.acknowledgements && d.acknowledgements[k]); });
    (d.administrators && d.administrators.length ? d.administrators : [null]).forEach(addAdmin);
  }
  function updatePrincipal() { principalSet.hidden = !needsPrincipal(value('account.type')); }
  /* The chosen type's one-line explanation, the regulation's guidance for a classroom account, and the
   * chosen platform's note from data/platforms.yaml. */
  var typeExplanation = form.querySelector('[data-account-type-explanation]');
  var classroomGuidance = form.querySelector('[data-classroom-guidance]');
  var platformNote = form.querySelector('[data-platform-note]');
  function updateChoices() {
    var t = value('account.type');
    var dd = t && form.querySelector('[data-account-type-explains="' + t + '"]');
    typeExplanation.textContent = dd ? dd.textContent : '';
    classroomGuidance.hidden = t !== 'classroom';
    var p = site.platforms.approved.filter(function (x) { return x.id === value('account.platform'); })[0];
    platformNote.textContent = p && p.note ? p.name + ': ' + p.note : '';
    platformNote.hidden = !(p && p.note);
    updatePicker.hidden = kind() !== 'update';
  }
  /* "I will be an administrator": Administrator 1 is the requester, kept in step while it is ticked. */
  var requesterAdmin = form.querySelector('[data-requester-admin]');
  function syncRequesterAdmin() {
    if (!requesterAdmin.checked) return;
    var first = adminList.querySelector('[data-admin]');
    if (!first) return;
    first.querySelector('[data-admin-field="name"]').value = value('requester.name');
    first.querySelector('[data-admin-field="email"]').value = value('requester.email');
    prefillCodes(first);
    checkCodeOwners(first);
  }
  requesterAdmin.addEventListener('change', function () { syncRequesterAdmin(); saveDraft(); });
  field('requester.name').addEventListener('input', syncRequesterAdmin);
  field('requester.email').addEventListener('input', syncRequesterAdmin);
  updateSelect.addEventListener('change', function () {
    var a = (site.accounts || []).filter(function (x) { return x.id === updateSelect.value; })[0];
    if (!a) return;
    field('account.type').value = a.type;
    field('account.unit').value = a.unit;
    field('account.name').value = a.name || '';
    field('account.platform').value = a.platform;
    field('account.handle').value = a.handle;
    field('account.url').value = a.url || '';
  });

  form.querySelector('[data-add-admin]').addEventListener('click', function () {
    var node = addAdmin(null); node.querySelector('input').focus(); saveDraft();
  });
  /* Start over (or a new request after one is ready): asks first, then forgets the draft and the prepared request. */
  function startOver() {
    if (!window.confirm('Start over? This clears the form' + (result.hidden ? '' : ' and the request you prepared') + ' in this browser. Download or send a prepared request first if you still need it.')) return false;
    try { localStorage.removeItem(DRAFT); localStorage.removeItem(READY); } catch (e) { /* ignore */ }
    form.reset(); adminList.innerHTML = ''; addAdmin(null); clearErrors(); summary.hidden = true; result.hidden = true;
    document.body.classList.remove('request-ready');
    updatePrincipal(); updateChoices();
    field('requester.name').focus();
    return true;
  }
  form.querySelector('[data-clear-form]').addEventListener('click', startOver);
  result.querySelector('[data-new-request]').addEventListener('click', startOver);
  form.addEventListener('input', saveDraft);
  form.addEventListener('change', function () { updatePrincipal(); updateChoices(); saveDraft(); });
  restoreDraft();
  updatePrincipal();
  updateChoices();
  // A request prepared before a reload is shown again until a new one is started.
  try { var kept = JSON.parse(localStorage.getItem(READY) || 'null'); if (kept && kept.json) showReady(kept); } catch (e) { /* storage off */ }
})();
