//! One fixture per kind of bad input: the message, its location, exit status 1, and the previous output
//! left exactly as it was.
use crate::common;

use common::{TestSite, snapshot};

/// Build a good site, break it with `breakage`, and check the failed build's report and the output.
fn fails_with(breakage: impl FnOnce(&TestSite), expected: &[&str]) -> String {
    let site = TestSite::minimal();
    site.build_ok();
    let before = snapshot(&site.out());
    breakage(&site);
    let stderr = site.build_err();
    for e in expected {
        assert!(stderr.contains(e), "expected `{e}` in:\n{stderr}");
    }
    assert!(stderr.contains("the previous output"), "{stderr}");
    assert_eq!(before, snapshot(&site.out()), "a failed build changed the previous output");
    stderr
}

#[test]
fn malformed_yaml() {
    fails_with(
        |s| s.write("content/policy/two.md", "---\ntitle: [unclosed\n---\nx\n"),
        &["error: content/policy/two.md:2:8:"],
    );
}

#[test]
fn unknown_front_matter_key() {
    fails_with(
        |s| s.write("content/policy/two.md", "---\ntitle: Two\ntemplat: page.html\n---\nx\n"),
        &["content/policy/two.md:3:1: unknown field `templat`", "help: did you mean `template`?"],
    );
}

/// Every problem of one front matter in one run: a value of the wrong type no longer hides the
/// misspelt key after it, nor a second misspelt key that is near a key the page has already.
#[test]
fn every_front_matter_problem_at_once() {
    let stderr = fails_with(
        |s| {
            s.write(
                "content/policy/two.md",
                "---\ntitle: Two\nweight: twenty\ntitel: x\ndraft: maybe\nslugg: y\n---\nx\n",
            )
        },
        &[
            "content/policy/two.md:3:9: expected a whole number",
            "content/policy/two.md:4:1: unknown field `titel`",
            "content/policy/two.md:5:8: invalid boolean",
            "help: write `true` or `false`",
            "content/policy/two.md:6:1: unknown field `slugg`",
            "help: did you mean `slug`?",
        ],
    );
    assert!(stderr.contains("4 errors found"), "{stderr}");
}

#[test]
fn repeated_front_matter_key() {
    let err = fails_with(
        |s| s.write("content/policy/two.md", "---\ntitle: Two\ndescription: a\ntitle: Again\n---\nx\n"),
        &["content/policy/two.md:4:1: the key `title` appears twice", "help: remove one of the two entries"],
    );
    assert!(!err.contains("DuplicateKeyPolicy"), "no advice meant for programmers: {err}");
}

#[test]
fn mistyped_front_matter_value() {
    fails_with(
        |s| s.write("content/policy/two.md", "---\ntitle: Two\nweight: heavy\n---\nx\n"),
        &["content/policy/two.md:3:9:"],
    );
    fails_with(
        |s| s.write("content/policy/two.md", "---\ntitle: Two\napproved: 2016-02-30\n---\nx\n"),
        &["content/policy/two.md:3", "is not a date"],
    );
}

#[test]
fn missing_front_matter() {
    fails_with(
        |s| s.write("content/policy/two.md", "# no front matter\n"),
        &["content/policy/two.md:1:1: missing front matter"],
    );
}

#[test]
fn missing_template() {
    fails_with(
        |s| s.write("content/policy/two.md", "---\ntitle: Two\ntemplate: nope.html\n---\nx\n"),
        &["content/policy/two.md:3: template `nope.html` not found", "available templates:"],
    );
}

#[test]
fn template_syntax_error() {
    fails_with(
        |s| {
            s.write(
                "templates/section.html",
                "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title \n{% endblock content %}\n",
            )
        },
        &["templates/section.html:4:1: template error"],
    );
}

#[test]
fn template_render_error() {
    fails_with(
        |s| {
            s.write("templates/section.html", "{% extends \"base.html\" %}\n{% block content %}\n{{ page.no_such_field.deeper }}\n{% endblock content %}\n")
        },
        &["templates/section.html:3:", "rendering content/"],
    );
}

