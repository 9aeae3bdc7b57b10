//! The sitemap feature: `sitemap.xml` (the sitemap protocol takes absolute URLs only, so a site
//! without `base_url` has none).

use crate::diag::Diagnostics;
use crate::feature::{Feature, Reserved, Templates, write_error};
use crate::model::Site;
use crate::output::{Reach, Sink};

pub(crate) struct Sitemap;

impl Feature for Sitemap {
    fn name(&self) -> &'static str {
        "sitemap"
    }

    fn reserved(&self) -> &'static [Reserved] {
        &[("sitemap.xml", "the sitemap")]
    }

    fn write(&self, site: &Site, _templates: &dyn Templates, sink: &dyn Sink) -> Diagnostics {
        // A web server's file: the sitemap lists absolute URLs, so packages leave it out.
        let mut diags = Diagnostics::default();
        if let Some(map) = sitemap(site)
            && let Err(e) = sink.put_for("sitemap.xml", map.as_bytes(), Reach::WebServer)
        {
            diags.push(write_error("sitemap.xml", e));
        }
        diags
    }
}

fn sitemap(site: &Site) -> Option<String> {
    let base = match site.config.base_url.as_ref()? {
        u if u.ends_with('/') => u.clone(),
        u => format!("{u}/"),
    };
    let mut pages: Vec<_> = site.pages.iter().collect();
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    let mut x = crate::xml::Doc::new("UTF-8");
    x.open("urlset", &[("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9")]).ws("\n");
    for p in pages {
        x.ws("  ").open("url", &[]).leaf("loc", &[], &format!("{base}{}", p.url));
        if let Some(d) = p.source.front.revised.or(p.source.front.approved) {
            // Never after the build date, like the feed's dates.
            let d = if site.policy.today > crate::date::Date::from_days(0) { d.min(site.policy.today) } else { d };
            x.leaf("lastmod", &[], &d.to_string());
        }
        x.close("url").ws("\n");
    }
    x.close("urlset").ws("\n");
    Some(x.finish())
}
