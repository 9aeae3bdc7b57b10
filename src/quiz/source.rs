//! Loading `quizzes/*.yaml`: parse, validate every question with file:line, and compare each quiz with
//! the revisions recorded in the lock ([`super::revision`]). Nothing here writes a file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::quizzes::{Quiz, Quizzes};
use super::types::{Answer, Editorial, Kind, MAX_REVISION, QUIZ_DIR, Question};
use super::{code, fingerprint, keys};
use crate::date::Date;
use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::yaml::KeyLines;

/// A quiz file, `quizzes/<id>.yaml`: the questions that end one training module.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct QuizFile {
    /// The quiz's id, used in completion codes and request files, e.g. `public-records`: ASCII
    /// letters, digits, `-`, `_`, `.`, starting with a letter or digit (src/ident.rs).
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"))]
    id: String,
    /// The quiz's title, shown above the questions.
    title: String,
    /// The module page, as a path below `content/`.
    module: String,
    /// Raise it (1 to 255) whenever what is asked or which answers are right changes: codes of an
    /// older revision stop verifying (after `retrain_by`, if set). Read wide, then bounded with a clear message.
    #[schemars(range(min = 1, max = 255))]
    revision: i64,
    /// Markdown shown before the first question.
    #[serde(default)]
    description: String,
    /// Show the questions in a random order.
    #[serde(default)]
    shuffle_questions: bool,
    /// Show each question's options in a random order.
    #[serde(default)]
    shuffle_options: bool,
    /// Until when codes of the previous revision still count (YYYY-MM-DD); none: at once.
    #[serde(default)]
    retrain_by: Option<Date>,
    /// Declared wording-only changes to a published revision (codes stay valid); newest last.
    #[serde(default)]
    #[schemars(with = "Vec<Editorial>")]
    editorial: Vec<serde_saphyr::Spanned<Editorial>>,
    /// The questions, in order. Every one must be answered correctly to get a completion code.
    #[schemars(with = "Vec<Question>")]
    questions: Vec<serde_saphyr::Spanned<Question>>,
}

fn answer_problem(q: &Question) -> Option<(String, &'static str)> {
    let n = q.options.len();
    match (q.kind, &q.answer) {
        (Kind::TrueFalse, Answer::Bool(_)) if n == 0 => None,
        (Kind::TrueFalse, Answer::Bool(_)) => Some(("true_false questions take no `options`".to_string(), "options")),
        (Kind::TrueFalse, _) => Some(("a true_false question's answer is `true` or `false`".into(), "answer")),
        (_, _) if n < 2 => Some((format!("question `{}` needs at least two options", q.id), "options")),
        (Kind::Single, Answer::Index(i)) if *i >= n => {
            Some((format!("answer {i} is out of range: options are numbered 0 to {}", n - 1), "answer"))
        }
        (Kind::Single, Answer::Index(_)) => None,
        (Kind::Single, _) => Some(("a single-choice answer is one option number, counting from 0".into(), "answer")),
        (Kind::Multiple, Answer::Indices(v)) if v.is_empty() => {
            Some(("no correct answer: list at least one option number".into(), "answer"))
        }
        (Kind::Multiple, Answer::Indices(v)) => v
            .iter()
            .find(|&&i| i >= n)
            .map(|i| (format!("answer {i} is out of range: options are numbered 0 to {}", n - 1), "answer"))
            .or_else(|| {
                let mut s = v.clone();
                s.sort_unstable();
                s.dedup();
                (s.len() != v.len()).then(|| ("an option is listed twice in `answer`".to_string(), "answer"))
            }),
        (Kind::Multiple, _) => {
            Some(("a multiple-select answer is a list of option numbers, e.g. `[0, 2]`".into(), "answer"))
        }
    }
}

/// Lines come from `lines` (the file parsed once): a question written in flow style
/// (`- {id: q, answer: 5}`) has its keys on its own line, not on the next question's.
fn validate_questions(file: &Path, lines: &KeyLines<'_>, qf: &QuizFile, diags: &mut Diagnostics) {
    if qf.questions.is_empty() {
        diags.push(Diagnostic::new(file, "the quiz has no questions").at(lines.top("questions").unwrap_or(1), None));
    }
    let mut seen = BTreeMap::new();
    for sq in &qf.questions {
        let q = &sq.value;
        let line = sq.referenced.line() as usize;
        let at = |key: &str| lines.in_map_at(line, key);
        if let Some(d) = crate::ident::check(&q.id, "question id", file, at("id")) {
            diags.push(d);
        }
        if let Some(first) = seen.insert(q.id.clone(), line) {
            diags.push(
                Diagnostic::new(file, format!("question id `{}` is used twice (first on line {first})", q.id))
                    .at(at("id"), None)
                    .help("give each question its own id"),
            );
        }
        if q.explanation.trim().is_empty() {
            diags.push(
                Diagnostic::new(file, format!("question `{}` has an empty explanation", q.id))
                    .at(at("explanation"), None)
                    .help("explain why the answer is right, citing the module"),
            );
        }
        if q.section.as_deref().is_some_and(|s| s.trim().is_empty()) {
            diags.push(
                Diagnostic::new(file, format!("question `{}` has an empty `section`", q.id))
                    .at(at("section"), None)
                    .help("name the id of the module heading that teaches the question, or remove the key"),
            );
        }
        if let Some((msg, key)) = answer_problem(q) {
            diags.push(Diagnostic::new(file, msg).at(at(key), None));
        }
    }
}

