//! Quiz sources are validated at build time with file:line, and the revision lock catches a quiz
//! edited without a revision bump (the lifecycle itself is in quiz_lifecycle.rs).
use crate::common;
use crate::quiz_support::{next, rev, set_revision};

use common::TestSite;

fn quiz_error(quiz_yaml: &str, expected: &[&str]) {
    let site = TestSite::bundled();
    site.write("quizzes/public-records.yaml", quiz_yaml);
    let stderr = site.build_err();
    for e in expected {
        assert!(stderr.contains(e), "expected `{e}` in:\n{stderr}");
    }
}

const HEAD: &str = "id: public-records\ntitle: T\nmodule: training/public-records.md\nrevision: 1\nquestions:\n";

#[test]
fn unknown_key() {
    quiz_error(
        &format!(
            "{HEAD}  - id: a\n    type: true_false\n    prompt: P\n    answer: true\n    explanation: E\n    hint: nope\n"
        ),
        &["quizzes/public-records.yaml:11:5: unknown field `hint`"],
    );
}

#[test]
fn no_correct_answer() {
    quiz_error(
        &format!(
            "{HEAD}  - id: a\n    type: multiple\n    prompt: P\n    options: [x, y]\n    answer: []\n    explanation: E\n"
        ),
        &["quizzes/public-records.yaml:10:", "no correct answer"],
    );
}

#[test]
fn answer_out_of_range() {
    quiz_error(
        &format!(
            "{HEAD}  - id: a\n    type: single\n    prompt: P\n    options: [x, y]\n    answer: 2\n    explanation: E\n"
        ),
        &["quizzes/public-records.yaml:10: answer 2 is out of range: options are numbered 0 to 1"],
    );
}

#[test]
fn duplicate_question_ids() {
    let q = "  - id: a\n    type: true_false\n    prompt: P\n    answer: true\n    explanation: E\n";
    quiz_error(
        &format!("{HEAD}{q}{q}"),
        &["quizzes/public-records.yaml:11: question id `a` is used twice (first on line 6)"],
    );
}

#[test]
fn missing_explanation() {
    quiz_error(
        &format!("{HEAD}  - id: a\n    type: true_false\n    prompt: P\n    answer: true\n"),
        &["quizzes/public-records.yaml:9:5: missing field `explanation`"],
    );
    quiz_error(
        &format!("{HEAD}  - id: a\n    type: true_false\n    prompt: P\n    answer: true\n    explanation: \"\"\n"),
        &["quizzes/public-records.yaml:10: question `a` has an empty explanation"],
    );
}

#[test]
fn duplicate_quiz_ids() {
    let site = TestSite::bundled();
    let text = site.read("quizzes/public-records.yaml");
    site.write("quizzes/copy.yaml", &text);
    let stderr = site.build_err();
    assert!(
        stderr.contains("quizzes/public-records.yaml:4: quiz id `public-records` is already used by quizzes/copy.yaml"),
        "{stderr}"
    );
}

#[test]
fn module_naming_a_missing_quiz() {
    let site = TestSite::bundled();
    let page = site.read("content/training/public-records.md").replace("quiz: public-records", "quiz: public-record");
    site.write("content/training/public-records.md", &page);
    let stderr = site.build_err();
    assert!(stderr.contains("content/training/public-records.md:6: quiz `public-record` does not exist"), "{stderr}");
    assert!(
        // ui (issue 13): the optional moderating-comments module has its own quiz.
        stderr.contains(
            "quizzes in quizzes/: disclosures, ferpa-student-records, moderating-comments, professional-boundaries, public-records, running-an-account"
        ),
        "{stderr}"
    );
}

#[test]
fn forgotten_revision_bump_is_caught_at_the_changed_question() {
    // Issue 13: the error named only `revision:`; it now points at the question that changed.
    let site = TestSite::bundled();
    let text = site.read("quizzes/public-records.yaml");
    let id_line = text.lines().position(|l| l == "  - id: personal-phone").expect("question") + 1;
    let mut inside = false;
    let changed: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("  - id: ") {
                inside = l == "  - id: personal-phone";
            }
            if inside && l.starts_with("    answer: ") { "    answer: 0".to_string() } else { l.to_string() }
        })
        .collect();
    site.write("quizzes/public-records.yaml", &(changed.join("\n") + "\n"));
    let stderr = site.build_err();
    assert!(
        stderr.contains(&format!("quizzes/public-records.yaml:{id_line}: the answer, type or number of options of question `personal-phone` changed, but revision {} of quiz `public-records` is already published", rev())),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("set `revision: {}`", next())), "{stderr}");
    // Raising the revision builds, and the build records nothing: publishing is explicit.
    let lock = site.read("quizzes/revisions.lock");
    site.write("quizzes/public-records.yaml", &set_revision(&(changed.join("\n") + "\n"), &next()));
    assert!(site.build_ok().contains(&format!("revision {} of quiz `public-records` is not published yet", next())));
    assert_eq!(lock, site.read("quizzes/revisions.lock"));
}

