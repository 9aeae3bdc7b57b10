//! The training content of issue 13 is on the built pages: for each topic, its key statement and the
//! source it rests on (see /work/shared/reference/domain-facts.md). Text is compared after removing
//! tags and folding typographic quotes and whitespace, as a reader sees it.

use crate::common;

use common::TestSite;
use std::sync::OnceLock;

/// The bundled site, built once for every test in this file.
fn site() -> &'static TestSite {
    static SITE: OnceLock<TestSite> = OnceLock::new();
    SITE.get_or_init(|| {
        let site = TestSite::bundled();
        site.build_ok();
        site
    })
}

/// A built page as plain text: no tags, straight quotes, single spaces.
fn text(rel: &str) -> String {
    let out = common::strip_tags(&site().html(rel)).replace(['’', '‘'], "'").replace(['“', '”'], "\"");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every phrase is on the page; the message names the topic and the missing phrase.
fn assert_all(rel: &str, topic: &str, phrases: &[&str]) {
    let t = text(rel);
    for p in phrases {
        assert!(t.contains(p), "{topic}: `{p}` is not on {rel}");
    }
}

const PRA: &str = "training/public-records/index.html";
const FERPA: &str = "training/ferpa-student-records/index.html";
const BOUNDARIES: &str = "training/professional-boundaries/index.html";
const MODERATION: &str = "training/moderating-comments/index.html";

#[test]
fn student_information_in_correspondence() {
    assert_all(
        PRA,
        "2023 amendment to RCW 42.56.230",
        &[
            "Student information in messages, comments and email",
            "\"The personal information of a child, enrolled or who has been enrolled in a school district, contained in any records, including correspondence, is exempt.\"",
            "SSB 5127, chapter 182, Laws of 2023, in effect since July 23, 2023",
            "The Public Records Officer applies the exemption",
            "RCW 42.56.070(1)",
        ],
    );
}

#[test]
fn retention_to_the_end() {
    assert_all(
        PRA,
        "retention",
        &[
            "When the retention period ends",
            "then Destroy",
            "\"ARCHIVAL (Appraisal Required)\"",
            "Transfer to Washington State Archives for appraisal and selective retention",
            "Local Records Committee (RCW 40.14.070)",
            "usable, searchable, retrievable and authentic for the length of the designated retention period\" (WAC 434-662-040)",
            "\"Printing and retaining a hard copy is not a substitute for the electronic version unless approved by the applicable records committee\" (WAC 434-662-040)",
            "School Districts and Educational Service Districts Records Retention Schedule",
            "Local Government Common Records Retention Schedule",
            "GS2010-001",
            "GS50-01-12",
        ],
    );
    let t = text(PRA);
    assert!(!t.contains("Public Schools (K-12) Records Retention Schedule"), "the 2020 draft's schedule name is used");
    assert!(!t.contains("a printout is no substitute"), "the printout rule is stated as an absolute");
}

#[test]
fn moderating_comments_is_an_optional_module_with_its_sources() {
    assert_all(
        MODERATION,
        "moderating comments",
        &[
            "This module is optional",
            "posted where commenters can see it",
            "viewpoint-neutral",
            "\"cannot delete or remove communications without first speaking with the District's Public Records Officer\"",
            "Removed comments are still records",
            "Lindke v. Freed , 601 U.S. 187 (2024)",
            "O'Connor-Ratcliff v. Garnier , 601 U.S. 205 (2024)",
            "vacated the decision and sent the case back to be decided in light of Lindke",
            "this training's reading, not a holding of either case",
            "28 CFR 35.201",
            "RCW 42.56.100",
        ],
    );
    let html = site().html(MODERATION);
    assert!(html.contains(r#"data-quiz="moderating-comments""#), "the module has its own quiz");
    let config = site().read("site.yaml");
    let required = config.split("required_training:").nth(1).expect("required_training");
    assert!(!required.contains("moderating-comments"), "the optional module is not required");
    let training = text("training/index.html");
    let required_at = training.find("Required for every account administrator").expect("a required group");
    let optional_at = training.find("Optional Recommended for anyone").expect("an optional group");
    assert!(required_at < optional_at, "{training}");
    assert!(!training[required_at..optional_at].contains("Moderating comments"), "{training}");
    assert!(training[optional_at..].contains("Moderating comments on official accounts"), "{training}");
    // The required group links to the request form (the site has one; see request_href in render).
    assert!(site().html("training/index.html").contains(r#"<a href="../request/index.html">account request</a>"#));
}

#[test]
fn photos_at_public_events() {
    assert_all(
        FERPA,
        "photos at public events",
        &[
            "Photos at public events",
            "\"Students who are participating in a public school event or sports game are able to be photographed\"",
            "\"should not be posted on social media without informed consent from student's parent/guardian\"",
            "The regulation does not say how the two fit together",
            "Students with a restriction form on file are never posted",
            "\"intends to make a specific student the focus\"",
            "is incidental or captured only as part of the background",
            "FAQs on Photos and Videos under FERPA",
        ],
    );
    // The rewritten question has its own revision, and asks about one test with one right answer.
    let html = site().html(FERPA);
    assert!(html.contains(r#"data-quiz="ferpa-student-records" data-revision="2""#), "game-photo changed: revision 2");
    assert!(text(FERPA).contains("which one is directly related to a student?"));
    assert!(!text(FERPA).contains("Which photo fits what the regulation allows"), "the ambiguous question is gone");
}

#[test]
fn citations_and_wording() {
    assert_all(
        BOUNDARIES,
        "PDC, DOJ guide, X and Periscope, should",
        &[
            "(PDC Interpretation 01-03)",
            "Guidelines for School Districts in Election Campaigns",
            "Small Entity Compliance Guide",
            "\"a school district is not a special district government\"",
            "Twitter is now called X",
            "Periscope has been discontinued",
            "privacy settings should be set",
        ],
    );
    assert!(text(BOUNDARIES).contains("does the regulation say should be set on an official account?"));
    assert!(!text(BOUNDARIES).contains("does the regulation require on an official account"));
    assert_all(
        PRA,
        "District practice, Nissen affidavit",
        &[
            "District practice is to route it the same day",
            "\"reasonably detailed, nonconclusory affidavits\"",
            "Nissen v. Pierce County , 183 Wn.2d at 885",
        ],
    );
    assert_all(
        FERPA,
        "opt-out, TPS form, should, tax dependant",
        &[
            "right to refuse \"any or all\" of those types",
            "(34 CFR 99.37(a))",
            "Whether that form is also the District's FERPA directory-information opt-out is not confirmed here",
            "\"should not be posted prior to the event\"",
            "dependent for federal tax purposes (34 CFR 99.31(a)(8))",
        ],
    );
    assert!(!text(FERPA).contains("A parent who opts out takes their child out of directory disclosures"));
}