#[test]
fn duplicate_output_path() {
    fails_with(
        |s| s.write("content/policy/three.md", "---\ntitle: Three\nslug: two\n---\nx\n"),
        &[
            "content/policy/two.md",
            "two pages write the same output `policy/two/index.html`",
            "content/policy/three.md",
        ],
    );
}

/// The page refused its address has that error alone: links to it are not also "a page that does
/// not exist" (it exists).
#[test]
fn links_to_a_page_refused_its_address_are_not_reported_again() {
    let stderr = fails_with(
        |s| {
            s.write("content/policy/three.md", "---\ntitle: Three\nslug: two\n---\nx\n");
            s.write(
                "content/policy/four.md",
                "---\ntitle: Four\n---\n\nSee [two](@/policy/two.md#x) and [three](@/policy/three.md).\n",
            );
        },
        &["two pages write the same output `policy/two/index.html`"],
    );
    assert!(!stderr.contains("does not exist") && !stderr.contains("missing anchor"), "{stderr}");
    assert!(stderr.contains("1 error found"), "{stderr}");
}

#[test]
fn broken_internal_link() {
    fails_with(
        |s| s.write("content/policy/two.md", "---\ntitle: Two\n---\n\nLine one.\n\nSee [gone](@/policy/gone.md).\n"),
        &["content/policy/two.md:7:5: link to a page that does not exist: `@/policy/gone.md`"],
    );
}

#[test]
fn broken_anchor() {
    fails_with(
        |s| s.write("content/policy/two.md", "---\ntitle: Two\n---\n\nSee [x](@/policy/one.md#third-part).\n"),
        &[
            "content/policy/two.md:5:5: link to a missing anchor `#third-part` in policy/one.md",
            "anchors there:",
            "second-part",
        ],
    );
}

/// A page without headings has no anchors: the help says so instead of listing none.
#[test]
fn anchor_on_a_page_without_headings() {
    fails_with(
        |s| {
            s.write("content/policy/three.md", "---\ntitle: Three\n---\n\nNo headings here.\n");
            s.write("content/policy/two.md", "---\ntitle: Two\n---\n\nSee [x](@/policy/three.md#part).\n");
        },
        &[
            "link to a missing anchor `#part` in policy/three.md",
            "policy/three.md has no headings or ids to link to: link to the page itself, without `#…`",
        ],
    );
}

#[test]
fn unknown_shortcode() {
    fails_with(
        |s| s.write("content/policy/two.md", "---\ntitle: Two\n---\n\nA {{ platforms.nope }}\n"),
        &["content/policy/two.md:5:3: unknown shortcode"],
    );
}

#[test]
fn non_utf8_file() {
    fails_with(
        |s| std::fs::write(s.path().join("content/policy/two.md"), b"---\ntitle: Two\n---\ncaf\xe9\n").expect("write"),
        &["content/policy/two.md:4:4: file is not valid UTF-8", "save the file as UTF-8"],
    );
}

#[test]
fn unreadable_file() {
    fails_with(
        |s| {
            std::os::unix::fs::symlink("/nonexistent/target.md", s.path().join("content/policy/broken.md"))
                .expect("symlink")
        },
        &["content/policy/broken.md", "cannot read"],
    );
}

#[test]
fn malformed_data_file() {
    fails_with(
        |s| s.write("data/platforms.yaml", "approved_intro: x\napproved:\n  - id: a\n    nmae: A\n"),
        &["data/platforms.yaml:4:5: unknown field `nmae`"],
    );
}

