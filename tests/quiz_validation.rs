//! Quiz sources are validated at build time with file:line, and the revision lock catches a quiz
//! edited without a revision bump.
mod common;

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
            "quizzes in quizzes/: ferpa-student-records, moderating-comments, professional-boundaries, public-records"
        ),
        "{stderr}"
    );
}

#[test]
fn forgotten_revision_bump_is_caught() {
    let site = TestSite::bundled();
    site.build_ok();
    // Change an answer, keep the revision.
    let quiz = site
        .read("quizzes/public-records.yaml")
        .replace("    answer: 1\n    explanation: Texts", "    answer: 0\n    explanation: Texts");
    site.write("quizzes/public-records.yaml", &quiz);
    let stderr = site.build_err();
    assert!(stderr.contains("quizzes/public-records.yaml:7: the questions or answers of quiz `public-records` changed, but its revision is still 2"), "{stderr}");
    assert!(stderr.contains("set `revision: 3`"));
    // Editing only an explanation needs no bump.
    let site2 = TestSite::bundled();
    let quiz = site2
        .read("quizzes/public-records.yaml")
        .replace("Regulation 6973.1R asks you to use District email", "Use District email");
    site2.write("quizzes/public-records.yaml", &quiz);
    site2.build_ok();
    // Bumping the revision records it in the lock.
    let quiz = site.read("quizzes/public-records.yaml").replace("revision: 2", "revision: 3");
    site.write("quizzes/public-records.yaml", &quiz);
    site.build_ok();
    assert!(site.read("quizzes/revisions.lock").contains("\npublic-records 3 "));
}

#[test]
fn the_bundled_lock_is_up_to_date() {
    // A committed quiz change without its lock line would make CI pass but production builds edit the lock.
    let site = TestSite::bundled();
    let before = site.read("quizzes/revisions.lock");
    site.build_ok();
    assert_eq!(before, site.read("quizzes/revisions.lock"), "run `policysite build` and commit quizzes/revisions.lock");
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
