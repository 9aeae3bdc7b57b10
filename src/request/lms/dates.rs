//! Dates in LMS exports: ISO (`2026-11-20`, a time may follow), day/month or month/day with the
//! order settled by the values, and the named-month forms vendors write (Moodle's
//! "Friday, 20 November 2026, 10:45 AM", "November 20, 2026", "20-Nov-2026"). A date whose order the
//! values cannot settle (`05/11/2026`) is refused unless `--lms-date-format` says it; so is a
//! two-digit year.

use jiff::civil::Date as CivilDate;
use jiff::fmt::strtime;

use crate::date::Date;

/// Named-month forms tried when no format is given (names in any case; a full name's specifier,
/// `%B` or `%A`, also reads the abbreviated name: see [`with_format`]).
const NAMED: &[&str] = &[
    "%A, %d %B %Y, %I:%M %p", // Moodle's default (strftimedaydatetime)
    "%A, %d %B %Y",
    "%d %B %Y, %I:%M %p",
    "%d %B %Y %H:%M",
    "%d %B %Y",
    "%B %d, %Y %I:%M %p",
    "%B %d, %Y %I:%M:%S %p",
    "%B %d, %Y",
    "%A, %B %d, %Y",
    "%d-%b-%Y",
    "%d-%b-%Y %H:%M:%S",
    "%b %d %Y",
];

fn from_civil(d: CivilDate) -> Option<Date> {
    Date::parse(&d.strftime("%Y-%m-%d").to_string())
}

/// `s` read with the strftime `format` (the date part; a time in the format is read and dropped).
/// As exports write both, a full month or weekday name's specifier (`%B`, `%A`) reads the
/// abbreviated name too (`Nov`, `Fri`); a format without a time reads a value that has one
/// (`11/20/2026 10:45 AM`).
fn with_format(s: &str, format: &str) -> Option<CivilDate> {
    let abbreviated = format.replace("%B", "%b").replace("%A", "%a");
    let read = |text: &str| {
        [format, abbreviated.as_str()].into_iter().find_map(|f| strtime::parse(f, text).ok()?.to_date().ok())
    };
    read(s).or_else(|| read(s.split_whitespace().next()?))
}

/// Check an explicit `--lms-date-format` (strftime syntax) before any row is read.
pub fn check_format(format: &str) -> Result<(), String> {
    if format.trim().is_empty() {
        return Err("--lms-date-format is empty; give a format such as %d/%m/%Y".into());
    }
    if format.contains("%y") {
        return Err(format!(
            "--lms-date-format `{format}` has a two-digit year (%y); two-digit years are refused (is `05/11/26` 1926 or 2026?): export four-digit years and use %Y"
        ));
    }
    Ok(())
}

/// `Ok(None)` for an empty cell; `Err(why)` for a value that is not a date, has a two-digit year, or
/// whose day/month order is ambiguous without `format`.
pub fn parse(s: &str, format: Option<&str>) -> Result<Option<Date>, String> {
    let s = s.trim();
    if s.is_empty() || s == "-" {
        return Ok(None);
    }
    if let Some(f) = format {
        let d = with_format(s, f).ok_or_else(|| format!("`{s}` is not a date in the format `{f}`"))?;
        return year_ok(s, d).map(Some);
    }
    if let Some(d) = s.get(..10).and_then(Date::parse) {
        return Ok(Some(d));
    }
    let numeric = regex_lite(s);
    if let Some((a, b, y)) = numeric {
        if y.len() != 4 {
            return Err(format!(
                "`{s}` has a two-digit year; two-digit years are refused (is it 19{y} or 20{y}?): export four-digit years"
            ));
        }
        let (a_n, b_n): (u32, u32) = (a.parse().unwrap_or(0), b.parse().unwrap_or(0));
        let (month, day) = match (a_n, b_n) {
            (a, b) if a == b => (a, b),
            (a, b) if a > 12 && b <= 12 => (b, a),
            (a, b) if b > 12 && a <= 12 => (a, b),
            (a, b) if a <= 12 && b <= 12 => {
                return Err(format!(
                    "`{s}` is ambiguous: day {a} of month {b}, or month {a} day {b}? Give the order with --lms-date-format (%d/%m/%Y or %m/%d/%Y)"
                ));
            }
            _ => return Err(format!("`{s}` is not a date")),
        };
        return Date::parse(&format!("{y}-{month:02}-{day:02}"))
            .map(Some)
            .ok_or_else(|| format!("`{s}` is not a date"));
    }
    for f in NAMED {
        if let Some(d) = with_format(s, f) {
            return year_ok(s, d).map(Some);
        }
    }
    Err(format!("`{s}` is not a date this reader knows; give its format with --lms-date-format (for example %d.%m.%Y)"))
}

