//! An account's address on its platform: the hosts a platform's accounts live on (`hosts:`, else
//! the platform's own `url`), and the check a request's `account.url` meets before it is stored in
//! the directory and linked from the site.

use super::{PLATFORMS_FILE, Platform};

impl Platform {
    /// The hosts an account address on this platform may use.
    pub fn account_hosts(&self) -> Vec<String> {
        if !self.hosts.is_empty() {
            return self.hosts.iter().map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase()).collect();
        }
        let from_url = self.url.as_deref().and_then(|u| url::Url::parse(u).ok());
        let host = from_url.as_ref().and_then(|u| u.host_str()).map(|h| h.trim_start_matches("www.").to_string());
        host.into_iter().collect()
    }

    /// Check an account's address: an `https:` (or `http:`) URL on one of this platform's hosts,
    /// with no user name, password or port. Returns the URL as the `url` crate serializes it
    /// (percent-encoded), which is what the directory stores and the page links to.
    pub fn check_account_url(&self, raw: &str) -> Result<String, String> {
        let raw = raw.trim();
        let example = self.account_hosts().first().map(|h| format!("https://www.{h}/…")).unwrap_or_default();
        let u = url::Url::parse(raw)
            .map_err(|e| format!("`{raw}` is not a web address ({e}); paste the account's address, e.g. {example}"))?;
        if !matches!(u.scheme(), "https" | "http") {
            return Err(format!(
                "`{}:` addresses are not allowed; the account's address must start with https:// (e.g. {example})",
                u.scheme()
            ));
        }
        if !u.username().is_empty() || u.password().is_some() {
            return Err(format!("`{raw}` contains a user name or password before the host; remove it"));
        }
        if u.port().is_some() {
            return Err(format!("`{raw}` names a port; use the platform's ordinary address ({example})"));
        }
        let Some(url::Host::Domain(host)) = u.host() else {
            return Err(format!("`{raw}` has no host name; use the platform's address ({example})"));
        };
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let hosts = self.account_hosts();
        if hosts.is_empty() {
            return Err(format!(
                "no hosts are listed for {} in {PLATFORMS_FILE}; add `hosts:` there, or leave the address empty",
                self.name
            ));
        }
        if hosts.iter().any(|h| host == *h || host.ends_with(&format!(".{h}"))) {
            Ok(u.to_string())
        } else {
            Err(format!("`{host}` is not an address on {} (expected {} or a subdomain)", self.name, hosts.join(", ")))
        }
    }
}
