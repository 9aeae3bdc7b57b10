//! Shared test vectors for the completion-code scheme. The same file is checked by the Node test of the
//! shipped JavaScript (tests/browser/code-vectors.test.mjs), so Rust and the browser cannot drift apart.
//! Regenerate with `UPDATE_VECTORS=1 cargo test --test integration code_vectors::` after an intended change.

use policysite::quiz::{code, keys};
use serde_json::{Value, json};
use sha2::Digest;

const FILE: &str = "tests/vectors/codes.json";

fn generate() -> Value {
    let texts =
        ["", "abc", "policysite", "é🙂 unicode", &"a".repeat(1000), &"b".repeat(55), &"c".repeat(56), &"d".repeat(64)];
    let sha: Vec<Value> =
        texts.iter().map(|t| json!({ "input": t, "sha256": keys::hex(&sha2::Sha256::digest(t.as_bytes())) })).collect();
    let hmac_cases = [("Jefe", "what do ya want for nothing?"), ("k", ""), (&"K".repeat(100) as &str, "long key")];
    let hmac: Vec<Value> = hmac_cases
        .iter()
        .map(|(k, m)| {
            use hmac::{KeyInit, Mac};
            let mut h = hmac::Hmac::<sha2::Sha256>::new_from_slice(k.as_bytes()).expect("any key length");
            h.update(m.as_bytes());
            json!({ "key": k, "message": m, "hmac": keys::hex(&h.finalize().into_bytes()) })
        })
        .collect();
    let mut codes = Vec::new();
    for (i, (quiz, rev, email, day)) in [
        ("public-records", 1u32, "Pat.Doe@tacoma.k12.wa.us", 2522u16),
        ("ferpa-student-records", 300, " x@y.org ", 0),
        ("boundaries", 7, "a@b.c", 65535),
    ]
    .iter()
    .enumerate()
    {
        let qkey_a = keys::question_key(quiz, *rev, "q1", "0,2");
        let qkey_b = keys::question_key(quiz, *rev, "q2", "true");
        let quiz_key = keys::quiz_key(quiz, *rev, &[qkey_a, qkey_b]);
        let explanation = format!("<p>Explanation {i} — with “quotes” and more than thirty-two bytes of text.</p>");
        codes.push(json!({
            "quiz": quiz, "revision": rev, "email": email, "day": day,
            "tag": code::quiz_tag(quiz),
            "question_keys": [keys::hex(&qkey_a), keys::hex(&qkey_b)],
            "check_hashes": [keys::check_hash(&qkey_a), keys::check_hash(&qkey_b)],
            "quiz_key": keys::hex(&quiz_key),
            "explanation": explanation,
            "sealed_explanation": keys::hex(&keys::seal(&qkey_a, explanation.as_bytes())),
            "mac": code::mac(&quiz_key, email, code::quiz_tag(quiz), (*rev % 256) as u8, *day).to_string(),
            "code": code::issue(&quiz_key, quiz, *rev, email, *day),
        }));
    }
    // Which addresses are District addresses: the request form (JavaScript) must agree with
    // `request check` (src/request/email.rs).
    let domains = ["tacoma.k12.wa.us".to_string()];
    let emails: Vec<Value> = [
        "kim.coach@tacoma.k12.wa.us",
        " Kim.Coach@TACOMA.k12.wa.us ",
        "o'neil+team@tacoma.k12.wa.us",
        "kim@gmail.com",
        "kim@evil.tacoma.k12.wa.us",
        "\"kim\"@tacoma.k12.wa.us",
        "kim coach@tacoma.k12.wa.us",
        ".kim@tacoma.k12.wa.us",
        "kim.@tacoma.k12.wa.us",
        "kim..coach@tacoma.k12.wa.us",
        "kim@@tacoma.k12.wa.us",
        "@tacoma.k12.wa.us",
        "kïm@tacoma.k12.wa.us",
        "",
    ]
    .iter()
    .map(|e| json!({ "email": e, "district": policysite::request::email::district_email(e, &domains).is_ok() }))
    .collect();
    json!({ "sha256": sha, "hmac_sha256": hmac, "codes": codes, "district_emails": { "domains": domains, "cases": emails } })
}

#[test]
fn rust_matches_the_shared_vectors() {
    let fresh = generate();
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        std::fs::write(FILE, serde_json::to_string_pretty(&fresh).expect("json") + "\n").expect("write vectors");
    }
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(FILE).expect("vectors file")).expect("valid json");
    assert_eq!(stored, fresh, "the code scheme changed; if intended, regenerate with UPDATE_VECTORS=1");
}

#[test]
fn primitives_match_published_standards() {
    // FIPS 180-2 and RFC 4231 test case 2, so the vectors are anchored to the standards, not only to us.
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(FILE).expect("vectors file")).expect("valid json");
    let sha = &stored["sha256"];
    assert_eq!(sha[0]["sha256"], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_eq!(sha[1]["sha256"], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_eq!(stored["hmac_sha256"][0]["hmac"], "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}