/// `revision:` must fit the one byte a completion code carries, so a code names exactly one revision.
fn bounded_revision(file: &Path, line: usize, revision: i64, diags: &mut Diagnostics) -> u32 {
    match u32::try_from(revision) {
        Ok(r) if (1..=MAX_REVISION).contains(&r) => r,
        _ => {
            diags.push(
                Diagnostic::new(file, format!("revision {revision} is out of range: revisions go from 1 to {MAX_REVISION}"))
                    .at(line, None)
                    .help(format!(
                        "completion codes carry the revision in one byte; use a number from 1 to {MAX_REVISION} (start at 1, raise it by one per substantive change)"
                    )),
            );
            1
        }
    }
}

fn validate_editorial(file: &Path, lines: &KeyLines<'_>, qf: &QuizFile, diags: &mut Diagnostics) {
    let mut previous: Option<Date> = None;
    for e in &qf.editorial {
        let line = e.referenced.line() as usize;
        if e.value.note.trim().is_empty() {
            diags.push(
                Diagnostic::new(file, "an editorial entry needs a `note` saying what was reworded")
                    .at(lines.in_map_at(line, "note"), None),
            );
        }
        if previous.is_some_and(|p| e.value.date < p) {
            diags.push(
                Diagnostic::new(
                    file,
                    format!("editorial entry dated {} is older than the one before it", e.value.date),
                )
                .at(line, None)
                .help("add new editorial entries at the end of the list, oldest first"),
            );
        }
        previous = Some(e.value.date);
    }
}

fn quiz_files(dir: &Path) -> Option<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    Some(files)
}

/// A quiz file's text and what it says; `None` when it cannot be read or is not a quiz file (the
/// problem goes to `diags`).
fn read_quiz_file(root: &Path, path: &Path, file: &Path, diags: &mut Diagnostics) -> Option<(String, QuizFile)> {
    let text = match crate::fsutil::read_text(path, root) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    match crate::yaml::parse(&text, file, 1) {
        Ok(qf) => Some((text, qf)),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// Load and validate every quiz, and compare each with the revision lock. Writes nothing: unpublished
/// revisions and declared editorial changes come back as warnings in [`Quizzes::warnings`].
pub fn load_all(root: &Path) -> Result<Quizzes, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut quizzes = Quizzes::default();
    let Some(files) = quiz_files(&root.join(QUIZ_DIR)) else { return Ok(quizzes) };
    let lock = super::lock::read(root)?;
    let mut tags: BTreeMap<u16, String> = BTreeMap::new();
    for path in files {
        let file = display_path(root, &path);
        let Some((text, qf)) = read_quiz_file(root, &path, &file, &mut diags) else { continue };
        let before = diags.len();
        let lines = KeyLines::read(&text, 1);
        validate_questions(&file, &lines, &qf, &mut diags);
        validate_editorial(&file, &lines, &qf, &mut diags);
        let revision_line = lines.top("revision").unwrap_or(1);
        let revision = bounded_revision(&file, revision_line, qf.revision, &mut diags);
        let id_line = lines.top("id").unwrap_or(1);
        if let Some(d) = crate::ident::check(&qf.id, "quiz id", &file, id_line) {
            diags.push(d);
            continue;
        }
        if let Some(other) = quizzes.by_id.get(&qf.id) {
            diags.push(
                Diagnostic::new(&file, format!("quiz id `{}` is already used by {}", qf.id, other.file.display()))
                    .at(id_line, None),
            );
            continue;
        }
        let tag = code::quiz_tag(&qf.id);
        if let Some(other) = tags.insert(tag, qf.id.clone()) {
            diags.push(
                Diagnostic::new(&file, format!("quiz ids `{}` and `{other}` share a completion-code tag", qf.id))
                    .at(id_line, None)
                    .help("rename one of the two quizzes"),
            );
        }
        if diags.len() > before {
            continue;
        }
        let questions: Vec<Question> = qf
            .questions
            .into_iter()
            .map(|s| {
                let line = s.referenced.line() as usize;
                let section_line = if s.value.section.is_some() { lines.in_map_at(line, "section") } else { line };
                Question { line, section_line, ..s.value }
            })
            .collect();
        let prints = fingerprint::questions(&questions);
        let key = keys::quiz_key(&qf.id, revision, &keys::all_question_keys(&qf.id, revision, &questions));
        let mut quiz = Quiz {
            module_line: lines.top("module").unwrap_or(1),
            id: qf.id,
            title: qf.title,
            module: qf.module,
            revision,
            description: qf.description,
            shuffle_questions: qf.shuffle_questions,
            shuffle_options: qf.shuffle_options,
            questions,
            file,
            revision_line,
            key,
            retrain_by: qf.retrain_by,
            editorial: qf.editorial.into_iter().map(|e| e.value).collect(),
            published: Vec::new(),
        };
        quiz.published = lock.entries(&quiz.id).to_vec();
        let found = super::revision::compare(&quiz, &prints);
        diags.extend(found.errors);
        quizzes.warnings.extend(found.warnings);
        quizzes.by_id.insert(quiz.id.clone(), quiz);
    }
    diags.into_result(quizzes)
}