/// Addresses that would run script on a page staff open are refused where they are written, however
/// they are spelled; every one is reported, and the previous output stays.
#[test]
fn links_and_raw_html_that_run_script_are_refused() {
    let page = "---\ntitle: Two\n---\n\
[a](javascript:alert(1)) and [b](JaVaScRiPt:alert(1))\n\
\n\
[c](&#106;avascript:alert(1)) and ![img](data:image/svg+xml,x)\n\
\n\
[r]: vbscript:msgbox(1)\n\
\n\
See [r] and <a href=\"java&Tab;script:alert(1)\">d</a> and <img src=x onerror=alert(1)>\n\
\n\
<script>alert(1)</script>\n\
\n\
<div>\n\
<meta http-equiv=refresh\n\
content=\"1;url=https://evil.example/\">\n\
</div>\n\
\n\
Fine: [site](https://www.tacomaschools.org/) and [mail](mailto:a@tacoma.k12.wa.us).\n";
    let err = fails_with(
        |s| s.write("content/policy/two.md", page),
        &[
            "content/policy/two.md:4:1: a link to a `javascript:` address is not allowed: `javascript:alert(1)`",
            "content/policy/two.md:4:30: a link to a `javascript:` address is not allowed: `JaVaScRiPt:alert(1)`",
            "content/policy/two.md:6:1: a link to a `javascript:` address",
            "content/policy/two.md:6:35: an image from `data:image/svg+xml,x`: pages show only the site's own images",
            "content/policy/two.md:10:5: a link to a `vbscript:` address",
            "content/policy/two.md:10:13: raw HTML `<a href=…>` to a `javascript:` address is not allowed",
            "raw HTML `<img onerror=…>`: event handlers (script) are not allowed",
            "content/policy/two.md:12:1: raw HTML `<script>` is not allowed on a page",
            // A tag split over the lines of an HTML block is read whole, and reported at its line.
            "content/policy/two.md:15:1: raw HTML `<meta>` is not allowed on a page",
            "help: link only to web addresses (https:), email (mailto:), phone numbers (tel:) or pages of the site",
        ],
    );
    assert!(!err.contains("https://www.tacomaschools.org"), "{err}");
}

#[test]
fn site_addresses_must_be_web_and_email_addresses() {
    fails_with(
        |s| {
            let cfg: String = s
                .read("site.yaml")
                .lines()
                .map(|l| if l.starts_with("policy_url:") { "policy_url: \"javascript:alert({number})\"" } else { l })
                .map(|l| format!("{l}\n"))
                .collect();
            assert!(cfg.contains("javascript:"), "the minimal site has a policy_url");
            s.write("site.yaml", &cfg);
        },
        &["site.yaml:", "`policy_url` is not an http or https address: `javascript:alert({number})`"],
    );
}

#[test]
fn all_errors_of_a_build_are_reported_together() {
    let stderr = fails_with(
        |s| {
            s.write("content/policy/two.md", "---\ntitle: Two\ncolour: red\n---\n");
            s.write("content/policy/three.md", "---\ntitle: Three\n---\n[x](@/nowhere.md)\n");
            s.write("content/four.md", "---\ntitle: Four\n---\n[y](@/policy/one.md#nope)\n");
        },
        &["content/policy/two.md:3:1", "content/policy/three.md:4:1", "content/four.md:4:1", "3 errors found"],
    );
    assert_eq!(stderr.matches("error: ").count(), 3, "{stderr}");
}

