//! The site's view of the quizzes: the template context of a training module page, the site-wide
//! `assets/site-data.js`, and the checks that tie quizzes to pages (module pages, `section:` anchors,
//! `required_training`). Kept apart from `crate::quiz` so the quiz domain knows neither Tera nor
//! `Site` (and the quiz module imports neither the model nor Markdown).

use std::path::Path;

use serde::Serialize;

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Page, Site};
use crate::quiz::{Kind, Quiz, code, keys};

/// Module pages must name quizzes that exist; quizzes must name module pages that exist, and each
/// question's `section` must be a heading id of its module page.
pub fn check_references(_root: &Path, site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for id in &site.config.required_training {
        if site.quizzes.get(id).is_none() {
            let line = site.config.key_line("required_training");
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
        match site.page(&q.module) {
            None => diags.push(
                Diagnostic::new(&q.file, format!("module page `content/{}` does not exist", q.module))
                    .at(q.module_line, None)
                    .help("`module` is the module's path below content/"),
            ),
            Some(page) => diags.extend(check_sections(q, page)),
        }
        diags.extend(check_text(q));
    }
    diags
}

/// Quiz text becomes HTML on the module page (and in its SCORM package): held to the pages' rules
/// for links, images and raw HTML (`markdown::problems_in_text`), reported at the question.
fn check_text(quiz: &Quiz) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for problem in crate::markdown::problems_in_text(&quiz.description) {
        diags.push(
            Diagnostic::new(&quiz.file, format!("description: {problem}"))
                .help("quiz text may format words and link to https: pages, but not carry script, forms or images from other hosts"),
        );
    }
    for q in &quiz.questions {
        let texts = std::iter::once(("prompt", q.prompt.as_str()))
            .chain(q.options.iter().map(|o| ("option", o.as_str())))
            .chain(std::iter::once(("explanation", q.explanation.as_str())));
        for (what, text) in texts {
            for problem in crate::markdown::problems_in_text(text) {
                diags.push(
                    Diagnostic::new(&quiz.file, format!("question `{}`, {what}: {problem}", q.id))
                        .at(q.line, None)
                        .help("quiz text may format words and link to https: pages, but not carry script, forms or images from other hosts"),
                );
            }
        }
    }
    diags
}

/// Every `section:` names a heading of the module page (the link a wrong answer's feedback gives).
fn check_sections(quiz: &Quiz, page: &Page) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for q in &quiz.questions {
        let Some(section) = q.section.as_deref() else { continue };
        if page.anchors.contains(section) {
            continue;
        }
        let headings: Vec<&str> = page.toc.iter().map(|t| t.id.as_str()).collect();
        diags.push(
            Diagnostic::new(
                &quiz.file,
                format!(
                    "question `{}` names section `{section}`, which is not a heading id of content/{}",
                    q.id, quiz.module
                ),
            )
            .at(q.section_line, None)
            .help(format!("headings there: {}", headings.join(", "))),
        );
    }
    diags
}

/// Render a short Markdown text (a prompt or an option) without a wrapping paragraph.
fn inline_html(md: &str) -> String {
    let t = block_html(md);
    let t = t.trim();
    match t.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => t.to_string(),
    }
}

fn block_html(md: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(md, crate::markdown::options()));
    html
}

#[derive(Serialize)]
struct QuestionView {
    id: String,
    number: usize,
    kind: Kind,
    prompt: String,
    input: &'static str,
    options: Vec<OptionView>,
    /// Heading id of the module section that teaches the question (a `#id` link target), or null.
    section: Option<String>,
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
    section: Option<&'a str>,
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
            section: q.section.clone(),
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
            .map(|(q, k)| QuestionScript {
                id: &q.id,
                kind: q.kind,
                check: keys::check_hash(k),
                explanation: crate::encode::hex(&keys::seal(k, block_html(&q.explanation).as_bytes())),
                section: q.section.as_deref(),
            })
            .collect(),
    };
    let json = crate::encode::script_json(&script);
    let view = serde_json::json!({
        "id": quiz.id,
        "title": quiz.title,
        "revision": quiz.revision,
        "description": block_html(&quiz.description),
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
        .map(|q| {
            // Superseded revisions whose codes count until a retraining deadline (no key material).
            let superseded: Vec<_> = q
                .retraining_windows()
                .into_iter()
                .map(|(revision, due)| serde_json::json!({ "revision": revision, "retrain_by": due }))
                .collect();
            serde_json::json!({ "id": q.id, "title": q.title, "tag": code::quiz_tag(&q.id), "revision": q.revision, "superseded": superseded, "module": site.page(&q.module).map(|p| p.url.clone()) })
        })
        .collect();
    let config = serde_json::json!({
        "quizzes": quizzes,
        "validity_days": site.config.code_validity_days,
        // site.yaml's `time_zone` (null: UTC): the browser dates completion codes and counts their
        // validity in it, as every command does (`crate::date::today`).
        "time_zone": site.config.time_zone,
        "required_training": site.config.required_training,
        "email_domains": site.config.email_domains,
        "communications": site.config.communications,
        "platforms": site.data.platforms,
        "handle_pattern": crate::load::directory::HANDLE_PATTERN,
        "needs_principal": crate::accounts::NEEDS_PRINCIPAL,
        "account_types": crate::accounts::ACCOUNT_TYPES,
        "principal_rule": crate::accounts::PRINCIPAL_RULE,
        "classroom_guidance": crate::accounts::CLASSROOM_GUIDANCE,
        "request_block": { "begin": crate::request::envelope::BEGIN, "end": crate::request::envelope::END },
        // Active accounts of the directory, for the form's update requests (`update_of`: the request id).
        // Only what the public /directory/ page shows: no administrators.
        "accounts": site.data.directory.accounts.iter()
            .filter(|a| a.status == crate::load::directory::Status::Active)
            .map(|a| serde_json::json!({
                "id": a.request_id, "name": a.name, "unit": a.unit, "type": a.account_type,
                "platform": a.platform, "handle": a.handle, "url": a.url,
            }))
            .collect::<Vec<_>>(),
        // The platform list's address (search links a platform that is not approved to it).
        "platforms_page": site.first_of(crate::model::PageKind::Platforms).map(|p| p.url.clone()),
        // The request form's address below the site's root (progress links "next: request the account").
        "request": site.first_of(crate::model::PageKind::Request).map(|p| p.url.clone()),
    });
    let js = format!("window.POLICYSITE = {};\n", crate::encode::script_json(&config));
    vec![("assets/site-data.js".into(), js.into_bytes())]
}