fn year_ok(s: &str, d: CivilDate) -> Result<Date, String> {
    if d.year() < 1000 {
        return Err(format!("`{s}` has a two-digit year; two-digit years are refused: export four-digit years"));
    }
    from_civil(d).ok_or_else(|| format!("`{s}` is not a date"))
}

/// `A/B/Y`, `A-B-Y` or `A.B.Y` at the start (a time may follow): the three numbers as written.
fn regex_lite(s: &str) -> Option<(String, String, String)> {
    let first = s.split_whitespace().next()?.trim_end_matches(',');
    let sep = first.chars().find(|c| ['/', '-', '.'].contains(c))?;
    let parts: Vec<&str> = first.split(sep).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    if parts[0].len() > 2 || parts[1].len() > 2 {
        return None;
    }
    Some((parts[0].to_string(), parts[1].to_string(), parts[2].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<Date> {
        Date::parse(s)
    }

    #[test]
    fn vendor_forms_are_read() {
        assert_eq!(parse("Friday, 20 November 2026, 10:45 AM", None), Ok(d("2026-11-20")));
        assert_eq!(parse("2026-11-20T10:45:00Z", None), Ok(d("2026-11-20")));
        assert_eq!(parse("11/20/2026 10:45 AM", None), Ok(d("2026-11-20")));
        assert_eq!(parse("20/11/2026", None), Ok(d("2026-11-20")));
        assert_eq!(parse("20.11.2026", None), Ok(d("2026-11-20")));
        assert_eq!(parse("November 20, 2026", None), Ok(d("2026-11-20")));
        assert_eq!(parse("20-Nov-2026", None), Ok(d("2026-11-20")));
        assert_eq!(parse("05/05/2026", None), Ok(d("2026-05-05")));
        assert_eq!(parse("", None), Ok(None));
        // Names in any case, full or abbreviated, under either specifier.
        assert_eq!(parse("20 nov 2026", None), Ok(d("2026-11-20")));
        assert_eq!(parse("Fri, 20 Nov 2026", None), Ok(d("2026-11-20")));
        assert_eq!(parse("FRIDAY, NOVEMBER 20, 2026", None), Ok(d("2026-11-20")));
        assert_eq!(parse("5 Nov 2026", Some("%d %B %Y")), Ok(d("2026-11-05")));
        assert_eq!(parse("5.11.2026 08:00", Some("%d.%m.%Y")), Ok(d("2026-11-05")));
        // A weekday that is not the date's is not a date.
        assert!(parse("Monday, 20 November 2026", None).is_err());
    }

    #[test]
    fn ambiguous_orders_and_two_digit_years_are_refused() {
        assert!(parse("05/11/2026", None).is_err_and(|e| e.contains("ambiguous")));
        assert_eq!(parse("05/11/2026", Some("%d/%m/%Y")), Ok(d("2026-11-05")));
        assert_eq!(parse("05/11/2026", Some("%m/%d/%Y")), Ok(d("2026-05-11")));
        assert!(parse("11/20/26", None).is_err_and(|e| e.contains("two-digit year")));
        assert!(check_format("%d/%m/%y").is_err());
        assert!(parse("20 Nov 26", None).is_err());
        assert!(parse("soon", None).is_err());
    }
}
