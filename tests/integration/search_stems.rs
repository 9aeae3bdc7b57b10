//! The browser's stemmer (`assets/search-core.js`) must give the same stems as the build's
//! (rust-stemmers' Snowball English), or a query would miss words the index holds. Both are held to
//! `tests/vectors/stems.json`: this test checks the Rust side, `tests/browser/search.test.mjs` the
//! JavaScript side. `UPDATE_STEMS=1 cargo test --test integration search_stems::` rewrites the file from the words of
//! the bundled content plus Snowball's hard cases.

use std::collections::BTreeMap;
use std::path::Path;

use policysite::search::terms;

const HARD: &[&str] = &[
    "generate",
    "generously",
    "generation",
    "communication",
    "communism",
    "arsenal",
    "arsenic",
    "skis",
    "skies",
    "dying",
    "lying",
    "tying",
    "idly",
    "gently",
    "ugly",
    "early",
    "only",
    "singly",
    "sky",
    "news",
    "howe",
    "atlas",
    "cosmos",
    "bias",
    "andes",
    "inning",
    "innings",
    "outing",
    "canning",
    "herring",
    "earring",
    "proceed",
    "exceed",
    "succeed",
    "proceeding",
    "ties",
    "cries",
    "gas",
    "gaps",
    "kiwis",
    "this",
    "hopping",
    "hoped",
    "fizzed",
    "luxuriate",
    "happy",
    "enjoy",
    "cry",
    "say",
    "by",
    "agreed",
    "feed",
    "bleed",
    "disagreement",
    "hopefully",
    "national",
    "rational",
    "conditional",
    "valenci",
    "hesitanci",
    "digitizer",
    "conformabli",
    "radicalli",
    "differentli",
    "vileli",
    "analogousli",
    "vietnamization",
    "predication",
    "operator",
    "feudalism",
    "decisiveness",
    "hopefulness",
    "callousness",
    "formaliti",
    "sensitiviti",
    "sensibiliti",
    "triplicate",
    "formative",
    "formalize",
    "electriciti",
    "electrical",
    "hopeful",
    "goodness",
    "revival",
    "allowance",
    "inference",
    "airliner",
    "gyroscopic",
    "adjustable",
    "defensible",
    "irritant",
    "replacement",
    "adjustment",
    "dependent",
    "adoption",
    "homologou",
    "communism",
    "activate",
    "angulariti",
    "homologous",
    "effective",
    "bowdlerize",
    "probate",
    "rate",
    "cease",
    "controll",
    "roll",
    "deleting",
    "deleted",
    "delete",
    "deletion",
    "requests",
    "requested",
    "photos",
    "photographed",
    "consenting",
    "records",
    "recording",
    "yelling",
    "yes",
    "yyyy",
    "ayyy",
    "beyond",
    "saying",
    "obeyed",
    "employed",
    "policies",
    "policy",
    "business",
    "days",
    "logically",
    "biology",
    "ecology",
    "archaeology",
    "fully",
    "helplessly",
    "wastefully",
    "emerging",
    "university",
    "past",
    "later",
    "organ",
    "sized",
    "size",
    "owning",
    "ow",
    "ease",
    "easy",
    "feeding",
];

fn words_of(dir: &Path, out: &mut Vec<String>) {
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.path().extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default().to_lowercase();
            out.extend(terms::words(&text).filter(|w| w.bytes().all(|b| b.is_ascii_lowercase())).map(String::from));
        }
    }
}

#[test]
fn stems_match_the_shared_vectors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = root.join("tests/vectors/stems.json");
    if std::env::var_os("UPDATE_STEMS").is_some() {
        let mut words: Vec<String> = HARD.iter().map(|w| w.to_string()).collect();
        words_of(&root.join("content"), &mut words);
        let map: BTreeMap<String, String> =
            words.into_iter().map(|w| (terms::stem(&w), w)).map(|(s, w)| (w, s)).collect();
        let json = serde_json::to_string_pretty(&map).expect("json");
        std::fs::write(&file, json + "\n").expect("write stems.json");
    }
    let text = std::fs::read_to_string(&file).expect("tests/vectors/stems.json");
    let map: BTreeMap<String, String> = serde_json::from_str(&text).expect("stems.json is a JSON object");
    assert!(map.len() > 500, "{} words", map.len());
    let wrong: Vec<String> = map
        .iter()
        .filter(|(w, s)| terms::stem(w) != **s)
        .map(|(w, s)| format!("{w}: file {s}, rust {}", terms::stem(w)))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}
