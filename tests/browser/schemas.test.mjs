// The JSON Schemas in schemas/ against the build, with an independent validator (ajv + yaml):
// every bundled file and every fixture the build accepts passes its schema, and every fixture the build
// rejects for a key or type problem (unknown key, wrong type, missing key, value not in a list, a date
// that is not YYYY-MM-DD) fails it. Each fixture states what the build does with it, and the test
// checks that too, so a fixture cannot quietly stop meaning what it says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO, cli } from './harness.mjs';
import YAML from 'yaml';
import { loadSchemas, schemaFilesOf, validateFile } from './schema-validate.mjs';

const validators = loadSchemas(join(REPO, 'schemas'));

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Errors that are a key or type problem: exactly what a schema can and must catch. */
const KEY_OR_TYPE = /unknown field|invalid type|missing field|unknown variant|is not a date|unknown account type|not a valid request file|: invalid (?:[iuf]\d+|bool)\b|expected (?:sequence|mapping)|cannot deserialize|expected a whole number|the value has the wrong type/;

test('every bundled file passes its schema', () => {
  const files = schemaFilesOf(REPO, (d) => ['site.yaml', 'content', 'data', 'quizzes'].flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  }));
  assert.ok(files.length >= 10, `found only ${files.length} files`);
  assert.ok(files.includes('site.yaml') && files.includes('data/platforms.yaml') && files.some((f) => f.startsWith('quizzes/')));
  for (const rel of files) assert.deepEqual(validateFile(validators, rel, readFileSync(join(REPO, rel), 'utf8')), [], rel);
});