#[test]
fn a_section_must_be_a_heading_of_the_module_page() {
    let site = TestSite::bundled();
    let text = site.read("quizzes/public-records.yaml").replacen(
        "    section: personal-phones-and-personal-accounts",
        "    section: personal-phones",
        1,
    );
    let line = text.lines().position(|l| l == "    section: personal-phones").expect("edited") + 1;
    site.write("quizzes/public-records.yaml", &text);
    let stderr = site.build_err();
    assert!(
        stderr.contains(&format!("quizzes/public-records.yaml:{line}: question `personal-phone` names section `personal-phones`, which is not a heading id of content/training/public-records.md")),
        "{stderr}"
    );
    assert!(stderr.contains("headings there: why-this-training,"), "{stderr}");
}

#[test]
fn every_bundled_question_names_its_section_and_templates_get_it() {
    for entry in std::fs::read_dir(std::path::Path::new(common::REPO).join("quizzes")).expect("quizzes") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let name = path.display();
        let text = std::fs::read_to_string(&path).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate().filter(|(_, l)| l.starts_with("  - id: ")) {
            assert!(lines[i + 1].starts_with("    section: "), "{name}: `{l}` has no `section:` on the next line");
        }
    }
    // The template context: each question's `section` (the id, or null).
    let site = TestSite::bundled();
    site.write(
        "templates/partials/quiz.html",
        "{% for q in quiz.questions %}<a data-q=\"{{ q.id }}\" href=\"#{{ q.section }}\"></a>{% endfor %}",
    );
    site.build_ok();
    let html = site.html("training/public-records/index.html");
    assert!(
        html.contains("<a data-q=\"personal-phone\" href=\"#personal-phones-and-personal-accounts\"></a>"),
        "{html}"
    );
    assert!(html.contains("id=\"personal-phones-and-personal-accounts\""));
}

#[test]
fn bundled_quizzes_have_at_least_ten_questions_each() {
    for entry in std::fs::read_dir(std::path::Path::new(common::REPO).join("quizzes")).expect("quizzes") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|x| x == "yaml") {
            let text = std::fs::read_to_string(&path).expect("read");
            let n = text.lines().filter(|l| l.starts_with("  - id: ")).count();
            assert!(n >= 10, "{} has {n} questions", path.display());
        }
    }
}

/// Quiz text is held to the pages' rules: a prompt, an option or an explanation that would carry a
/// script, a redirect or a `javascript:` link onto the module page fails the build at its question.
#[test]
fn quiz_text_that_could_run_script_is_refused() {
    use crate::quiz_support::{QUIZ, edit_question, line_of};
    let site = TestSite::bundled();
    let text = set_revision(&site.read(QUIZ), &next());
    let text = edit_question(&text, "personal-phone", |l| {
        if l.starts_with("    prompt: ") {
            "    prompt: 'Where? <script src=\"../../assets/evil.js\"></script>'".to_string()
        } else if l.starts_with("    explanation: ") {
            "    explanation: \"[More](javascript:alert(1))\\n\\n<div>\\n<meta http-equiv=refresh\\ncontent=\\\"0;url=https://evil.example/\\\">\\n</div>\"".to_string()
        } else {
            l.to_string()
        }
    });
    site.write(QUIZ, &text);
    let err = site.build_err();
    let at = format!("{QUIZ}:{}", line_of(&text, "  - id: personal-phone"));
    for e in [
        format!("{at}: question `personal-phone`, prompt: raw HTML `<script>` is not allowed on a page"),
        format!("{at}: question `personal-phone`, explanation: a link to a `javascript:` address is not allowed"),
        format!("{at}: question `personal-phone`, explanation: raw HTML `<meta>` is not allowed on a page"),
    ] {
        assert!(err.contains(&e), "expected `{e}` in:\n{err}");
    }
}

/// A quiz's `description:` is shown above its first question (Markdown), under the pages' rules.
#[test]
fn quiz_description_is_shown_and_checked() {
    use crate::quiz_support::QUIZ;
    let site = TestSite::bundled();
    let text = site.read(QUIZ);
    site.write(QUIZ, &text.replacen("questions:\n", "description: Ten questions on *records*.\nquestions:\n", 1));
    site.build_ok();
    let page = site.html("training/public-records/index.html");
    assert!(page.contains("<div class=\"quiz-description\"><p>Ten questions on <em>records</em>.</p>"), "{page}");
    site.write(QUIZ, &text.replacen("questions:\n", "description: <script>alert(1)</script>\nquestions:\n", 1));
    let err = site.build_err();
    assert!(err.contains(&format!("{QUIZ}: description: raw HTML `<script>` is not allowed on a page")), "{err}");
}