#[test]
fn output_that_would_replace_the_sources_is_refused() {
    let site = TestSite::minimal();
    let o = site.run(&["build", "--output", site.path().join("content").to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("choose another --output"));
    assert!(site.path().join("content/_index.md").exists());
}

/// The same through a symbolic link: `--output link-to-content/sub` would write below content/.
#[cfg(unix)]
#[test]
fn output_inside_the_sources_through_a_link_is_refused() {
    let site = TestSite::minimal();
    std::os::unix::fs::symlink(site.path().join("content"), site.path().join("lnc")).expect("symlink");
    std::os::unix::fs::symlink(site.path(), site.path().join("lnroot")).expect("symlink");
    for out in ["lnc/sub", "lnroot/content/y", "lnroot"] {
        let o = site.run(&["build", "--output", site.path().join(out).to_str().expect("utf8")]);
        assert_eq!(o.status.code(), Some(1), "{out}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("choose another --output"), "{out}");
    }
    assert!(!site.path().join("content/sub").exists() && !site.path().join("content/y").exists());
}

#[test]
fn a_build_after_a_failed_one_equals_a_clean_build() {
    // A failed render leaves a half-written staging folder, which the next build recycles.
    let site = TestSite::minimal();
    site.build_ok();
    let good = site.read("content/policy/two.md");
    site.write(
        "templates/section.html",
        "{% extends \"base.html\" %}{% block content %}{{ page.no.such }}{% endblock content %}",
    );
    site.write("content/policy/two.md", "---\ntitle: Two\n---\nChanged while broken.\n");
    site.build_err();
    std::fs::remove_file(site.path().join("templates/section.html")).expect("rm");
    site.write("content/policy/two.md", &good);
    site.build_ok();
    site.build_ok(); // and once more, recycling the previous output
    let clean = TestSite::minimal();
    clean.build_ok();
    assert_eq!(snapshot(&site.out()), snapshot(&clean.out()));
}

#[test]
fn a_link_planted_in_the_old_output_is_not_written_through() {
    let site = TestSite::minimal();
    site.build_ok();
    site.build_ok(); // now .public.old exists and will be recycled
    let victim = site.path().join("victim.txt");
    std::fs::write(&victim, "keep me").expect("write");
    let planted = site.path().join(".public.old/index.html");
    std::fs::remove_file(&planted).expect("rm");
    std::os::unix::fs::symlink(&victim, &planted).expect("symlink");
    site.build_ok();
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "keep me");
    assert!(!site.out().join("index.html").is_symlink());
    assert!(site.html("index.html").contains("<html"));
}

/// Issue 9, defect 7, as reported: the id must not become an `onmouseover` attribute.
#[test]
fn heading_attribute_injection() {
    fails_with(
        |s| s.write("content/policy/two.md", "---\ntitle: Two\n---\n\n## X {#x\"onmouseover=\"alert(1)}\n"),
        &["content/policy/two.md:5:1:", "not allowed", "help:"],
    );
}

#[test]
fn yaml_syntax_errors_say_what_to_check() {
    fails_with(|s| s.write("site.yaml", "title: \"unclosed\n"), &["site.yaml:1:", "help: YAML syntax"]);
}

#[test]
fn a_broken_page_does_not_also_break_the_pages_linking_to_it() {
    let err =
        fails_with(|s| s.write("content/platforms.md", "---\ntitle: P\nfoo: 1\n---\n"), &["content/platforms.md:3:1"]);
    assert!(!err.contains("page that does not exist"), "{err}");
}

#[test]
fn a_theme_outside_themes_is_refused() {
    fails_with(
        |s| {
            let t = s.read("site.yaml");
            s.write("site.yaml", &t.replace("theme: default", "theme: ../../../etc"));
        },
        &["site.yaml:", "not a folder name below themes/"],
    );
}

#[cfg(unix)]
#[test]
fn a_content_link_to_outside_the_site_is_refused() {
    let outside = tempfile::tempdir().expect("tmp");
    std::fs::write(outside.path().join("secret.md"), "---\ntitle: Secret\n---\nprivate\n").expect("write");
    let err = fails_with(
        |s| std::os::unix::fs::symlink(outside.path(), s.path().join("content/linked")).expect("symlink"),
        &["content/linked/secret.md", "outside the site folder"],
    );
    assert!(!err.contains("private"));
}

/// Links in content/ that stay inside the site folder are followed (a page, a folder); one that leads
/// out is refused wherever it is met: the page itself, a folder deeper down, a link inside a linked
/// folder that is itself inside.
#[cfg(unix)]
#[test]
fn content_links_are_followed_inside_the_site_and_refused_out_of_it() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().expect("tmp");
    std::fs::write(outside.path().join("secret.md"), "---\ntitle: Secret\n---\nprivate\n").expect("write");
    let site = TestSite::minimal();
    site.write("shared/page.md", "---\ntitle: Shared\n---\nShared text\n");
    symlink(site.path().join("shared/page.md"), site.path().join("content/policy/linked.md")).expect("symlink");
    symlink(site.path().join("shared"), site.path().join("content/policy/folder")).expect("symlink");
    site.build_ok();
    assert!(site.html("policy/linked/index.html").contains("Shared text"));
    assert!(site.html("policy/folder/page/index.html").contains("Shared text"));
    let secret = outside.path().join("secret.md");
    let cases = [
        ("content/policy/out.md", secret.clone(), "content/policy/out.md"),
        ("content/policy/deep/er/out", outside.path().to_path_buf(), "content/policy/deep/er/out/secret.md"),
        ("shared/out.md", secret, "content/policy/folder/out.md"),
    ];
    for (at, target, shown) in cases {
        let at = site.path().join(at);
        std::fs::create_dir_all(at.parent().expect("parent")).expect("mkdir");
        symlink(&target, &at).expect("symlink");
        let err = site.build_err();
        assert!(err.contains(&format!("{shown}: is a link to ")) && err.contains("outside the site folder"), "{err}");
        assert!(!err.contains("private"), "{err}");
        std::fs::remove_file(&at).expect("rm");
    }
}