test('every file of a `policysite new` site passes its schema, and names it', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'policysite-new-'));
  try {
    const dir = join(tmp, 'site');
    const r = cli(['new', dir, '--district', "St. Mary's District (North)", '--domain', 'north.example.org']);
    assert.equal(r.status, 0, r.stderr);
    const files = schemaFilesOf(dir, (d) => walk(d).filter((f) => !f.includes(`${join(d, 'themes')}`)));
    assert.ok(files.includes('site.yaml') && files.includes('quizzes/social-media-basics.yaml') && files.includes('data/directory.yaml'), files.join(' '));
    const site = YAML.parse(readFileSync(join(dir, 'site.yaml'), 'utf8'));
    assert.equal(site.district, "St. Mary's District (North)");
    for (const rel of files) {
      const text = readFileSync(join(dir, rel), 'utf8');
      assert.deepEqual(validateFile(loadSchemas(join(dir, 'schemas')), rel, text), [], rel);
      const schemaLine = text.split('\n').find((l) => l.startsWith('# yaml-language-server: $schema='));
      assert.ok(schemaLine, `${rel} names no schema`);
      const target = join(dirname(join(dir, rel)), schemaLine.split('=')[1]);
      assert.ok(statSync(target).isFile(), `${rel} points at ${target}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

const QUIZ_HEAD = 'id: public-records\ntitle: T\nmodule: training/public-records.md\nrevision: 1\nquestions:\n';
const TF = '  - id: a\n    type: true_false\n    prompt: P\n    answer: true\n    explanation: E\n';
const SITE = readFileSync(join(REPO, 'site.yaml'), 'utf8');
const PLATFORMS = readFileSync(join(REPO, 'data/platforms.yaml'), 'utf8');
const REQUEST = {
  schema: 'policysite/account-request', version: 1, id: 'req-20261128-abcdef01', submitted: '2026-11-28',
  requester: { name: 'Kim Coach', email: 'kim.coach@tacoma.k12.wa.us' },
  account: { type: 'sports_team', unit: 'Stadium High School', name: 'Stadium Tigers Football', purpose: 'educational',
    description: 'Schedules and team news.', platform: 'instagram', handle: '@stadiumtigersfb', url: null },
  administrators: [{ name: 'Kim Coach', email: 'kim.coach@tacoma.k12.wa.us', flsa_exempt: true,
    codes: { 'public-records': '51044-XM52V-TEF74-TJVE', 'ferpa-student-records': '51044-XM52V-TEF74-TJVE' } }],
  principal_approval: { name: 'Pat Principal', email: 'pat@tacoma.k12.wa.us', approved: true },
  privacy_settings: { notify_on_tag: true, approve_posts_by_others: true },
  acknowledgements: { policies: true, no_deletion: true, student_privacy: true },
};
const request = (edit) => { const r = structuredClone(REQUEST); edit(r); return JSON.stringify(r, null, 2); };

// [name (and the Rust test it mirrors), file, text, what the build does, schema verdict when that is
// `other` or `lenient`]. The build's verdicts: ok; key-type (rejected for a key or type problem);
// other (rejected for something a schema cannot know, such as a missing page); lenient (accepted only
// because serde-saphyr converts scalars the YAML 1.2 way an editor reads them does not: `yes` and
// quoted "no" as booleans, 5243 into a text field, "3" into a number. The schema follows YAML 1.2 and
// flags them; see the README).
const CASES = [
  // tests/integration/common.rs TestSite::minimal(): its pages are good front matter.
  ['minimal: home page', 'content/_index.md', '---\ntitle: Home\n---\nWelcome.\n', 'ok'],
  ['minimal: policy one', 'content/policy/one.md', '---\ntitle: Policy One\nnumber: "1234"\nweight: 2\n---\n\n## First part\n\nText[^a].\n\n[^a]: A footnote.\n', 'ok'],
  ['minimal: platforms page', 'content/platforms.md', '---\ntitle: Platforms\ntemplate: platforms.html\n---\n\nFootnote text: {{ platforms.approved_sentence }}\n', 'ok'],
  ['minimal: site.yaml without required_training', 'site.yaml', SITE.split('required_training:')[0], 'ok'],
  // tests/integration/build_errors.rs
  ['build_errors::unknown_front_matter_key', 'content/policy/two.md', '---\ntitle: Two\ntemplat: page.html\n---\nx\n', 'key-type'],
  ['build_errors::mistyped_front_matter_value (weight)', 'content/policy/two.md', '---\ntitle: Two\nweight: heavy\n---\nx\n', 'key-type'],
  ['build_errors::mistyped_front_matter_value (date)', 'content/policy/two.md', '---\ntitle: Two\napproved: 2016-02-30\n---\nx\n', 'key-type'],
  ['build_errors::all_errors (colour)', 'content/policy/two.md', '---\ntitle: Two\ncolour: red\n---\n', 'key-type'],
  ['build_errors::malformed_data_file', 'data/platforms.yaml', 'approved_intro: x\napproved:\n  - id: a\n    nmae: A\n', 'key-type'],
  ['build_errors::malformed_yaml', 'content/policy/two.md', '---\ntitle: [unclosed\n---\nx\n', 'other', false],
  ['build_errors::missing_template (not a schema matter)', 'content/policy/two.md', '---\ntitle: Two\ntemplate: nope.html\n---\nx\n', 'other', true],
  // tests/integration/quiz_validation.rs
  ['quiz_validation::unknown_key', 'quizzes/public-records.yaml', `${QUIZ_HEAD}  - id: a\n    type: true_false\n    prompt: P\n    answer: true\n    explanation: E\n    hint: nope\n`, 'key-type'],
  ['quiz_validation::missing_explanation', 'quizzes/public-records.yaml', `${QUIZ_HEAD}  - id: a\n    type: true_false\n    prompt: P\n    answer: true\n`, 'key-type'],
  ['quiz_validation::no_correct_answer', 'quizzes/public-records.yaml', `${QUIZ_HEAD}  - id: a\n    type: multiple\n    prompt: P\n    options: [x, y]\n    answer: []\n    explanation: E\n`, 'other', true],
  ['quiz_validation::answer_out_of_range', 'quizzes/public-records.yaml', `${QUIZ_HEAD}  - id: a\n    type: single\n    prompt: P\n    options: [x, y]\n    answer: 2\n    explanation: E\n`, 'other', true],
  ['quiz_validation::duplicate_question_ids', 'quizzes/public-records.yaml', `${QUIZ_HEAD}${TF}${TF}`, 'other', true],
  // tests/integration/request_cli.rs: a well-formed request (its codes are not real, so `request check` objects to them only).
  ['request_cli::good_request shape', 'req.json', request(() => {}), 'other', true],
  ['request_cli::school account without principal (not a schema matter)', 'req.json', request((r) => { r.account.type = 'school'; r.principal_approval = null; }), 'other', true],
  // Typos an admin makes.
  ['site.yaml: misspelt key', 'site.yaml', SITE.replace('district:', 'distrct:'), 'key-type'],
  ['site.yaml: words for a number', 'site.yaml', SITE.replace('code_validity_days: 365', 'code_validity_days: a year'), 'key-type'],
  ['site.yaml: misspelt nested key', 'site.yaml', SITE.replace('show_managers:', 'show_manager:'), 'key-type'],
  ['site.yaml: required key missing', 'site.yaml', SITE.replace(/^communications:\n(  .*\n)+/m, ''), 'key-type'],
  ['lenient: `draft: yes` (a YAML 1.1 boolean)', 'content/policy/two.md', '---\ntitle: Two\ndraft: yes\n---\nx\n', 'lenient', false],
  ['lenient: unquoted policy number', 'content/policy/two.md', '---\ntitle: Two\nnumber: 5243\n---\nx\n', 'lenient', false],
  ['lenient: quoted weight', 'content/policy/two.md', '---\ntitle: Two\nweight: "3"\n---\nx\n', 'lenient', false],
  ['front matter: one keyword where a list is expected', 'content/policy/two.md', '---\ntitle: Two\nkeywords: a\n---\nx\n', 'key-type'],
  ['front matter: history entry without date', 'content/policy/two.md', '---\ntitle: Two\nhistory:\n  - note: Revised\n---\nx\n', 'key-type'],
  ['front matter: date written American style', 'content/policy/two.md', '---\ntitle: Two\nrevised: 04/12/2016\n---\nx\n', 'key-type'],
  ['front matter: every key, good', 'content/policy/two.md', '---\ntitle: Two\ndescription: D\nweight: 3\nslug: two-b\ndraft: false\nin_nav: true\nnumber: "1234"\napproved: 2016-04-12\nrevised: 2020-01-31\nrelated: ["5243"]\nkeywords: [a, b]\nhistory:\n  - date: 2016-04-12\n    note: Adopted\nsources: [RCW 42.56]\n---\nx\n', 'ok'],
  ['quiz: unknown question type', 'quizzes/public-records.yaml', readFileSync(join(REPO, 'quizzes/public-records.yaml'), 'utf8').replace('type: single', 'type: one'), 'key-type'],
  ['platforms: barred platform without reason (not a schema matter)', 'data/platforms.yaml', PLATFORMS.replace(/\n    reason:.*(\n      .*)*/, ''), 'other', true],
  ['platforms: misspelt key', 'data/platforms.yaml', PLATFORMS.replace('barred_statement:', 'bared_statement:'), 'key-type'],
  ['directory: unknown status', 'data/directory.yaml', 'accounts:\n  - request_id: r1\n    platform: facebook\n    handle: "@x"\n    account_type: school\n    unit: U\n    approved: 2026-01-05\n    managers: []\n    status: closed\n', 'key-type'],
  ['directory: one account, good', 'data/directory.yaml', 'accounts:\n  - request_id: r1\n    platform: facebook\n    handle: "@x"\n    account_type: school\n    unit: U\n    approved: 2026-01-05\n    managers:\n      - name: A\n        email: a@tacoma.k12.wa.us\n', 'ok'],
  ['request: unknown key', 'req.json', request((r) => { r.requester.phone = '1'; }), 'key-type'],
  ['request: yes for a boolean', 'req.json', request((r) => { r.administrators[0].flsa_exempt = 'yes'; }), 'key-type'],
  ['request: unknown account type', 'req.json', request((r) => { r.account.type = 'schol'; }), 'key-type'],
  ['request: missing acknowledgements', 'req.json', request((r) => { delete r.acknowledgements; }), 'key-type'],
];

/** What the build (or, for request files, `request check`) says about `rel` after writing it into a
 *  copy of the bundled site: ok, key-type, or other. */
function buildVerdict(rel, text) {
  const dir = mkdtempSync(join(tmpdir(), 'policysite-schema-'));
  try {
    for (const f of ['site.yaml', 'content', 'data', 'quizzes', 'themes']) cpSync(join(REPO, f), join(dir, f), { recursive: true });
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
    const r = rel.endsWith('.json')
      ? cli(['--root', dir, 'request', 'check', '--today', '2026-11-28', join(dir, rel)])
      : cli(['--root', dir, 'build', '--output', join(dir, 'public')]);
    const out = r.stdout + r.stderr;
    if (r.status === 0) return { verdict: 'ok', out };
    // A file that failed is checked for a key or type problem among its own errors.
    const mine = rel.endsWith('.json') ? out.split('\n') : out.split('\n').filter((l) => l.startsWith(`error: ${rel}`));
    return { verdict: mine.some((l) => KEY_OR_TYPE.test(l)) ? 'key-type' : 'other', out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const [name, rel, text, expected, schemaValidForOther] of CASES) {
  test(`fixture: ${name}`, () => {
    const { verdict, out } = buildVerdict(rel, text);
    assert.equal(verdict, expected === 'lenient' ? 'ok' : expected, `the build's verdict changed:\n${out}`);
    const problems = validateFile(validators, rel, text);
    const shouldPass = expected === 'ok' || (expected !== 'key-type' && schemaValidForOther);
    if (shouldPass) assert.deepEqual(problems, [], 'the build accepts this shape, so the schema must');
    else assert.ok(problems.length > 0, 'the build rejects this for a key or type problem, so the schema must too');
  });
}

