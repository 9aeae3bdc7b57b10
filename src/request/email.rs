//! District email addresses in request files, parsed properly.
//!
//! "Ends with `@tacoma.k12.wa.us`" is not enough: `kim@evil.com@tacoma.k12.wa.us` and
//! `<script>@tacoma.k12.wa.us` both end that way. An address must be one plain mailbox: it is
//! parsed with the `email_address` crate (RFC 5322 syntax), and we then also refuse what that syntax
//! allows but no staff address uses: quoted local parts, display names, non-ASCII, domain literals.

use email_address::{EmailAddress, Options};

/// Checks `email` and returns it normalized (trimmed, lower case), or says what is wrong, naming the
/// domains an address must be in.
pub fn district_email(email: &str, domains: &[String]) -> Result<String, String> {
    let want = domains.iter().map(|d| format!("@{d}")).collect::<Vec<_>>().join(" or ");
    let trimmed = email.trim();
    if trimmed.is_empty() {
        return Err(format!("the email address is missing; use a District address ending in {want}"));
    }
    let options = Options::default().with_required_tld().without_domain_literal().without_display_text();
    let parsed = EmailAddress::parse_with_options(trimmed, options);
    let plain = trimmed.is_ascii()
        && !trimmed.starts_with('"')
        && trimmed.chars().all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-@".contains(c));
    let parsed = match parsed {
        Ok(p) if plain => p,
        _ => {
            return Err(format!(
                "`{email}` is not a valid email address (one name, one @, one domain); use a District address ending in {want}"
            ));
        }
    };
    let domain = parsed.domain().to_ascii_lowercase();
    if !domains.contains(&domain) {
        return Err(format!("`{email}` is not a District email address: it must end in {want}"));
    }
    Ok(format!("{}@{domain}", parsed.local_part().to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d() -> Vec<String> {
        vec!["tacoma.k12.wa.us".into()]
    }

    #[test]
    fn plain_district_addresses_pass_and_are_normalized() {
        assert_eq!(district_email(" Kim.Coach@Tacoma.K12.WA.US ", &d()), Ok("kim.coach@tacoma.k12.wa.us".into()));
    }

    #[test]
    fn tricks_fail_and_name_the_domain() {
        for bad in [
            "kim@evil.com@tacoma.k12.wa.us",
            "<script>@tacoma.k12.wa.us",
            "\"kim@evil\"@tacoma.k12.wa.us",
            "Kim <kim@tacoma.k12.wa.us>",
            "kim@[10.0.0.1]",
            "kïm@tacoma.k12.wa.us",
            "@tacoma.k12.wa.us",
            "kim@gmail.com",
            "",
        ] {
            let err = district_email(bad, &d()).expect_err(bad);
            assert!(err.contains("@tacoma.k12.wa.us"), "{bad}: {err}");
        }
    }
}
