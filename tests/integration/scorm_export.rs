//! `policysite export scorm`: an admin exports the training modules and uploads them to the LMS.
//! The packages must be valid SCORM (manifests checked against the ADL/IMS schemas in tests/xsd/ with
//! xmllint), self-contained, and byte-identical from one export to the next.

use crate::common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use common::TestSite;

fn unzip(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut zip = zip::ZipArchive::new(file).expect("a zip file");
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).expect("read entry");
        out.insert(f.name().expect("utf-8 entry name").to_string(), bytes);
    }
    out
}

/// Validate with xmllint against tests/xsd/<set>/driver.xsd; returns (ok, output).
fn xmllint(set: &str, xml: &[u8]) -> (bool, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("imsmanifest.xml");
    std::fs::write(&file, xml).expect("write manifest");
    let schema = Path::new(common::REPO).join("tests/xsd").join(set).join("driver.xsd");
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint is required (Debian package libxml2-utils; scripts/test.sh installs it)");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Validate the manifest with the schema files carried in the package itself (unpacked to a folder,
/// with a driver importing each named one).
fn xmllint_packaged(files: &BTreeMap<String, Vec<u8>>, named: &[&str]) -> (bool, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".xsd") || *n == "imsmanifest.xml") {
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    let ns = regex::Regex::new(r#"targetNamespace\s*=\s*"([^"]+)""#).expect("re");
    let imports: String = named
        .iter()
        .map(|n| {
            let text = String::from_utf8_lossy(&files[*n]).into_owned();
            let target = ns.captures(&text).map(|c| c[1].to_string()).expect("targetNamespace");
            format!("<xsd:import namespace=\"{target}\" schemaLocation=\"{n}\"/>")
        })
        .collect();
    let driver = format!(
        r#"<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:driver">{imports}</xsd:schema>"#
    );
    std::fs::write(dir.path().join("driver.xsd"), driver).expect("driver");
    let out = Command::new("xmllint")
        .current_dir(dir.path())
        .args(["--noout", "--nonet", "--schema", "driver.xsd", "imsmanifest.xml"])
        .output()
        .expect("xmllint");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn export(site: &TestSite, version: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["export", "scorm", "--version", version, "--output", out.to_str().expect("utf8")];
    args.extend_from_slice(extra);
    site.run(&args)
}

#[test]
fn every_module_becomes_a_valid_self_contained_package_in_both_versions() {
    let site = TestSite::bundled();
    let named = regex::Regex::new(r"\s(\S+\.xsd)").expect("re");
    let loads = regex::Regex::new(r#"<(?:script|link|img)[^>]*(?:src|href)="([^"]+)""#).expect("re");
    for (version, set, schemaversion, slug) in [
        ("1.2", "scorm12", "<schemaversion>1.2</schemaversion>", "scorm12"),
        ("2004", "scorm2004", "<schemaversion>2004 4th Edition</schemaversion>", "scorm2004"),
    ] {
        let out = site.path().join("packages");
        let o = export(&site, version, &out, &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let stdout = String::from_utf8_lossy(&o.stdout);
        // Every module of the bundled site (each quiz file), none forgotten.
        let quizzes: Vec<String> =
            policysite::quiz::load_all(site.path()).expect("quizzes").by_id.into_keys().collect();
        let packages = std::fs::read_dir(&out)
            .expect("packages")
            .filter(|e| e.as_ref().is_ok_and(|e| e.file_name().to_string_lossy().ends_with(&format!("-{slug}.zip"))))
            .count();
        assert_eq!(packages, quizzes.len(), "one {slug} package per module");
        for quiz in &quizzes {
            let zip_path = out.join(format!("{quiz}-{slug}.zip"));
            assert!(stdout.contains(&format!("{quiz}: ")), "{stdout}");
            let files = unzip(&zip_path);
            let manifest = files.get("imsmanifest.xml").expect("imsmanifest.xml at the package root");
            let text = String::from_utf8_lossy(manifest);
            assert!(text.contains(schemaversion), "{text}");
            let (ok, report) = xmllint(set, manifest);
            assert!(ok, "{quiz} {version} manifest does not validate:\n{report}\n{text}");
            assert!(report.contains("validates"), "{report}");

            // The SCO launches the module page, which has the quiz and the SCORM runtime.
            let launch = format!("training/{quiz}/index.html");
            assert!(text.contains(&format!("href=\"{launch}\"")), "{text}");
            let page = String::from_utf8_lossy(files.get(&launch).expect("launch page in the package"));
            assert!(page.contains(&format!("data-quiz=\"{quiz}\"")));
            assert!(page.contains("assets/scorm.js"));
            // Every file is listed, and everything the pages load is inside the package.
            // The schema files the manifest names are at the root (ADL's test suite looks for them),
            // and the manifest validates against those very files.
            let location = text
                .split("xsi:schemaLocation=\"")
                .nth(1)
                .and_then(|t| t.split('"').next())
                .expect("xsi:schemaLocation");
            let mut names: Vec<&str> =
                named.captures_iter(location).map(|c| c.get(1).expect("name").as_str()).collect();
            names.sort();
            assert!(!names.is_empty(), "{location}");
            for xsd in &names {
                assert!(files.contains_key(*xsd), "{xsd} named by xsi:schemaLocation is not in the package");
            }
            let (ok, report) = xmllint_packaged(&files, &names);
            assert!(ok, "{quiz} {version} manifest does not validate against the packaged schemas:\n{report}");
            for name in files.keys().filter(|n| *n != "imsmanifest.xml" && !n.ends_with(".xsd")) {
                assert!(text.contains(&format!("<file href=\"{name}\"/>")), "{name} not listed");
            }
            for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".html")) {
                let html = String::from_utf8_lossy(bytes);
                for cap in loads.captures_iter(&html) {
                    let target = &cap[1];
                    assert!(!target.contains("//"), "{name} loads {target} from another host");
                    let resolved = Path::new(name).parent().expect("dir").join(target);
                    let mut parts: Vec<String> = Vec::new();
                    for c in resolved.components() {
                        match c {
                            std::path::Component::ParentDir => {
                                parts.pop();
                            }
                            std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
                            _ => {}
                        }
                    }
                    assert!(files.contains_key(&parts.join("/")), "{name} loads {target}, not in the package");
                }
            }
        }
        // The quiz revision is in the manifest (version, titles, launch data).
        let text = String::from_utf8_lossy(&unzip(&out.join(format!("public-records-{slug}.zip")))["imsmanifest.xml"])
            .into_owned();
        let rev = crate::quiz_support::rev();
        assert!(text.contains(&format!("version=\"{rev}\"")), "{text}");
        assert!(text.contains(&format!("(revision {rev})</title>")), "{text}");
        assert!(text.contains(&format!("quiz=public-records&amp;revision={rev}</adlcp:")), "{text}");
        if slug == "scorm12" {
            assert!(
                text.contains(&format!(
                    "<imsmd:version><imsmd:langstring xml:lang=\"en\">{rev}</imsmd:langstring></imsmd:version>"
                )),
                "{text}"
            );
        }
    }
}

#[test]
fn two_exports_are_byte_identical() {
    let site = TestSite::bundled();
    let (a, b) = (site.path().join("a"), site.path().join("b"));
    for dir in [&a, &b] {
        let o = export(&site, "2004", dir, &["--module", "public-records"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let bytes_a = std::fs::read(a.join("public-records-scorm2004.zip")).expect("a");
    let bytes_b = std::fs::read(b.join("public-records-scorm2004.zip")).expect("b");
    assert!(bytes_a == bytes_b, "two exports differ");
    // Only the selected module was exported.
    assert_eq!(std::fs::read_dir(&a).expect("dir").count(), 1);
}

#[test]
fn the_schemas_reject_a_broken_manifest() {
    // The validation can fail: a misspelled ADL attribute is refused.
    let site = TestSite::bundled();
    let out = site.path().join("p");
    assert!(export(&site, "2004", &out, &["--module", "public-records"]).status.success());
    let files = unzip(&out.join("public-records-scorm2004.zip"));
    let broken = String::from_utf8_lossy(&files["imsmanifest.xml"]).replace("adlcp:scormType", "adlcp:scormtype");
    let (ok, report) = xmllint("scorm2004", broken.as_bytes());
    assert!(!ok, "{report}");
}

#[test]
fn unknown_module_or_version_is_an_error_that_says_what_to_choose() {
    let site = TestSite::bundled();
    let out = site.path().join("p");
    let o = export(&site, "1.2", &out, &["--module", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no training module `nope`") && err.contains("public-records"), "{err}");
    assert!(!out.exists() || std::fs::read_dir(&out).expect("dir").next().is_none(), "nothing written");
    let o = export(&site, "3", &out, &[]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("use 1.2 or 2004"));
    // Never into the site's sources.
    let o = export(&site, "1.2", &site.path().join("content/packages"), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("inside `content/`"));
    assert!(!site.path().join("content/packages").exists());
    // A broken site exports nothing.
    site.write("quizzes/public-records.yaml", "id: [");
    let o = export(&site, "1.2", &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("quizzes/public-records.yaml"));
    assert!(!out.join("ferpa-student-records-scorm12.zip").exists());
}

/// A zip of the same name that an export did not write is left alone (and reported); a package from
/// an earlier export is replaced.
#[test]
fn export_never_overwrites_a_file_it_did_not_write() {
    let site = TestSite::bundled();
    let out = site.path().join("packages");
    let args = ["--module", "public-records"];
    assert!(export(&site, "1.2", &out, &args).status.success());
    assert!(export(&site, "1.2", &out, &args).status.success(), "its own package is replaced");
    let zip = out.join("public-records-scorm12.zip");
    std::fs::write(&zip, "not ours").expect("write");
    let o = export(&site, "1.2", &out, &args);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a package policysite exported"));
    assert_eq!(std::fs::read_to_string(&zip).expect("read"), "not ours");
}

/// Exporting a quiz revision not yet published warns as `build` does (its codes could not be
/// verified once the revision is superseded).
#[test]
fn exporting_an_unpublished_revision_warns() {
    let site = TestSite::bundled();
    let quiz = "quizzes/public-records.yaml";
    let next = crate::quiz_support::next();
    site.write(quiz, &crate::quiz_support::set_revision(&site.read(quiz), &next));
    let o = export(&site, "1.2", &site.path().join("p"), &["--module", "public-records"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("revision {next} of quiz `public-records` is not published yet")), "{err}");
}

/// The organization and item identifiers of a manifest, as Moodle's `scorm_get_manifest`
/// (mod/scorm/datamodels/scormlib.php) collects them: one SCO record per `<organization>` and per
/// `<item>`, keyed by its `identifier` attribute (and, only when there is no item at all, one per
/// `<resource>` with an `href`).
fn moodle_scoes(manifest: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"<(organization|item|resource)\s[^>]*?\bidentifier="([^"]+)"[^>]*>"#).expect("re");
    let all: Vec<(String, String)> = re.captures_iter(manifest).map(|c| (c[1].to_string(), c[2].to_string())).collect();
    let items: Vec<String> = all.iter().filter(|(t, _)| t != "resource").map(|(_, id)| id.clone()).collect();
    if all.iter().any(|(t, _)| t == "item") { items } else { all.into_iter().map(|(_, id)| id).collect() }
}

/// What Moodle's `scorm_parse_scorm` does with learners' tracks when an activity's package is
/// replaced: every new SCO is inserted; an old SCO whose `identifier` equals a new one's hands its
/// tracks (`scorm_scoes_track`) to the new SCO; every other old SCO is deleted with its tracks.
/// Returns the old identifiers whose tracks survive.
fn moodle_tracks_kept(old: &[String], new: &[String]) -> Vec<String> {
    old.iter().filter(|id| new.contains(id)).cloned().collect()
}

/// Replacing a Moodle activity's package with the next quiz revision keeps every learner's tracking
/// data: identifiers do not change with the revision (the revision is in the data: manifest
/// `version`, titles, launch data, interaction and objective ids, suspend data).
#[test]
fn replacing_a_package_with_the_next_revision_keeps_moodle_tracks() {
    let site = TestSite::bundled();
    let quiz = "quizzes/public-records.yaml";
    for version in ["1.2", "2004"] {
        let before = site.path().join(format!("before-{version}"));
        assert!(export(&site, version, &before, &["--module", "public-records"]).status.success());
        let original = site.read(quiz);
        let (cur, next) = (crate::quiz_support::rev(), crate::quiz_support::rev() + 1);
        site.write(quiz, &original.replace(&format!("revision: {cur}\n"), &format!("revision: {next}\n")));
        let after = site.path().join(format!("after-{version}"));
        let o = export(&site, version, &after, &["--module", "public-records"]);
        site.write(quiz, &original);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let slug = if version == "1.2" { "scorm12" } else { "scorm2004" };
        let read = |dir: &Path| {
            String::from_utf8_lossy(&unzip(&dir.join(format!("public-records-{slug}.zip")))["imsmanifest.xml"])
                .into_owned()
        };
        let (old, new) = (read(&before), read(&after));
        assert!(
            old.contains(&format!("version=\"{cur}\"")) && new.contains(&format!("version=\"{next}\"")),
            "the revision is still carried"
        );
        assert!(
            new.contains(&format!("(revision {next})</title>")) && new.contains(&format!("revision={next}</adlcp:")),
            "{new}"
        );
        let (old_ids, new_ids) = (moodle_scoes(&old), moodle_scoes(&new));
        assert_eq!(old_ids.len(), 2, "an organization and one item: {old_ids:?}");
        assert_eq!(
            moodle_tracks_kept(&old_ids, &new_ids),
            old_ids,
            "Moodle would delete tracks of {old_ids:?} -> {new_ids:?}"
        );
        // The launch carries the packaged edition for scorm.js.
        assert!(new.contains(&format!("parameters=\"?scorm={version}\"")), "{new}");
    }
    // The model of Moodle's matching can fail: identifiers that embed the revision lose the tracks.
    let old = vec!["policysite-public-records-r2-org".to_string(), "policysite-public-records-r2-item".to_string()];
    let new = vec!["policysite-public-records-r3-org".to_string(), "policysite-public-records-r3-item".to_string()];
    assert!(moodle_tracks_kept(&old, &new).is_empty());
}

/// Issue 23: export renders through `build`'s own sink and checks. A static file that `build`
/// refuses (it lands on the change feed, or on the output's manifest) is refused by `export` too,
/// naming the file; before, the export's in-memory sink took either without a word (for
/// `static/feed.xml`, whichever of the two files came last).
#[test]
fn export_refuses_what_build_refuses() {
    for (rel, says) in [
        ("static/feed.xml", "`feed.xml` was written twice in one build"),
        ("static/.policysite-manifest", "refusing to write `.policysite-manifest`"),
    ] {
        let site = TestSite::bundled();
        site.write(rel, "<x/>\n");
        let err = site.build_err();
        assert!(err.contains(&format!("{rel}: cannot copy static file")) && err.contains(says), "{rel}: {err}");
        let out = site.path().join("packages");
        let o = export(&site, "1.2", &out, &["--module", "public-records"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{rel}: {err}");
        assert!(err.contains(&format!("{rel}: cannot copy static file")) && err.contains(says), "{rel}: {err}");
        assert!(!out.exists(), "{rel}: a package was written");
    }
}

/// Issue 23: the SCORM runtime ships only in packages. A web build has no `assets/scorm.js` and no
/// page loads it; the package has it, loaded by the module page before `quiz.js`. Which rendered
/// files a package leaves out is the files' declared reach, not their names: the server's 404 page
/// and the sitemap are in the web build, not in the package.
#[test]
fn scorm_js_ships_only_in_packages() {
    let site = TestSite::bundled();
    // With an address, the site has a sitemap.
    site.write("site.yaml", &format!("{}\nbase_url: https://www.example.org/social-media/\n", site.read("site.yaml")));
    site.build_ok();
    let web = common::snapshot(&site.out());
    assert!(!web.iter().any(|(name, _)| name.ends_with("scorm.js")), "the web build ships scorm.js");
    for (name, bytes) in web.iter().filter(|(n, _)| n.ends_with(".html")) {
        assert!(!String::from_utf8_lossy(bytes).contains("scorm.js"), "{name} loads scorm.js");
    }
    assert!(web.iter().any(|(n, _)| n == "404.html") && web.iter().any(|(n, _)| n == "sitemap.xml"));
    let out = site.path().join("packages");
    assert!(export(&site, "2004", &out, &["--module", "public-records"]).status.success());
    let files = unzip(&out.join("public-records-scorm2004.zip"));
    assert!(files.get("assets/scorm.js").is_some_and(|js| js.starts_with(b"/* SCORM runtime")));
    let page = String::from_utf8_lossy(&files["training/public-records/index.html"]).into_owned();
    let scorm = page.find(r#"<script src="../../assets/scorm.js"></script>"#).expect("the page loads scorm.js");
    let quiz = page.find(r#"<script src="../../assets/quiz.js"></script>"#).expect("the page loads quiz.js");
    assert!(scorm < quiz, "scorm.js must load before quiz.js");
    let manifest = String::from_utf8_lossy(&files["imsmanifest.xml"]).into_owned();
    assert!(manifest.contains(r#"<file href="assets/scorm.js"/>"#), "{manifest}");
    assert!(!files.contains_key("404.html") && !files.contains_key("sitemap.xml"));
    // The rest of the web build is in the package, byte for byte.
    for (name, bytes) in
        web.iter().filter(|(n, _)| !n.starts_with(".policysite") && n != "404.html" && n != "sitemap.xml")
    {
        let packaged = files.get(name).unwrap_or_else(|| panic!("{name} is not in the package"));
        if !name.starts_with("training/") {
            assert!(packaged == bytes, "{name} differs from the web build");
        }
    }
}

/// Issue 23: formats are the registered exporters; an unknown one is refused with the list.
#[test]
fn an_unknown_format_lists_the_registered_ones() {
    let site = TestSite::bundled();
    let out = site.path().join("p");
    let o = site.run(&["export", "xapi", "--output", out.to_str().expect("utf8")]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("`xapi` is not an export format") && err.contains("`scorm`"), "{err}");
    for e in policysite::export::exporters() {
        assert!(err.contains(&format!("`{}`", e.name())), "{} is not listed: {err}", e.name());
    }
    assert!(!out.exists());
}

/// A theme whose module page does not load `package.scripts` would make packages that never talk to
/// the LMS: the export refuses, naming the page and what to add.
#[test]
fn a_theme_that_does_not_load_the_runtime_is_refused() {
    let site = TestSite::bundled();
    let theme = site.read("themes/default/templates/module.html");
    let scripts = "{% for script in package.scripts %}<script src=\"{{ root }}{{ script }}\"></script>\n{% endfor %}";
    assert!(theme.contains(scripts), "{theme}");
    site.write("templates/module.html", &theme.replace(scripts, ""));
    let out = site.path().join("p");
    let o = export(&site, "1.2", &out, &["--module", "public-records"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "training/public-records/index.html: the module page of `public-records` does not load `assets/scorm.js`"
        ) && err.contains("package.scripts"),
        "{err}"
    );
    assert!(!out.exists());
}