// What an admin's editor shows: the YAML language server (the engine of VS Code's YAML extension and
// of other editors' YAML support) finds the schema from the file's first line, with no setup.
let docVersion = 0;
async function editorDiagnostics(file) {
  const { getLanguageService } = await import('yaml-language-server');
  const { TextDocument } = await import('vscode-languageserver-textdocument');
  const { pathToFileURL, fileURLToPath } = await import('node:url');
  const ls = getLanguageService({
    schemaRequestService: async (uri) => readFileSync(fileURLToPath(uri), 'utf8'),
    workspaceContext: { resolveRelativePath: (rel, resource) => new URL(rel, resource).href },
    yamlSettings: {},
    clientCapabilities: {},
  });
  ls.configure({ validate: true, schemas: [] });
  // A new version each time: the language server caches parsed documents by URI and version.
  const doc = TextDocument.create(pathToFileURL(file).href, 'yaml', ++docVersion, readFileSync(file, 'utf8'));
  const diags = await ls.doValidation(doc, false);
  return diags.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);
}

test('the YAML language server validates site.yaml against its schema from the first line', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'policysite-editor-'));
  try {
    cpSync(join(REPO, 'schemas'), join(tmp, 'schemas'), { recursive: true });
    writeFileSync(join(tmp, 'site.yaml'), SITE);
    assert.deepEqual(await editorDiagnostics(join(tmp, 'site.yaml')), []);
    const typo = SITE.replace('district:', 'distrct:').replace('show_managers:', 'show_manager:');
    writeFileSync(join(tmp, 'site.yaml'), typo);
    const lines = typo.split('\n');
    const at = (s) => lines.findIndex((l) => l.includes(s)) + 1;
    const shown = await editorDiagnostics(join(tmp, 'site.yaml'));
    assert.ok(shown.includes(`${at('distrct:')}:1 Property distrct is not allowed.`), shown.join('\n'));
    assert.ok(shown.includes(`${at('show_manager:')}:3 Property show_manager is not allowed.`), shown.join('\n'));
    assert.ok(shown.some((s) => s.endsWith('Missing property "district".')), shown.join('\n'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
