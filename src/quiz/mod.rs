//! Training quizzes (`quizzes/*.yaml`): loading, validation, the revision lock, and what the module
//! pages and the CLI need from them. Completion codes are in [`code`]; answer-derived keys in [`keys`].

pub mod code;
pub mod keys;
pub mod verify;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::model::{Page, Site};

pub const QUIZ_DIR: &str = "quizzes";
pub const LOCK_FILE: &str = "quizzes/revisions.lock";

/// A quiz file, `quizzes/<id>.yaml`: the questions that end one training module.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct QuizFile {
    /// The quiz's id, used in completion codes and request files, e.g. `public-records`.
    id: String,
    /// The quiz's title, shown above the questions.
    title: String,
    /// The module page, as a path below `content/`.
    module: String,
    /// Raise it whenever questions, options or answers change: codes of an older revision stop verifying.
    revision: u32,
    /// Markdown shown before the first question.
    #[serde(default)]
    description: String,
    /// Show the questions in a random order.
    #[serde(default)]
    shuffle_questions: bool,
    /// Show each question's options in a random order.
    #[serde(default)]
    shuffle_options: bool,
    /// The questions, in order. Every one must be answered correctly to get a completion code.
    #[schemars(with = "Vec<Question>")]
    questions: Vec<serde_saphyr::Spanned<Question>>,
}

/// One quiz question.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Unique within the quiz, e.g. `five-days`.
    pub id: String,
    /// `single` (one correct option), `multiple` (several) or `true_false`.
    #[serde(rename = "type")]
    pub kind: Kind,
    /// The question, in Markdown.
    pub prompt: String,
    /// The choices, in Markdown (not for `true_false`).
    #[serde(default)]
    pub options: Vec<String>,
    /// `single`: the correct option's number, from 0; `multiple`: a list of numbers; `true_false`: true or false.
    pub answer: Answer,
    /// Markdown, shown once the question is answered correctly.
    pub explanation: String,
}

/// The kind of question.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// One correct option: `answer: 2`.
    Single,
    /// Several correct options: `answer: [0, 2]`.
    Multiple,
    /// `answer: true` or `false`; no options.
    TrueFalse,
}

/// The correct answer: an option number, a list of option numbers, or true/false.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Answer {
    Bool(bool),
    Index(usize),
    Indices(Vec<usize>),
}

#[derive(Debug, Clone)]
pub struct Quiz {
    pub id: String,
    pub title: String,
    pub module: String,
    pub revision: u32,
    pub description: String,
    pub shuffle_questions: bool,
    pub shuffle_options: bool,
    pub questions: Vec<Question>,
    pub file: PathBuf,
    /// Line of `revision:` (for lock errors) and of `module:`.
    pub revision_line: usize,
    pub module_line: usize,
    /// The key that signs completion codes, derived from the correct answers.
    pub key: [u8; 32],
    pub fingerprint: String,
}

/// All quizzes, and revisions not yet recorded in the lock file.
#[derive(Debug, Clone, Default)]
pub struct Quizzes {
    pub by_id: BTreeMap<String, Quiz>,
    pub new_lock_entries: Vec<String>,
}

impl Quizzes {
    pub fn get(&self, id: &str) -> Option<&Quiz> {
        self.by_id.get(id)
    }
    pub fn by_tag(&self, tag: u16) -> Option<&Quiz> {
        self.by_id.values().find(|q| code::quiz_tag(&q.id) == tag)
    }
}

/// What a quiz's content is, for the lock: questions, options, answers, types. Changing only an
/// explanation or the title does not need a new revision.
fn fingerprint(id: &str, questions: &[Question]) -> String {
    use sha2::Digest;
    let canonical: Vec<_> = questions
        .iter()
        .map(|q| {
            (
                q.id.as_str(),
                q.kind,
                q.prompt.trim(),
                q.options.iter().map(|o| o.trim()).collect::<Vec<_>>(),
                keys::answer_string(&q.answer),
            )
        })
        .collect();
    let json = serde_json::to_string(&(id, canonical)).unwrap_or_default();
    keys::hex(&sha2::Sha256::digest(json.as_bytes()))
}