/// A link whose real path is longer than the system's limit cannot be resolved (`realpath` gives
/// up), yet the system still follows it to open the file: such a file is refused, never published
/// as if it were inside the site folder (it may lead anywhere).
#[cfg(unix)]
#[test]
fn a_link_too_long_to_resolve_is_refused() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().expect("tmp");
    // Two links, each to 12 folders of 200-character names: 4,800 bytes of real path. Each path
    // written here stays under the limit by going through the first link.
    let names: Vec<String> = (0..24).map(|i| format!("{}{i}", "n".repeat(200))).collect();
    let mkdirs = |at: std::path::PathBuf| std::fs::create_dir_all(&at).unwrap_or_else(|e| panic!("mkdir: {e}"));
    mkdirs(names[..12].iter().fold(outside.path().to_path_buf(), |p, n| p.join(n)));
    symlink(names[..12].join("/"), outside.path().join("first")).expect("symlink");
    let deep = names[12..].iter().fold(outside.path().join("first"), |p, n| p.join(n));
    mkdirs(deep.clone());
    std::fs::write(deep.join("secret.md"), "---\ntitle: Secret\n---\nprivate\n").expect("write");
    symlink(names[12..].join("/"), outside.path().join("first/second")).expect("symlink");
    let site = TestSite::minimal();
    symlink(outside.path().join("first/second"), site.path().join("content/policy/deep")).expect("symlink");
    let err = site.build_err();
    assert!(
        err.contains("content/policy/deep/secret.md: cannot be resolved to check that it stays inside the site folder"),
        "{err}"
    );
    assert!(!err.contains("private"), "{err}");
    assert!(!site.out().join("policy/deep/secret/index.html").exists());
}

#[test]
fn absurd_numbers_on_the_command_line_are_refused() {
    let site = TestSite::minimal();
    let o = site.run(&["check", "--external", "--cache-hours", "18446744073709551615"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--cache-hours"));
}

/// A static file where the generator writes one (`static/feed.xml`): `check` fails as `build` does.
#[test]
fn check_fails_where_build_fails_on_a_file_written_twice() {
    let site = TestSite::minimal();
    site.write("static/feed.xml", "<feed/>");
    assert!(site.build_err().contains("`feed.xml` was written twice"));
    let o = site.run(&["check"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("`feed.xml` was written twice"), "{err}");
}

/// An alias that is another platform's id or name would make a request naming its platform by that
/// word get the wrong platform: refused at its line.
#[test]
fn an_alias_naming_another_platform_is_refused() {
    let site = TestSite::bundled();
    let list = site.read("data/platforms.yaml");
    assert!(list.contains("aliases: [insta, ig]"), "the bundled list changed");
    site.write("data/platforms.yaml", &list.replacen("aliases: [insta, ig]", "aliases: [insta, ig, Yik Yak]", 1));
    let stderr = site.build_err();
    assert!(stderr.contains("alias `Yik Yak` of `instagram` also names `yik-yak`"), "{stderr}");
    assert!(stderr.contains("data/platforms.yaml:"), "{stderr}");
}

/// A failed first build says the output was not created (not that a previous one was kept).
#[test]
fn a_failed_first_build_says_nothing_was_created() {
    let site = TestSite::minimal();
    site.write("content/policy/two.md", "---\ntitle: Two\nweight: twenty\n---\nx\n");
    let stderr = site.build_err();
    assert!(stderr.contains("public was not created"), "{stderr}");
    assert!(!stderr.contains("previous output"), "{stderr}");
    assert!(!site.out().exists());
}