fn line_after(text: &str, from_line: usize, key: &str) -> usize {
    text.lines()
        .enumerate()
        .skip(from_line.saturating_sub(1))
        .find(|(_, l)| l.trim_start().trim_start_matches("- ").starts_with(&format!("{key}:")))
        .map_or(from_line, |(i, _)| i + 1)
}

fn validate_questions(file: &Path, text: &str, qf: &QuizFile, diags: &mut Diagnostics) {
    if qf.questions.is_empty() {
        diags.push(
            Diagnostic::new(file, "the quiz has no questions")
                .at(crate::yaml::key_line(text, "questions", 1).unwrap_or(1), None),
        );
    }
    let mut seen = BTreeMap::new();
    for sq in &qf.questions {
        let q = &sq.value;
        let line = sq.referenced.line() as usize;
        let at = |key: &str| line_after(text, line, key);
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
        let n = q.options.len();
        let problem = match (q.kind, &q.answer) {
            (Kind::TrueFalse, Answer::Bool(_)) if n == 0 => None,
            (Kind::TrueFalse, Answer::Bool(_)) => {
                Some(("true_false questions take no `options`".to_string(), "options"))
            }
            (Kind::TrueFalse, _) => Some(("a true_false question's answer is `true` or `false`".into(), "answer")),
            (_, _) if n < 2 => Some((format!("question `{}` needs at least two options", q.id), "options")),
            (Kind::Single, Answer::Index(i)) if *i >= n => {
                Some((format!("answer {i} is out of range: options are numbered 0 to {}", n - 1), "answer"))
            }
            (Kind::Single, Answer::Index(_)) => None,
            (Kind::Single, _) => {
                Some(("a single-choice answer is one option number, counting from 0".into(), "answer"))
            }
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
        };
        if let Some((msg, key)) = problem {
            diags.push(Diagnostic::new(file, msg).at(at(key), None));
        }
    }
}

/// Load and validate every quiz, and compare each with the revision lock.
pub fn load_all(root: &Path) -> Result<Quizzes, Diagnostics> {
    let dir = root.join(QUIZ_DIR);
    let mut diags = Diagnostics::default();
    let mut quizzes = Quizzes::default();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect(),
        Err(_) => return Ok(quizzes),
    };
    files.sort();
    let lock = read_lock(root);
    let mut tags: BTreeMap<u16, String> = BTreeMap::new();
    for path in files {
        let file = display_path(root, &path);
        let text = match crate::load::read_text(&path, root) {
            Ok(t) => t,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let qf: QuizFile = match crate::yaml::parse(&text, &file, 1) {
            Ok(q) => q,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let before = diags.len();
        validate_questions(&file, &text, &qf, &mut diags);
        let id_line = crate::yaml::key_line(&text, "id", 1).unwrap_or(1);
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
        let questions: Vec<Question> = qf.questions.into_iter().map(|s| s.value).collect();
        let fp = fingerprint(&qf.id, &questions);
        let revision_line = crate::yaml::key_line(&text, "revision", 1).unwrap_or(1);
        match lock.get(&(qf.id.clone(), qf.revision)) {
            Some(locked) if *locked != fp => diags.push(
                Diagnostic::new(
                    &file,
                    format!(
                        "the questions or answers of quiz `{}` changed, but its revision is still {}",
                        qf.id, qf.revision
                    ),
                )
                .at(revision_line, None)
                .help(format!(
                    "set `revision: {}`: codes issued for the old questions must stop counting as current",
                    qf.revision + 1
                )),
            ),
            Some(_) => {}
            None => {
                let newest = lock.keys().filter(|(id, _)| *id == qf.id).map(|(_, r)| *r).max();
                if let Some(newest) = newest.filter(|n| *n > qf.revision) {
                    diags.push(
                        Diagnostic::new(
                            &file,
                            format!("revision {} is older than revision {newest}, already published", qf.revision),
                        )
                        .at(revision_line, None)
                        .help(format!("use a revision above {newest}")),
                    );
                }
                quizzes.new_lock_entries.push(format!("{} {} {fp}", qf.id, qf.revision));
            }
        }
        let key = keys::quiz_key(&qf.id, qf.revision, &keys::all_question_keys(&qf.id, qf.revision, &questions));
        quizzes.by_id.insert(
            qf.id.clone(),
            Quiz {
                module_line: crate::yaml::key_line(&text, "module", 1).unwrap_or(1),
                id: qf.id,
                title: qf.title,
                module: qf.module,
                revision: qf.revision,
                description: qf.description,
                shuffle_questions: qf.shuffle_questions,
                shuffle_options: qf.shuffle_options,
                questions,
                file,
                revision_line,
                key,
                fingerprint: fp,
            },
        );
    }
    diags.into_result(quizzes)
}

fn read_lock(root: &Path) -> BTreeMap<(String, u32), String> {
    let text = std::fs::read_to_string(root.join(LOCK_FILE)).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            Some(((parts.next()?.to_string(), parts.next()?.parse().ok()?), parts.next()?.to_string()))
        })
        .collect()
}

/// Record newly published revisions (called by `build` after a successful build).
pub fn record_lock(root: &Path, quizzes: &Quizzes) -> std::io::Result<()> {
    if quizzes.new_lock_entries.is_empty() {
        return Ok(());
    }
    let path = root.join(LOCK_FILE);
    let mut text = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        "# Quiz revision lock, written by `policysite build`. Commit it.\n# One line per published revision: quiz id, revision, fingerprint of its questions and answers.\n# A build fails if a quiz's questions or answers change while its revision stays the same.\n".to_string()
    });
    for e in &quizzes.new_lock_entries {
        text.push_str(e);
        text.push('\n');
    }
    crate::output::write_atomic(&path, text.as_bytes())
}

/// Module pages must name quizzes that exist; quizzes must name module pages that exist.
pub fn check_references(root: &Path, site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for id in &site.config.required_training {
        if site.quizzes.get(id).is_none() {
            let text = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
            let line = crate::yaml::key_line(&text, "required_training", 1).unwrap_or(1);
            diags.push(
                Diagnostic::new(
                    crate::config::CONFIG_FILE,
                    format!("`required_training` names quiz `{id}`, which does not exist"),
                )
                .at(line, None)
                .help("list quiz ids from quizzes/"),
            );
        }
    }
    for p in &site.pages {
        if let Some(id) = &p.source.front.quiz
            && site.quizzes.get(id).is_none()
        {
            let known: Vec<&str> = site.quizzes.by_id.keys().map(String::as_str).collect();
            diags.push(
                Diagnostic::new(&p.source.file, format!("quiz `{id}` does not exist"))
                    .at(p.source.key_line("quiz"), None)
                    .help(format!(
                        "quizzes in quizzes/: {}",
                        if known.is_empty() { "none".into() } else { known.join(", ") }
                    )),
            );
        }
    }
    for q in site.quizzes.by_id.values() {
        if site.page(&q.module).is_none() {
            diags.push(
                Diagnostic::new(&q.file, format!("module page `content/{}` does not exist", q.module))
                    .at(q.module_line, None)
                    .help("`module` is the module's path below content/"),
            );
        }
    }
    diags
}

/// Render a short Markdown text (a prompt or an option) without a wrapping paragraph.
fn inline_html(md: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(md, crate::markdown::options()));
    let t = html.trim();
    match t.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => t.to_string(),
    }
}

#[derive(Serialize)]
struct QuestionView {
    id: String,
    number: usize,
    kind: Kind,
    prompt: String,
    input: &'static str,
    options: Vec<OptionView>,
}

#[derive(Serialize)]
struct OptionView {
    value: String,
    html: String,
}

/// What the browser needs to check answers and issue a code. No answer and no key is in here.
#[derive(Serialize)]
struct QuizScriptData<'a> {
    quiz: &'a str,
    revision: u32,
    shuffle_questions: bool,
    shuffle_options: bool,
    questions: Vec<QuestionScript<'a>>,
}

#[derive(Serialize)]
struct QuestionScript<'a> {
    id: &'a str,
    kind: Kind,
    check: String,
    /// Explanation HTML, encrypted under the question key (hex).
    explanation: String,
}

/// Extra template context for a training module page: its quiz, ready to render.
pub fn page_context(site: &Site, page: &Page) -> Vec<(&'static str, tera::Value)> {
    let Some(quiz) = page.source.front.quiz.as_ref().and_then(|id| site.quizzes.get(id)) else {
        return Vec::new();
    };
    let qkeys = keys::all_question_keys(&quiz.id, quiz.revision, &quiz.questions);
    let questions: Vec<QuestionView> = quiz
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| QuestionView {
            id: q.id.clone(),
            number: i + 1,
            kind: q.kind,
            prompt: inline_html(&q.prompt),
            input: if q.kind == Kind::Multiple { "checkbox" } else { "radio" },
            options: match q.kind {
                Kind::TrueFalse => vec![
                    OptionView { value: "true".into(), html: "True".into() },
                    OptionView { value: "false".into(), html: "False".into() },
                ],
                _ => q
                    .options
                    .iter()
                    .enumerate()
                    .map(|(j, o)| OptionView { value: j.to_string(), html: inline_html(o) })
                    .collect(),
            },
        })
        .collect();
    let script = QuizScriptData {
        quiz: &quiz.id,
        revision: quiz.revision,
        shuffle_questions: quiz.shuffle_questions,
        shuffle_options: quiz.shuffle_options,
        questions: quiz
            .questions
            .iter()
            .zip(&qkeys)
            .map(|(q, k)| {
                let mut html = String::new();
                pulldown_cmark::html::push_html(
                    &mut html,
                    pulldown_cmark::Parser::new_ext(&q.explanation, crate::markdown::options()),
                );
                QuestionScript {
                    id: &q.id,
                    kind: q.kind,
                    check: keys::check_hash(k),
                    explanation: keys::hex(&keys::seal(k, html.as_bytes())),
                }
            })
            .collect(),
    };
    // `</` cannot appear in JSON we emit inside <script>: escape it.
    let json = serde_json::to_string(&script).unwrap_or_default().replace("</", "<\\/");
    let view = serde_json::json!({
        "id": quiz.id,
        "title": quiz.title,
        "revision": quiz.revision,
        "description": quiz.description,
        "questions": questions,
        "script_data": json,
    });
    tera::Value::try_from_serializable(&view).map(|v| vec![("quiz", v)]).unwrap_or_default()
}

/// Site-wide quiz facts for the request form's in-page checks: which quizzes exist, their tags and
/// current revisions. Loaded as a script so it works from `file://`.
pub fn site_files(site: &Site) -> Vec<(String, Vec<u8>)> {
    let quizzes: Vec<_> = site
        .quizzes
        .by_id
        .values()
        .map(|q| serde_json::json!({ "id": q.id, "title": q.title, "tag": code::quiz_tag(&q.id), "revision": q.revision, "module": site.page(&q.module).map(|p| p.url.clone()) }))
        .collect();
    let config = serde_json::json!({
        "quizzes": quizzes,
        "validity_days": site.config.code_validity_days,
        "required_training": site.config.required_training,
        "email_domains": site.config.email_domains,
        "communications": site.config.communications,
        "platforms": site.data.platforms,
    });
    let js =
        format!("window.POLICYSITE = {};\n", serde_json::to_string(&config).unwrap_or_default().replace("</", "<\\/"));
    vec![("assets/site-data.js".into(), js.into_bytes())]
}
